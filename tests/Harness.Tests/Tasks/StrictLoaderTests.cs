using System.Text;
using BioEval.Harness.Datasets;
using BioEval.Harness.Tasks.LongHealth;
using BioEval.Harness.Tasks.MedNLI;
using BioEval.Harness.Tasks.MeDiSumQA;
using BioEval.Harness.Tasks.NER;
using BioEval.Harness.Tasks.ProblemSummary;

namespace BioEval.Harness.Tests.Tasks;

/// <summary>Every loader refuses malformed input with the file and position, and accepts a byte-order mark.</summary>
public sealed class StrictLoaderTests
{
    private const string CsvHeader = "File ID,Subjectives,Objectives,Assessment,Summary\n";
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    private static string TempBytes(string name, byte[] bytes)
    {
        var path = DatasetFixtures.Temp(name, "");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Theory]
    [InlineData("1,a,b\"c,d,e\n", "malformed record")]
    [InlineData("1,a,b,c,d,extra\n", "has 6 fields, the header has 5")]
    [InlineData("1,a,b,c\n", "has 4 fields, the header has 5")]
    [InlineData("1,\"a,b,c,d,e\n", "malformed record")]
    public void ACsvWithAStrayQuoteOrAnotherFieldCountIsRefusedNotMerged(string record, string expected)
    {
        var path = DatasetFixtures.Temp("problems.csv", CsvHeader + "0,s,o,a,x;y\n" + record);
        var e = Assert.Throws<DatasetFormatException>(() => ProblemSummaryLoader.Instance.Load(path));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith(path, e.Message);
    }

    public static TheoryData<string, string> Files() => new()
    {
        { "MedNLI", """{"sentence1": "a", "sentence2": "b", "gold_label": "neutral", "pairID": "1"}""" + "\n" },
        { "ProblemSummary", CsvHeader + "1,s,o,a,x;y\n" },
        { "MeDiSumQA", """[{"discharge_summary": "d", "Question": "q", "Answer": "a"}]""" },
        { "LongHealth", """{"p1": {"texts": {"text_0": "t"}, "questions": [{"question": "q", "answer_a": "a", "answer_b": "b", "answer_c": "c", "answer_d": "d", "answer_e": "e", "correct": "a", "answer_location": {"text_0": {}}}]}}""" },
        { "NER", "1|t|Title\n1|a|Abstract\n\n" },
    };

    private static IReadOnlyList<Sample> Load(string task, string path) => task switch
    {
        "MedNLI" => MedNLILoader.Instance.Load(path),
        "ProblemSummary" => ProblemSummaryLoader.Instance.Load(path),
        "MeDiSumQA" => MeDiSumQALoader.Instance.Load(path),
        "LongHealth" => LongHealthLoader.Instance.Load(path),
        _ => new NcbiDiseaseLoader(withTrainSplit: false).Load(path),
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void EveryLoaderAcceptsAByteOrderMark(string task, string content)
    {
        var plain = Load(task, TempBytes("plain", Encoding.UTF8.GetBytes(content)));
        var marked = Load(task, TempBytes("marked", [.. Bom, .. Encoding.UTF8.GetBytes(content)]));
        Assert.NotEmpty(plain);
        Assert.Equal(plain.Select(s => (s.Id, s.Reference)), marked.Select(s => (s.Id, s.Reference)));
        Assert.Equal(plain[0].Fields.Keys, marked[0].Fields.Keys);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void InvalidUtf8IsAnErrorNamingTheFileLineAndByteOffset(string task, string content)
    {
        // A Latin-1 "é" (0xE9) on the second line, where a lenient decoder would write U+FFFD.
        var lines = content.Split('\n', 2);
        var first = Encoding.UTF8.GetBytes(lines[0] + "\n");
        var second = Encoding.UTF8.GetBytes(lines.Length > 1 ? lines[1] : "");
        var bytes = (byte[])[.. first, 0xE9, .. second];
        var path = TempBytes("latin1", bytes);
        var e = Assert.Throws<DatasetFormatException>(() => Load(task, path));
        Assert.Equal($"{path}:2: invalid UTF-8 at byte offset {first.Length} (0xE9); save the file as UTF-8.", e.Message);
    }

    [Fact]
    public void DuplicateRecordIdsGetTheirPositionAppendedSoEveryIdIsUniqueAndStable()
    {
        var line = """{"sentence1": "a", "sentence2": "b", "gold_label": "neutral", "pairID": "7"}""" + "\n";
        var samples = MedNLILoader.Instance.Load(DatasetFixtures.Temp("dup.jsonl", line + line + line));
        Assert.Equal(["7", "7@2", "7@3"], samples.Select(s => s.Id));
    }
}

public sealed class XlsxReferenceTests
{
    [Fact]
    public void AWorkbookCellReferringPastTheSharedStringsIsAnErrorNotTheIndexAsText()
    {
        var path = DatasetFixtures.Temp("MeQSum.xlsx", "");
        File.Copy(DatasetFixtures.Path("MeQSum", "MeQSum_ACL2019_BenAbacha_Demner-Fushman.xlsx"), path, overwrite: true);
        using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry("xl/worksheets/sheet1.xml")!;
            string xml;
            using (var reader = new StreamReader(entry.Open())) xml = reader.ReadToEnd();
            entry.Delete();
            using var writer = new StreamWriter(zip.CreateEntry("xl/worksheets/sheet1.xml").Open());
            writer.Write(xml.Replace("<c r=\"B2\" t=\"s\"><v>4</v></c>", "<c r=\"B2\" t=\"s\"><v>999</v></c>", StringComparison.Ordinal));
        }
        Assert.NotEmpty(BioEval.Harness.Tasks.MeQSum.MeQSumLoader.Instance.Load(DatasetFixtures.Path("MeQSum", "MeQSum_ACL2019_BenAbacha_Demner-Fushman.xlsx")));

        var e = Assert.Throws<DatasetFormatException>(() => BioEval.Harness.Tasks.MeQSum.MeQSumLoader.Instance.Load(path));
        Assert.StartsWith($"{path}: xl/worksheets/sheet1.xml cell B2 refers to shared string '999', but the workbook has ", e.Message);
    }
}
