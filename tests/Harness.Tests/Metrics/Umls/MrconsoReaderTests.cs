using System.Text;
using BioEval.Harness.Datasets;
using BioEval.Harness.Metrics.Umls;

namespace BioEval.Harness.Tests.Metrics.Umls;

public sealed class MrconsoReaderTests : IDisposable
{
    private static readonly string Fixture = RepoFiles.Fixture("umls", "MRCONSO.RRF");
    private readonly string _dir = Directory.CreateTempSubdirectory("bioeval-mrconso-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void KeepsEnglishRowsThatAreNotSuppressedFromEverySource()
    {
        // The fixture's 51 rows: 4 not English (FRE, GER ×2, SPA), 3 suppressed (E, O, Y).
        var rows = ReadAll(Fixture);
        Assert.Equal(44, rows.Count);
        Assert.All(rows, r => Assert.Equal("ENG", r.Lat));
        Assert.DoesNotContain(rows, r => r.Text is "Vascular hypertensive disorder" or "Thoracic pain" or "Influenza, Human");
        Assert.Equal(["MSH", "NCI", "RXNORM", "SNOMEDCT_US"], rows.Select(r => r.Sab).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ASourceFilterKeepsOnlyTheNamedSources()
    {
        var rows = ReadAll(Fixture, new UmlsLexiconOptions { Sources = ["MSH"] });
        Assert.Equal(17, rows.Count);
        Assert.All(rows, r => Assert.Equal("MSH", r.Sab));
    }

    [Fact]
    public void ThePreferredNameFlagNeedsTsPSttPfAndIsprefY()
    {
        var rows = ReadAll(Fixture).Where(r => r.Cui == "C0000011").ToList();
        // Breathlessness is S/PF/Y, Dyspnea P/VC/Y: neither is the preferred name.
        Assert.Equal([("Breathlessness", false), ("Dyspnea", false), ("Shortness of breath", false)], rows.Select(r => (r.Text, r.Preferred)));
        Assert.Contains(ReadAll(Fixture), r => r is { Text: "Hypertension", Preferred: true });
    }

    [Fact]
    public void ALineWithoutEighteenFieldsIsAnErrorNamingFileAndLine()
    {
        var path = Write(Row("C0000001", "Fever"), "C0000002|ENG|P|L1|PF|S1|Y|A1||||MSH|MH|D1|Cough|0|N|", Row("C0000003", "Pain"));
        var e = Assert.Throws<DatasetFormatException>(() => ReadAll(path));
        Assert.StartsWith($"{path}:2: expected 18 fields", e.Message);
        Assert.Contains("found 17 '|'", e.Message);
    }

    [Fact]
    public void ExtraFieldsAndMalformedRowsOfOtherLanguagesAreErrorsToo()
    {
        var extra = Write(Row("C0000001", "Fever") + "x|");
        Assert.StartsWith($"{extra}:1: expected 18 fields", Assert.Throws<DatasetFormatException>(() => ReadAll(extra)).Message);
        var french = Write(Row("C0000001", "Fever"), "C0000002|FRE|P|L1|PF|S1|Y|A1||||MSHFRE|MH|D1|Toux|0|N");
        Assert.StartsWith($"{french}:2:", Assert.Throws<DatasetFormatException>(() => ReadAll(french)).Message);
    }

    [Fact]
    public void InvalidUtf8IsAnErrorNamingFileAndLine()
    {
        var path = Path.Combine(_dir, "MRCONSO.RRF");
        var bytes = Encoding.UTF8.GetBytes(Row("C0000001", "Fever") + "\n" + Row("C0000002", "Cough") + "\n").ToList();
        bytes[bytes.LastIndexOf((byte)'C') + 1] = 0xFF; // inside "Cough" on line 2
        File.WriteAllBytes(path, [.. bytes]);
        var e = Assert.Throws<DatasetFormatException>(() => ReadAll(path));
        Assert.StartsWith($"{path}:2: invalid UTF-8", e.Message);
    }

    [Fact]
    public void CrLfLineEndsAMissingFinalLineEndAndABomAreAccepted()
    {
        var path = Path.Combine(_dir, "MRCONSO.RRF");
        File.WriteAllText(path, "\uFEFF" + Row("C0000001", "Fever") + "\r\n" + Row("C0000002", "Cough") + "\r\n" + Row("C0000003", "Pain"), new UTF8Encoding(false));
        Assert.Equal(["Fever", "Cough", "Pain"], ReadAll(path).Select(r => r.Text));
        File.WriteAllText(path, Row("C0000001", "Fever") + "\r");
        Assert.Equal(["Fever"], ReadAll(path).Select(r => r.Text));
    }

    [Fact]
    public void LinesLongerThanTheReadBufferAreRead()
    {
        var longText = new string('x', 3 << 20);
        var path = Write(Row("C0000001", longText), Row("C0000002", "Cough"));
        Assert.Equal([longText.Length, 5], ReadAll(path).Select(r => r.Text.Length));
    }

    [Fact]
    public void AnEmptyCuiIsAnError()
    {
        var path = Write(Row("", "Fever"));
        Assert.StartsWith($"{path}:1: the CUI (field 1) is empty", Assert.Throws<DatasetFormatException>(() => ReadAll(path)).Message);
    }

    [Fact]
    public void AnEmptyLineIsMalformed()
    {
        var path = Write(Row("C0000001", "Fever"), "", Row("C0000002", "Cough"));
        Assert.StartsWith($"{path}:2: expected 18 fields", Assert.Throws<DatasetFormatException>(() => ReadAll(path)).Message);
    }

    internal static string Row(string cui, string text, string lat = "ENG", string sab = "MSH", bool preferred = true) =>
        $"{cui}|{lat}|{(preferred ? "P" : "S")}|L0000001|PF|S0000001|Y|A0000001||||{sab}|MH|D000001|{text}|0|N||";

    private string Write(params string[] lines)
    {
        var path = Path.Combine(_dir, "MRCONSO.RRF");
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
        return path;
    }

    private sealed record KeptRow(string Cui, string Lat, string Sab, string Text, bool Preferred);

    private static List<KeptRow> ReadAll(string path, UmlsLexiconOptions? options = null)
    {
        var rows = new List<KeptRow>();
        using var reader = new MrconsoReader(path, options);
        while (reader.Read())
            rows.Add(new KeptRow(S(reader.Cui), S(reader.Field(MrconsoField.Lat)), S(reader.Field(MrconsoField.Sab)), S(reader.Text), reader.IsPreferredName));
        return rows;
    }

    private static string S(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
