using System.Text.Json.Nodes;
using BioEval.Harness.Prompts;
using BioEval.Harness.Runs;
using BioEval.Harness.Tasks;

namespace BioEval.Harness.Tests.Tasks;

/// <summary>A user's prompt pack file replaces the embedded pack, and pack-driven parsers follow its wording.</summary>
public sealed class PackFileTests
{
    private static string WritePack(string task, Action<JsonObject> change)
    {
        var dir = Directory.CreateTempSubdirectory().FullName;
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root(), "src", "Harness", "Prompts", "Packs", task + ".json")))!.AsObject();
        change(json);
        var path = Path.Combine(dir, task + ".json");
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    [Fact]
    public void AProfileVariableNamesAPackFileForItsTaskInAnyCase()
    {
        var path = WritePack("MedNLI", p => p["system"] = "Our own system prompt.");
        var profile = RunProfile.Load("embedded", new Dictionary<string, string?> { ["BIOEVAL_PACK_MEDNLI"] = path });
        var env = new TaskEnvironment(profile.Protocol, profile.IcdCodeList, profile.PackFiles());
        Assert.Equal("Our own system prompt.", env.Pack("MedNLI").System);
        Assert.Equal(PromptPack.Default("MeQSum").User, env.Pack("MeQSum").User);
    }

    [Fact]
    public void AMissingPackFileIsAnErrorNamingTheVariable()
    {
        var profile = RunProfile.Load("embedded", new Dictionary<string, string?> { ["BIOEVAL_PACK_NER"] = "/no/such/pack.json" });
        var e = Assert.Throws<FileNotFoundException>(() => profile.PackFiles());
        Assert.Contains("BIOEVAL_PACK_NER", e.Message);
    }

    [Fact]
    public void LongHealthParsesTheAnswerPhraseOfTheUsersPack()
    {
        var path = WritePack("LongHealth", p => p["strings"]!["answerPhrase"] = "My choice is");
        var env = new TaskEnvironment(BioEval.Harness.Protocol.ProtocolOptions.Default, "unused", new Dictionary<string, string> { ["LongHealth"] = path });
        var task = TaskCatalog.Select(env, ["LongHealth"]).Single();
        Assert.Equal("C", task.Parser.Parse("My choice is C: Aspirin."));
        Assert.Equal("", task.Parser.Parse("The correct answer is C: Aspirin."));
    }

    [Fact]
    public void NerDropsTheNoneWordOfTheUsersPack()
    {
        var path = WritePack("NER", p => p["strings"]!["none"] = "nothing");
        var env = new TaskEnvironment(BioEval.Harness.Protocol.ProtocolOptions.Default, "unused", new Dictionary<string, string> { ["NER"] = path });
        var task = TaskCatalog.Select(env, ["NER"]).Single();
        Assert.Equal("", task.Parser.Parse("Nothing"));
    }
}
