using BioEval.Harness.Datasets;
using BioEval.Harness.Metrics;

namespace BioEval.Harness.Tests.Metrics;

public sealed class RougeTests
{
    private const int Digits = 12;

    [Theory]
    [InlineData("The cat's hat, 2nd-floor!", "the cat s hat 2nd floor")]
    [InlineData("  HEART\tFailure\n\nNYHA-III ", "heart failure nyha iii")]
    [InlineData("naïve café", "na ve caf")]            // non-ASCII letters split words
    [InlineData("5\u212A run", "5k run")]              // KELVIN SIGN lower-cases to ASCII k in Python
    [InlineData("\u0130stanbul", "i stanbul")]         // İ lower-cases to i + combining dot, a separator
    [InlineData("!!! ---", "")]
    [InlineData("", "")]
    public void TokenizerLowercasesAndSplitsOnEverythingOutsideAsciiLettersAndDigits(string text, string expected)
    {
        Assert.Equal(expected.Split(' ', StringSplitOptions.RemoveEmptyEntries), Rouge.Tokenize(text));
    }

    [Fact]
    public void HandWorkedSentencePairGivesExpectedRouge1Rouge2AndRougeL()
    {
        // ref: the cat sat on the mat (6 unigrams, 5 bigrams); pred: the cat on the mat (5 unigrams, 4 bigrams).
        // unigram overlap: the 2 + cat + on + mat = 5; bigram overlap: "the cat", "on the", "the mat" = 3; LCS = 5.
        var s = Rouge.Score("the cat sat on the mat", "the cat on the mat");

        Assert.Equal(1.0, s.Rouge1.Precision, Digits);
        Assert.Equal(5.0 / 6, s.Rouge1.Recall, Digits);
        Assert.Equal(10.0 / 11, s.Rouge1.FMeasure, Digits);
        Assert.Equal(3.0 / 4, s.Rouge2.Precision, Digits);
        Assert.Equal(3.0 / 5, s.Rouge2.Recall, Digits);
        Assert.Equal(2.0 / 3, s.Rouge2.FMeasure, Digits);
        Assert.Equal(1.0, s.RougeL.Precision, Digits);
        Assert.Equal(5.0 / 6, s.RougeL.Recall, Digits);
        Assert.Equal(10.0 / 11, s.RougeL.FMeasure, Digits);
    }

    [Theory]
    [InlineData("the the the", "the", 1.0, 1.0 / 3, 0.5)]        // overlap clipped to the prediction's count
    [InlineData("the", "the the the the", 0.25, 1.0, 0.4)]       // and to the reference's count
    [InlineData("a b", "a b c d", 0.5, 1.0, 2.0 / 3)]            // precision is over the prediction
    public void Rouge1ClipsRepeatedTokens(string reference, string prediction, double p, double r, double f)
    {
        var s = Rouge.RougeN(reference, prediction, 1);
        Assert.Equal(p, s.Precision, Digits);
        Assert.Equal(r, s.Recall, Digits);
        Assert.Equal(f, s.FMeasure, Digits);
    }

    [Fact]
    public void RougeLUsesLongestCommonSubsequenceNotBagOfWords()
    {
        // Same bag of words, reversed order: ROUGE-1 is perfect, no bigram survives, the LCS is a single token.
        var s = Rouge.Score("a b c d", "d c b a");
        Assert.Equal(1.0, s.Rouge1.FMeasure, Digits);
        Assert.Equal(0.0, s.Rouge2.FMeasure);
        Assert.Equal(0.25, s.RougeL.Precision, Digits);
        Assert.Equal(0.25, s.RougeL.FMeasure, Digits);
    }

    [Fact]
    public void RougeLSkipsInsertedTokens()
    {
        // LCS of "a b c d e" and "a x c y e" is "a c e" (3): P = 3/5, R = 3/5.
        Assert.Equal(0.6, Rouge.RougeL("a b c d e", "a x c y e").FMeasure, Digits);
    }

    [Fact]
    public void CaseAndPunctuationDoNotMatter()
    {
        var s = Rouge.Score("Heart failure.", "HEART-FAILURE");
        Assert.Equal(new RougeScore(1, 1, 1), s.Rouge1);
        Assert.Equal(new RougeScore(1, 1, 1), s.Rouge2);
        Assert.Equal(new RougeScore(1, 1, 1), s.RougeL);
    }

    [Fact]
    public void NewlinesAreOrdinarySeparatorsForRougeL()
    {
        Assert.Equal(1.0, Rouge.RougeL("chest pain with dyspnea", "chest pain\nwith dyspnea").FMeasure);
    }

    [Theory]
    [InlineData("the patient is stable", "")]
    [InlineData("the patient is stable", "?!")]
    [InlineData("", "the patient is stable")]
    [InlineData("", "")]
    public void EmptyTokenListOnEitherSideScoresZero(string reference, string prediction)
    {
        var s = Rouge.Score(reference, prediction);
        Assert.Equal(new RougeScore(0, 0, 0), s.Rouge1);
        Assert.Equal(new RougeScore(0, 0, 0), s.Rouge2);
        Assert.Equal(new RougeScore(0, 0, 0), s.RougeL);
    }

    [Fact]
    public void SingleTokenTextsHaveNoBigramsSoRouge2IsZero()
    {
        var s = Rouge.Score("fever", "Fever!");
        Assert.Equal(1.0, s.Rouge1.FMeasure);
        Assert.Equal(new RougeScore(0, 0, 0), s.Rouge2);
        Assert.Equal(1.0, s.RougeL.FMeasure);
    }

    [Fact]
    public void NonAsciiWordsOnlyMatchThroughTheirAsciiFragments()
    {
        // "café" -> "caf", "cafe" -> "cafe": no overlap.
        Assert.Equal(0.0, Rouge.RougeN("café", "cafe", 1).FMeasure);
    }

    [Fact]
    public void RougeMetricScoresParsedOutputAgainstReferenceAndReportsFMeasures()
    {
        var sample = new Sample("s1", new Dictionary<string, string>(), "the cat sat on the mat");
        var input = new ScoringInput("RAW text ignored", "the cat on the mat", sample);

        var values = RougeMetric.Instance.Score(input);

        Assert.Equal(["rouge1", "rouge2", "rougeL"], RougeMetric.Instance.Outputs.Select(o => o.Name));
        Assert.Equal(10.0 / 11, values["rouge1"], Digits);
        Assert.Equal(2.0 / 3, values["rouge2"], Digits);
        Assert.Equal(10.0 / 11, values["rougeL"], Digits);
    }

    [Fact]
    public void RougeMetricAggregatesByPlainMean()
    {
        ISampleMetric metric = RougeMetric.Instance;
        var perSample = new[]
        {
            (IReadOnlyDictionary<string, double>)new Dictionary<string, double> { ["rouge1"] = 1, ["rouge2"] = 0.5, ["rougeL"] = 1 },
            new Dictionary<string, double> { ["rouge1"] = 0, ["rouge2"] = 0, ["rougeL"] = 0.5 },
        };
        var mean = metric.Aggregate(perSample);
        Assert.Equal(0.5, mean["rouge1"]);
        Assert.Equal(0.25, mean["rouge2"]);
        Assert.Equal(0.75, mean["rougeL"]);
    }
}
