using System.Security.Cryptography;
using BioEval.Harness.Datasets;
using BioEval.Harness.Prompts;
using BioEval.Harness.Protocol;
using BioEval.Harness.Tasks;

namespace BioEval.Harness.Runs;

/// <summary>
/// A task with its dataset loaded and ordered by the protocol, shared by every model that runs it
/// so that all models see exactly the same samples in the same order.
/// </summary>
public sealed record PreparedTask(TaskDefinition Task, PromptPack Pack, string DatasetFile, string DatasetSha256, IReadOnlyList<Sample> Ordered)
{
    /// <summary>Loads the dataset and applies the reference's shuffle (Python <c>random.seed(s); random.shuffle</c>).</summary>
    public static PreparedTask Load(TaskDefinition task, string datasetPath, ProtocolOptions protocol, PromptPack? pack = null)
    {
        if (!File.Exists(datasetPath))
            throw new FileNotFoundException($"Dataset of task {task.Name} not found: {datasetPath}. Point BIOEVAL_DATA at a folder holding {task.Name}/{task.DataFile}, or set BIOEVAL_DATA_{task.Name.ToUpperInvariant()}.", datasetPath);
        var samples = task.Loader.Load(datasetPath).ToList();
        var duplicate = samples.GroupBy(s => s.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new DatasetFormatException($"{datasetPath}: sample id '{duplicate.Key}' occurs {duplicate.Count()} times; ids must be unique.");
        if (task.Shuffle) new PythonRandom(protocol.ShuffleSeed).Shuffle(samples);
        string sha;
        using (var stream = File.OpenRead(datasetPath)) sha = Convert.ToHexStringLower(SHA256.HashData(stream));
        return new PreparedTask(task, pack ?? PromptPack.Default(task.PromptPack), datasetPath, sha, samples);
    }
}
