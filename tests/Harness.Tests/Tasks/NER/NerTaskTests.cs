using BioEval.Harness.Datasets;
using BioEval.Harness.Metrics;
using BioEval.Harness.Prompts;
using BioEval.Harness.Protocol;
using BioEval.Harness.Tasks.NER;
using BioEval.Models.Baselines;
using Microsoft.Extensions.AI;

namespace BioEval.Harness.Tests.Tasks.NER;

public sealed class PubTatorReaderTests
{
    [Fact]
    public void FixtureDocumentsLoadWithVerifiedOffsets()
    {
        var docs = PubTatorReader.Read(RepoFiles.Fixture("datasets", "NER", "NCBItestset_corpus.txt"));
        Assert.Equal(["90000001", "90000002", "90000003", "90000004"], docs.Select(d => d.Pmid));
        Assert.Empty(docs[1].Mentions);
        var m = docs[0].Mentions[0];
        Assert.Equal("mitochondrial myopathy", docs[0].Text[m.Start..m.End]);
    }

    [Fact]
    public void AnOffsetThatMissesTheTextIsAnErrorNamingThePmid()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "bad.txt");
        File.WriteAllText(path, "123|t|Flu season.\n123|a|Influenza rose.\n123\t0\t3\tInfluenza\tSpecificDisease\tD007251\n\n");
        var e = Assert.Throws<DatasetFormatException>(() => PubTatorReader.Read(path));
        Assert.Contains("PMID 123", e.Message);
        Assert.Contains("Influenza", e.Message);
    }

    [Fact]
    public void MentionWithSurroundingWhitespaceMatchesItsTrimmedSpan()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "ws.txt");
        File.WriteAllText(path, "7|t|Gout.\n7|a|Gout again.\n7\t0\t4\tGout  \tSpecificDisease\tD006073\n");
        Assert.Equal("Gout", PubTatorReader.Read(path).Single().Mentions.Single().Text);
    }

    [Theory]
    [InlineData("NCBItrainset_corpus.txt", 593)]
    [InlineData("NCBIdevelopset_corpus.txt", 100)]
    [InlineData("NCBItestset_corpus.txt", 100)]
    public void RealCorpusFilesLoadWithEveryOffsetVerified(string file, int documents)
    {
        var path = RepoFiles.SharedOrSkip("datasets", "NCBI-disease", file);
        var docs = PubTatorReader.Read(path);
        Assert.Equal(documents, docs.Count);
        Assert.All(docs.SelectMany(d => d.Mentions.Select(m => (d, m))), x => Assert.Equal(x.m.Text, x.d.Text[x.m.Start..x.m.End]));
    }

    [Fact]
    public void RealTestSplitLoadsWithTheTrainSplitAsExamplesKeepingEachTrainDocumentOnce()
    {
        // The published train file lists PMID 8528200 twice: 593 records, 592 documents.
        var path = RepoFiles.SharedOrSkip("datasets", "NCBI-disease", "NCBItestset_corpus.txt");
        var samples = new NcbiDiseaseLoader(withTrainSplit: true).Load(path);
        Assert.Equal(100, samples.Count(s => s.Fields["split"] == "test"));
        Assert.Equal(592, samples.Count(s => s.Fields["split"] == "train"));
        Assert.Equal(samples.Count, samples.Select(s => s.Id).Distinct().Count());
    }
}

public sealed class MentionListParserTests
{
    private static readonly MentionListParser Parser = new("none");

    [Theory]
    [InlineData("- Breast cancer\n* ovarian  Cancer\n• gout", new[] { "breast cancer", "ovarian cancer", "gout" })]
    [InlineData("1. asthma\n2) COPD; emphysema", new[] { "asthma", "copd", "emphysema" })]
    [InlineData("  None  ", new string[0])]
    [InlineData("\n\n;;\n", new string[0])]
    [InlineData("asthma\nAsthma\n- asthma", new[] { "asthma" })]
    [InlineData("type 2 diabetes", new[] { "type 2 diabetes" })]
    [InlineData("-\tmigraine", new[] { "migraine" })]
    public void ItemsAreSplitStrippedOfMarkersAndNormalised(string output, string[] expected) =>
        Assert.Equal(expected, Parser.Mentions(output));

    [Fact]
    public void OnlyOneLeadingMarkerIsRemoved() =>
        // "- - gout": the first '-' is the marker, the second is part of the item.
        Assert.Equal(["- gout"], Parser.Mentions("- - gout"));
}

public sealed class MentionSetMetricTests
{
    [Fact]
    public void PrecisionRecallAndF1OverSets()
    {
        // pred {a, b, c}, gold {a, b, d, e}: tp 2, P = 2/3, R = 2/4, F1 = 2*(2/3)*(1/2)/(2/3+1/2) = 4/7
        var s = MentionSetMetric.Score(["a", "b", "c"], ["a", "b", "d", "e"]);
        Assert.Equal(2.0 / 3, s.Precision, 12);
        Assert.Equal(0.5, s.Recall, 12);
        Assert.Equal(4.0 / 7, s.F1, 12);
    }

    [Theory]
    [InlineData(new string[0], new string[0], 1.0)]
    [InlineData(new[] { "a" }, new string[0], 0.0)]
    [InlineData(new string[0], new[] { "a" }, 0.0)]
    public void EmptySetsFollowTheDocumentedRule(string[] predicted, string[] gold, double all)
    {
        var s = MentionSetMetric.Score(predicted, gold);
        Assert.Equal((all, all, all), (s.Precision, s.Recall, s.F1));
    }

    [Fact]
    public void MicroAverageSumsCountsWhileTheMeanAveragesDocuments()
    {
        // doc 1: pred {a}, gold {a} -> P=R=F=1 ; doc 2: pred {x, y, z}, gold {b} -> 0.
        // Mean F1 = 0.5. Micro: tp 1, predicted 4, gold 2 -> P 1/4, R 1/2, F1 = 2*(1/8)/(3/4) = 1/3.
        var metric = MentionSetMetric.Instance;
        ScoringInput Input(string parsed, params string[] gold) =>
            new(parsed, parsed, new Sample("d", new Dictionary<string, string>(), string.Join("\n", gold), gold));
        var perDoc = new[] { metric.Score(Input("a", "a")), metric.Score(Input("x\ny\nz", "b")) };
        var total = ((ISampleMetric)metric).Aggregate(perDoc);
        Assert.Equal(0.5, total["ner_f1"], 12);
        Assert.Equal(0.25, total["ner_micro_p"], 12);
        Assert.Equal(0.5, total["ner_micro_r"], 12);
        Assert.Equal(1.0 / 3, total["ner_micro_f1"], 12);
    }

    [Fact]
    public void GoldMentionsAreNormalisedLikePredictions()
    {
        var sample = new Sample("d", new Dictionary<string, string>(), "Breast  Cancer", ["Breast  Cancer"]);
        Assert.Equal(1.0, MentionSetMetric.Instance.Score(new ScoringInput("breast cancer", "breast cancer", sample))["ner_f1"]);
    }
}

public sealed class NerPromptBuilderTests
{
    private static IReadOnlyList<EvalItem> Build(int k, int seed = 1)
    {
        var samples = new NcbiDiseaseLoader(withTrainSplit: true).Load(RepoFiles.Fixture("datasets", "NER", "NCBItestset_corpus.txt"));
        var context = new PromptContext(samples, k, PromptPack.Default("NER"), new ApproximateTokenCounter(4096), ProtocolOptions.Default with { ShuffleSeed = seed });
        return NerPromptBuilder.Instance.Build(context);
    }

    [Fact]
    public void EvaluatesTestDocumentsInFileOrderWithTrainExamplesOnly()
    {
        var items = Build(k: 3);
        Assert.Equal(["90000001", "90000002", "90000003", "90000004"], items.Select(i => i.Id));
        var examples = items[0].Messages.Where(m => m.Role == ChatRole.User).SkipLast(1).ToList();
        Assert.Equal(3, examples.Count);
        Assert.All(examples, e => Assert.DoesNotContain("900000", e.Text));
    }

    [Fact]
    public void ExamplesAreDrawnWithTheSeedLikePythonsRandomSample()
    {
        // random.seed(1); random.sample(range(5), 3) == [1, 0, 4] -> train documents 80000002, 80000001, 80000005
        var users = Build(k: 3)[0].Messages.Where(m => m.Role == ChatRole.User).ToList();
        Assert.Contains("Iron deficiency anemia in blood donors.", users[0].Text);
        Assert.Contains("childhood absence epilepsy", users[1].Text);
        Assert.Contains("inherited retinal dystrophies", users[2].Text);
    }

    [Fact]
    public void AnExampleWithoutMentionsAnswersWithTheNoneWord()
    {
        var pack = PromptPack.Default("NER");
        var sample = NcbiDiseaseLoader.ToSample(new PubTatorDocument("1", "T.", "A.", []), "train");
        Assert.Equal("none", NerPromptBuilder.Answer(pack, sample));
    }

    [Fact]
    public void ZeroShotHasNoExamples() =>
        Assert.Equal(2, Build(k: 0)[0].Messages.Count);
}
