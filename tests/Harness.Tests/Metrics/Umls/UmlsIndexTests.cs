using BioEval.Harness.Metrics.Umls;

namespace BioEval.Harness.Tests.Metrics.Umls;

/// <summary>The matcher over the fixture lexicon (fixtures/umls: 20 invented concepts, C0000017 with no kept row).</summary>
public sealed class UmlsIndexTests
{
    private static readonly string Fixture = RepoFiles.Fixture("umls", "MRCONSO.RRF");
    private static readonly UmlsIndex All = UmlsIndex.Build(Fixture);

    [Fact]
    public void EveryCuiWithAKeptRowIsAConcept()
    {
        Assert.Equal(19, All.ConceptCount);
        Assert.Equal("C0000001", All.Cui(0));
    }

    [Fact]
    public void TheCanonicalNameIsThePreferredNameRowWhereverItStands()
    {
        Assert.Equal(["Hypertension"], Names("known hypertensive disease"));
        // C0000012's TS=P/STT=PF/ISPREF=Y row comes after "Kidney Disease, Chronic".
        Assert.Equal(["Chronic kidney disease"], Names("kidney disease, chronic"));
    }

    [Fact]
    public void ACuiWithoutAPreferredNameRowIsNamedByItsFirstKeptRow()
    {
        // C0000011: Breathlessness (S/PF/Y), Dyspnea (P/VC/Y), Shortness of breath.
        Assert.Equal(["Breathlessness"], Names("worsening dyspnea"));
    }

    [Fact]
    public void TheLongestAliasAtAPositionWins()
    {
        Assert.Equal([("Diabetes Mellitus, Non-Insulin-Dependent", "type 2 diabetes mellitus")], Matches("Type 2 diabetes mellitus"));
        Assert.Equal([("Congestive heart failure", "congestive heart failure")], Matches("congestive heart failure"));
        Assert.Equal([("Heart Failure", "heart failure")], Matches("acute heart failure"));
    }

    [Fact]
    public void MatchesGoLeftToRightWithoutOverlapping()
    {
        // "diabetes mellitus" would also start inside the first match; spans never overlap.
        Assert.Equal(
            [("Diabetes Mellitus, Non-Insulin-Dependent", "type 2 diabetes mellitus"), ("Chest Pain", "chest pain"), ("Aspirin", "aspirin")],
            Matches("type 2 diabetes mellitus; chest pain, given aspirin"));
    }

    [Fact]
    public void AliasesOfOneConceptCountOnce()
    {
        var text = "Hypertension (high blood pressure), HTN";
        Assert.Equal(3, All.Match(text).Count);
        Assert.Equal(["Hypertension"], Names(text));
    }

    [Fact]
    public void AbbreviationsAreExpandedBeforeMatching()
    {
        Assert.Equal(["Atrial Fibrillation", "Chronic kidney disease", "Congestive heart failure", "Diabetes Mellitus", "Myocardial Infarction", "Pulmonary Embolism"],
            Names("h/o CHF, AF, DM and CKD; prior MI; r/o PE"));
        // The lexicon's own "MI" row expands too, so it is the same alias as "myocardial infarction".
        Assert.Equal([("Myocardial Infarction", "myocardial infarction")], Matches("MI"));
    }

    [Fact]
    public void SingleShortOrStopwordAliasesAreNotIndexed()
    {
        // "AS" (aortic stenosis) and "WAS" (Wiskott-Aldrich syndrome) are fixture rows; "DM" is kept as an abbreviation.
        Assert.Empty(Names("as it was"));
        Assert.Equal(["Aortic Valve Stenosis", "Wiskott-Aldrich Syndrome"], Names("aortic valve stenosis; Wiskott-Aldrich syndrome"));
    }

    [Fact]
    public void SuppressedAndNonEnglishRowsAreNotAliases()
    {
        Assert.Empty(Names("vascular hypertensive disorder"));    // SUPPRESS=E
        Assert.Empty(Names("thoracic pain"));                     // SUPPRESS=O
        Assert.Empty(Names("influenza, human"));                  // SUPPRESS=Y
        Assert.Empty(Names("Vorhofflimmern, Gripe, Acetylsalicylsäure"));
        // The French row is no alias; its English word still is one.
        Assert.Equal([("Hypertension", "hypertension")], Matches("Hypertension artérielle"));
    }

    [Fact]
    public void ASourceFilterDropsOtherSourcesAliasesAndNames()
    {
        var msh = UmlsIndex.Build(Fixture, new UmlsLexiconOptions { Sources = ["MSH"] });
        Assert.Empty(msh.Match("heart attack"));                  // an NCI row
        Assert.Equal(["Myocardial Infarction"], msh.ConceptNames("myocardial infarction").Order());
        // C0000012's preferred row is SNOMEDCT_US: with MSH alone its first kept row names it.
        Assert.Equal(["Kidney Disease, Chronic"], msh.ConceptNames("kidney disease, chronic").Order());
        Assert.Equal(17, msh.ConceptCount);
    }

    [Fact]
    public void AnAliasOfSeveralConceptsLinksToTheOneItIsThePreferredNameOf()
    {
        // "Cold" is a synonym of Common Cold (C0000015, first in the file) and the preferred name of C0000016.
        Assert.Equal([("Cold", "cold")], Matches("cold"));
        Assert.Equal(["Common Cold"], Names("common cold"));
    }

    [Fact]
    public void TextWithoutAliasesHasNoConcepts()
    {
        Assert.Empty(All.Match(""));
        Assert.Empty(All.Match("The patient was discharged home in good condition."));
    }

    [Fact]
    public void LongTextsAreMatchedToTheEnd()
    {
        var text = string.Concat(Enumerable.Repeat("Noted acute heart failure; ", 5_000)) + "and aspirin.";
        var matches = All.Match(text);
        Assert.Equal(5_001, matches.Count);
        Assert.Equal("Aspirin", matches[^1].Name);
    }

    private static List<string> Names(string text) => [.. All.ConceptNames(text).Order(StringComparer.Ordinal)];

    private static List<(string Name, string Text)> Matches(string text) => [.. All.Match(text).Select(m => (m.Name, m.Text))];
}
