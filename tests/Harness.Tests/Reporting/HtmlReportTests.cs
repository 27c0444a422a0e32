using System.Diagnostics;
using BioEval.Harness.Registry;
using BioEval.Harness.Reporting;
using BioEval.Harness.Runs;
using SkiaSharp;

namespace BioEval.Harness.Tests.Reporting;

/// <summary>report.html is one self-contained page with the verdicts, forest plots and the published scores beside BioEval's.</summary>
public sealed class HtmlReportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bioeval-html-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PaperReport() => HtmlReport.Render(ReportDocuments.PaperPairs(), PublishedScores.Load(ReportDocuments.PublishedFile(_dir)));

    [Fact]
    public void ItSummarisesTheVerdictsAndShowsThePublishedScoresBesideBioEvals()
    {
        var html = PaperReport();
        Assert.Contains("Specialised models: 1 better, 0 no significant difference, 1 worse (of 2 headline comparisons", html);
        // BioEval 10.00 (2 of 20) against the published 70.50; 100.00 against 40.25.
        Assert.Contains("<tr><td>meta-llama/Meta-Llama-3-8B-Instruct</td><td>Meta-Llama-3-8B-Instruct</td><td>accuracy</td><td class=\"num\">10.00</td><td class=\"num\">70.50</td><td class=\"num\">-60.50</td></tr>", html);
        Assert.Contains("<tr><td>aaditya/Llama3-OpenBioLLM-8B</td><td>Llama3-OpenBioLLM-8B</td><td>accuracy</td><td class=\"num\">100.00</td><td class=\"num\">40.25</td><td class=\"num\">+59.75</td></tr>", html);
        Assert.Contains("Dada et al.", html);
        Assert.Contains("<td class=\"worse\">worse</td>", html);
        Assert.Contains("<td class=\"better\">better</td>", html);
    }

    [Fact]
    public void ItNeedsNothingAtViewTime()
    {
        var html = PaperReport();
        // Inline SVG refers to its own clip paths as url(#id); any other url( would be fetched.
        Assert.DoesNotMatch(@"url\((?!#)", html);
        foreach (var fetching in new[] { "<script", "<link", "<img", "<iframe", " src=", " href=", "@import" })
            Assert.False(html.Contains(fetching, StringComparison.OrdinalIgnoreCase),
                $"report.html holds '{fetching}': {html[Math.Max(0, html.IndexOf(fetching, StringComparison.OrdinalIgnoreCase) - 80)..][..160]}");
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "<figure class=\"forest\" data-task=\"MedNLI\" data-scoring=\"generate\"><svg "));
    }

    [Fact]
    public void WithoutPublishedScoresThereIsNoSuchTable() =>
        Assert.DoesNotContain("Beside the published CLUE scores", HtmlReport.Render(ReportDocuments.PaperPairs()));

    [Fact]
    public void NamesAreEscaped()
    {
        var html = HtmlReport.Render(RunStore.Results(RunProfile.Load("embedded"), new ModelRegistry([], [new ModelPair("a<b>", "c&d")]),
            [ReportDocuments.MedNli("a<b>", 5), ReportDocuments.MedNli("c&d", 6)], DateTimeOffset.UnixEpoch));
        Assert.Contains("a&lt;b&gt; → c&amp;d", html);
        Assert.DoesNotContain("a<b>", html);
    }

    [Fact]
    public void ASamplingRunShowsTheSpreadAcrossRepeats()
    {
        // Repeats score 10, 11 and 12 of 20: means 50, 55, 60 percent, sample SD 5, range 10.
        var html = HtmlReport.Render(RunStore.Results(RunProfile.Load("embedded"), new ModelRegistry([], [new ModelPair("b", "o")]),
            [ReportDocuments.MedNli("b", 10, repeats: 3), ReportDocuments.MedNli("o", 10, repeats: 3)], DateTimeOffset.UnixEpoch));
        Assert.Contains("<tr><td>b</td><td>accuracy</td><td>50.00, 55.00, 60.00</td><td class=\"num\">5.00</td><td class=\"num\">10.00</td></tr>", html);
    }

    /// <summary>
    /// The page as a browser shows it: headless Chromium (Debian's <c>chromium</c>, installed by .ci/run) dumps the
    /// DOM it built and takes a screenshot; the plot and the tables must be in the DOM and the verdict colours on screen.
    /// </summary>
    [Fact]
    public void ABrowserRendersThePlotsAndTables()
    {
        var chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);
        if (chromium is null) Assert.Skip("Chromium is not installed (apt-get install chromium); the headless-browser check of report.html needs it.");
        var page = Path.Combine(_dir, "report.html");
        File.WriteAllText(page, PaperReport());
        var png = Path.Combine(_dir, "report.png");

        var dom = Chromium(chromium, "--dump-dom", new Uri(page).AbsoluteUri);
        Chromium(chromium, $"--screenshot={png}", "--window-size=1200,2400", new Uri(page).AbsoluteUri);

        Assert.Contains("<figure class=\"forest\" data-task=\"MedNLI\" data-scoring=\"generate\"><svg", dom);
        Assert.Contains("meta-llama/Meta-Llama-3-8B-Instruct → aaditya/Llama3-OpenBioLLM-8B · accuracy", dom); // the plot's row label
        foreach (var table in new[] { "verdicts", "scores", "published", "models", "config", "datasets" })
            Assert.Contains($"<table class=\"{table}\">", dom);
        using var shot = SKBitmap.Decode(png);
        Assert.NotNull(shot);
        var pixels = shot.Pixels;
        int Near(SKColor c) => pixels.Count(p => Math.Abs(p.Red - c.Red) + Math.Abs(p.Green - c.Green) + Math.Abs(p.Blue - c.Blue) < 30);
        // The better and worse verdicts (text and the plot's bars and markers) are drawn in their colours.
        Assert.True(Near(SKColor.Parse(ForestPlot.Colour(Results.VerdictOutcome.Better))) > 200, "no green on screen");
        Assert.True(Near(SKColor.Parse(ForestPlot.Colour(Results.VerdictOutcome.Worse))) > 200, "no red on screen");
    }

    private string Chromium(string chromium, params string[] args)
    {
        var start = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", $"--user-data-dir={Path.Combine(_dir, "profile")}" }.Concat(args))
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"chromium {string.Join(' ', args)} did not finish in 90 s");
        }
        Assert.True(process.ExitCode == 0, $"chromium exited {process.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }
}
