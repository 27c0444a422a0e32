using System.Diagnostics;

namespace BioEval.TestSupport;

/// <summary>
/// Runs one of the reference scripts in tools/reference with node, the way every parity test does: the calling test
/// is skipped when node is not installed, and fails with the script's standard error when it exits with an error.
/// </summary>
internal static class NodeScript
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    /// <summary>Standard output of <c>node tools/reference/SCRIPT ARGUMENTS</c>; <paramref name="purpose"/> names what needs node.</summary>
    public static string Run(string script, IEnumerable<string> arguments, string purpose)
    {
        var psi = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        psi.ArgumentList.Add(Path.Combine(Repository.Root, "tools", "reference", script));
        foreach (var a in arguments) psi.ArgumentList.Add(a);

        Process? process;
        try
        {
            process = Process.Start(psi);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            process = null;
        }
        if (process is null) Assert.Skip($"node is not installed; {purpose} needs it.");
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Limit))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"node {script} did not finish within {Limit.TotalMinutes} minutes.");
            }
            Assert.True(process.ExitCode == 0, $"node {script} exited with {process.ExitCode}: {stderr.Result}");
            return stdout.Result;
        }
    }
}
