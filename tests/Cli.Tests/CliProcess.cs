using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace BioEval.Cli.Tests;

/// <summary>Runs the built <c>bioeval</c> as a separate process, as a user or an outside check does.</summary>
internal sealed partial class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _gate = new();

    private CliProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { lock (_gate) if (e.Data is not null) _stdout.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_gate) if (e.Data is not null) _stderr.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static string CliPath => typeof(CliProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BioEvalCli").Value!;

    public static CliProcess Start(params string[] args) => StartWith(new Dictionary<string, string>(), args);

    /// <summary>Starts bioeval with extra environment variables (e.g. BIOEVAL_* settings).</summary>
    public static CliProcess StartWith(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(CliPath)!,
        };
        foreach (var (key, value) in environment) info.Environment[key] = value;
        info.ArgumentList.Add(CliPath);
        foreach (var a in args) info.ArgumentList.Add(a);
        return new CliProcess(Process.Start(info)!);
    }

    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        RunWithAsync(new Dictionary<string, string>(), args);

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunWithAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var cli = StartWith(environment, args);
        var code = await cli.WaitAsync(TimeSpan.FromMinutes(2));
        return (code, cli.Stdout, cli.Stderr);
    }

    public string Stdout { get { lock (_gate) return _stdout.ToString(); } }
    public string Stderr { get { lock (_gate) return _stderr.ToString(); } }

    /// <summary>Waits until standard output contains <paramref name="text"/>; false when the process ended or time ran out first.</summary>
    public Task<bool> WaitForStdoutAsync(string text, TimeSpan timeout) => WaitForAsync(() => Stdout, text, timeout);

    /// <summary>Waits until standard error contains <paramref name="text"/>; false when the process ended or time ran out first.</summary>
    public Task<bool> WaitForStderrAsync(string text, TimeSpan timeout) => WaitForAsync(() => Stderr, text, timeout);

    private async Task<bool> WaitForAsync(Func<string> stream, string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (stream().Contains(text, StringComparison.Ordinal)) return true;
            if (_process.HasExited) return false;
            await Task.Delay(50);
        }
        return false;
    }

    public int Id => _process.Id;

    /// <summary>Sends SIGTERM (the signal a CI runner or `kill` sends; the CLI treats it like Ctrl+C).</summary>
    public void Terminate()
    {
        if (Kill(_process.Id, 15) != 0) throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Sends SIGKILL: the process ends at once, writing nothing more.</summary>
    public void KillHard()
    {
        if (Kill(_process.Id, 9) != 0) throw new InvalidOperationException($"kill({_process.Id}, SIGKILL) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bioeval did not exit within {timeout}. stderr:\n{Stderr}");
        }
        _process.WaitForExit(); // flushes the asynchronous output readers
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
