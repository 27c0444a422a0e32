using BioEval.Harness.Datasets;
using BioEval.Harness.Tasks.LongHealth;

namespace BioEval.Harness.Tests.Tasks.LongHealth;

public sealed class LongHealthLoaderTests
{
    private static readonly string Fixture = DatasetFixtures.Path("LongHealth", "benchmark_v5.json");

    [Fact]
    public void OneSamplePerQuestionInFileOrderIdentifiedByPatientAndNumber()
    {
        var samples = LongHealthLoader.Instance.Load(Fixture);
        Assert.Equal(
            new[] { "patient_01/1", "patient_01/2", "patient_02/1", "patient_02/2", "patient_03/1", "patient_03/2" },
            samples.Select(s => s.Id));
        var s = samples[2];
        Assert.Equal("What was the pathological nodal stage after the sigmoid resection?", s.Field("question"));
        Assert.Equal("pN1b", s.Field("answer_c"));
        Assert.Equal("pN1a", s.Field("correct"));
        Assert.Equal("patient_02", s.Field("patient_id"));
        Assert.Equal("B", s.Reference);
    }

    [Fact]
    public void DocumentsAreThePatientsTextsInFileOrderMarkedByAnswerLocation()
    {
        var s = LongHealthLoader.Instance.Load(Fixture)[1];
        Assert.Equal(new[] { "text_0", "text_1", "text_2", "text_3" }, s.Documents!.Select(d => d.Id));
        Assert.Equal(new[] { false, true, false, true }, s.Documents!.Select(d => d.HoldsAnswer));
        Assert.Equal("text_3\ntext_1", s.Field(LongHealthLoader.AnswerLocationField));
    }

    [Fact]
    public void TheGoldLetterIsTheFirstOptionContainingTheCorrectText()
    {
        var samples = LongHealthLoader.Instance.Load(Fixture);
        // "Febrile neutropenia" is only part of option B's text; "Prerenal injury" only part of C's.
        Assert.Equal("B", samples[1].Reference);
        Assert.Equal("C", samples[5].Reference);
    }

    [Theory]
    [InlineData("kappa", "B")]          // the first key whose text contains it, though D contains it too
    [InlineData("IgA kappa", "D")]
    [InlineData("", "A")]               // the empty string is in every text
    [InlineData("IgE", null)]           // in no option
    [InlineData("lambda", null)]        // answer_location is skipped although its key starts with "answer"
    public void CorrectLetterFollowsTheReferenceSubstringRule(string correct, string? expected)
    {
        var keys = new KeyValuePair<string, string>[]
        {
            new("question", "kappa lambda IgE"),
            new("answer_a", "IgM"),
            new("answer_b", "IgG kappa"),
            new("answer_location", "lambda"),
            new("answer_d", "IgA kappa"),
        };
        Assert.Equal(expected, LongHealthLoader.CorrectLetter(keys, correct));
    }

    [Fact]
    public void AQuestionWhoseCorrectTextIsInNoOptionIsAnErrorNotAQuestionEveryModelGetsWrong()
    {
        var path = DatasetFixtures.Temp("benchmark_v5.json", Patient("\"correct\": \"none of these\""));
        var e = Assert.Throws<DatasetFormatException>(() => LongHealthLoader.Instance.Load(path));
        Assert.Contains("patient 'p1', question 1: the 'correct' answer is contained in none of the options answer_a", e.Message);
    }

    [Theory]
    [InlineData("\"correct\": \"x\", \"answer_location\": {\"text_9\": {}}", "patient 'p1', question 1: answer_location names text 'text_9'")]
    [InlineData("\"answer_location\": {}", "patient 'p1', question 1: missing field 'correct'")]
    public void MalformedQuestionsNameThePatientAndQuestion(string rest, string expected)
    {
        var path = DatasetFixtures.Temp("benchmark_v5.json", Patient(rest, location: false));
        var e = Assert.Throws<DatasetFormatException>(() => LongHealthLoader.Instance.Load(path));
        Assert.Contains(expected, e.Message);
    }

    private static string Patient(string rest, bool location = true) =>
        "{\"p1\": {\"texts\": {\"text_0\": \"t\"}, \"questions\": [{\"question\": \"q\", \"answer_a\": \"a\", \"answer_b\": \"b\", " +
        "\"answer_c\": \"c\", \"answer_d\": \"d\", \"answer_e\": \"e\", " + (location ? "\"answer_location\": {\"text_0\": {}}, " : "") + rest + "}]}}";
}
