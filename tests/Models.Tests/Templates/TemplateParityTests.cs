using System.Diagnostics;
using System.Text.Json;
using BioEval.Models.Templates;

namespace BioEval.Models.Tests.Templates;

/// <summary>
/// Renders the same conversations with our interpreter and with @huggingface/jinja (tools/reference/render.mjs)
/// and requires identical text, or an error on both sides (with the same message when the template raised).
/// </summary>
public sealed class TemplateParityTests
{
    static readonly string? RepoRoot = FindRepoRoot();

    static string? FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BioEval.sln"))) return dir.FullName;
        return null;
    }

    static string ConfigPath(string root, string name) => name == "llama3-package"
        ? Path.Combine(root, ".cache", "reference", "node_modules", "@lenml", "tokenizer-llama3", "models", "tokenizer_config.json")
        : Path.Combine(root, "tests", "Models.Tests", "Templates", "Fixtures", $"{name}.tokenizer_config.json");

    [Theory]
    [InlineData("llama3-package")]
    [InlineData("mistral-style")]
    [InlineData("gemma-style")]
    [InlineData("rich-style")]
    public void RenderingMatchesHuggingFaceJinja(string templateName)
    {
        if (RepoRoot is null) Assert.Skip("repository root (BioEval.sln) not found above the test binaries");
        var jinja = Path.Combine(RepoRoot, ".cache", "reference", "node_modules", "@huggingface", "jinja");
        if (!Directory.Exists(jinja)) Assert.Skip("@huggingface/jinja is not installed: run tools/reference/fetch.sh");
        var config = ConfigPath(RepoRoot, templateName);
        if (!File.Exists(config)) Assert.Skip($"{config} is absent: run tools/reference/fetch.sh");
        var conversationsPath = Path.Combine(RepoRoot, "tests", "Models.Tests", "Templates", "Fixtures", "conversations.json");

        var reference = RunNode(Path.Combine(RepoRoot, "tools", "reference", "render.mjs"), config, conversationsPath);
        var template = ChatTemplate.FromTokenizerConfig(config);
        var conversations = ChatConversationsFile.Load(conversationsPath);
        Assert.Equal(conversations.Count, reference.Count);

        for (var i = 0; i < conversations.Count; i++)
        {
            using var expected = JsonDocument.Parse(reference[i]);
            string? text = null;
            TemplateException? error = null;
            try { text = template.RenderChat(conversations[i], addGenerationPrompt: true); }
            catch (TemplateException e) { error = e; }

            if (expected.RootElement.TryGetProperty("text", out var expectedText))
            {
                Assert.True(error is null, $"{templateName} conversation {i}: reference rendered, we failed: {error?.Message}");
                Assert.Equal(expectedText.GetString(), text);
            }
            else
            {
                var expectedError = expected.RootElement.GetProperty("error").GetString();
                Assert.True(error is not null, $"{templateName} conversation {i}: reference failed ({expectedError}), we rendered: {text}");
                if (error.RaisedByTemplate) Assert.Equal(expectedError, error.Message);
            }
        }
    }

    static List<string> RunNode(string script, string config, string conversations)
    {
        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(config);
        psi.ArgumentList.Add(conversations);
        Process? process;
        try { process = Process.Start(psi); }
        catch (System.ComponentModel.Win32Exception) { process = null; }
        if (process is null) { Assert.Skip("node is not on PATH; install Node.js to run the parity tests"); return []; }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(60_000)) { process.Kill(); Assert.Fail("node render.mjs timed out"); }
            Assert.True(process.ExitCode == 0, $"node render.mjs failed: {stderr.Result}");
            return stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        }
    }
}
