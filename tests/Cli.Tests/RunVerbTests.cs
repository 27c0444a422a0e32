namespace BioEval.Cli.Tests;

public sealed class RunVerbTests
{
    [Fact]
    public async Task ATerminationSignalStopsTheRunAndWritesTheResultsCompletedSoFar()
    {
        if (OperatingSystem.IsWindows()) Assert.Skip("POSIX signals only.");
        var output = Directory.CreateTempSubdirectory("bioeval-interrupt-").FullName;
        using var cli = CliProcess.Start("run", "--task", "MedNLI", "--task", "LongHealth", "--out", output);
        // MedNLI is complete for every model once LongHealth has started on the tiny model.
        Assert.True(await cli.WaitForStderrAsync("[LongHealth / tiny-base]", TimeSpan.FromMinutes(2)), cli.Stderr);
        cli.Terminate();
        var code = await cli.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(130, code);
        Assert.Contains("interrupted", cli.Stderr);
        var results = File.ReadAllText(Path.Combine(output, "results.json"));
        Assert.Contains("\"task\": \"MedNLI\"", results);
        Assert.True(File.Exists(Path.Combine(output, "report.md")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(output, "checkpoints")));
    }

    [Fact]
    public async Task AnUnknownOptionIsAUsageErrorWithExitCodeTwo()
    {
        var (code, _, stderr) = await CliProcess.RunAsync("run", "--no-such-option");
        Assert.Equal(2, code);
        Assert.Contains("--no-such-option", stderr);
    }

    [Fact]
    public async Task ShufflePrintsPythonsOrder()
    {
        // Python 3: random.seed(1); l = list(range(10)); random.shuffle(l) -> [6, 8, 9, 7, 5, 3, 0, 4, 1, 2]
        var (code, stdout, _) = await CliProcess.RunAsync("shuffle", "--seed", "1", "--count", "10");
        Assert.Equal(0, code);
        Assert.Equal("[6,8,9,7,5,3,0,4,1,2]", stdout.Trim());
    }

    [Theory]
    // Python 3: random.seed(12345678901234567890); l = list(range(12)); random.shuffle(l); a negative seed acts by |seed|.
    [InlineData("12345678901234567890")]
    [InlineData("-12345678901234567890")]
    public async Task ShuffleTakesSeedsBeyondSixtyFourBitsAndNegativeOnesAsPythonDoes(string seed)
    {
        var (code, stdout, stderr) = await CliProcess.RunAsync("shuffle", "--seed", seed, "--count", "12");
        Assert.True(code == 0, stderr);
        Assert.Equal("[2,0,9,3,6,1,4,10,5,7,11,8]", stdout.Trim());
    }

    [Fact]
    public async Task AShuffleSeedThatIsNotAnIntegerIsAUsageError()
    {
        var (code, _, stderr) = await CliProcess.RunAsync("shuffle", "--seed", "1.5", "--count", "3");
        Assert.Equal(2, code);
        Assert.Contains("must be an integer", stderr);
    }
}
