using BioEval.Harness.Datasets;

namespace BioEval.Harness.Tasks.NER;

/// <summary>
/// Loads the NCBI disease corpus for the NER task: the evaluated file (the test split) plus, from the same folder,
/// the train split, whose documents are only ever used as few-shot examples (<c>split</c> field "train"), so test
/// documents never appear as examples. A train document repeated in the file (same PMID) is kept once. All four annotation types (SpecificDisease, DiseaseClass, Modifier,
/// CompositeMention) count as disease mentions. The reference is the distinct mention strings as written, in
/// order of first appearance.
/// </summary>
public sealed class NcbiDiseaseLoader(bool withTrainSplit) : IDatasetLoader
{
    /// <summary>File name of the train split, looked up beside the evaluated file.</summary>
    public const string TrainFile = "NCBItrainset_corpus.txt";

    public IReadOnlyList<Sample> Load(string path)
    {
        var samples = PubTatorReader.Read(path).Select(d => ToSample(d, "test")).ToList();
        if (!withTrainSplit) return samples;
        var train = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, TrainFile);
        if (!File.Exists(train))
            throw new DatasetFormatException($"NER few-shot examples come from the train split, but {train} does not exist. Put it beside {Path.GetFileName(path)} or run zero-shot (BIOEVAL_NER_SHOTS=0).");
        // The published train file holds PMID 8528200 twice; a document is one candidate example, so keep its first copy.
        samples.AddRange(PubTatorReader.Read(train).DistinctBy(d => d.Pmid).Select(d => ToSample(d, "train")));
        return samples;
    }

    /// <summary>A document as a sample: fields title, abstract, text, split; reference = its distinct mentions.</summary>
    public static Sample ToSample(PubTatorDocument d, string split)
    {
        var mentions = d.Mentions.OrderBy(m => m.Start).Select(m => m.Text).Distinct().ToList();
        return new Sample(
            split == "test" ? d.Pmid : $"train/{d.Pmid}",
            new Dictionary<string, string> { ["pmid"] = d.Pmid, ["title"] = d.Title, ["abstract"] = d.Abstract, ["text"] = d.Text, ["split"] = split },
            string.Join("\n", mentions),
            mentions);
    }
}
