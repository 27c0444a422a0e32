namespace BioEval.Harness.Datasets;

/// <summary>Reads a dataset file in its published format into samples, in file order.</summary>
public interface IDatasetLoader
{
    /// <summary>Loads every sample; a malformed file throws <see cref="DatasetFormatException"/>.</summary>
    IReadOnlyList<Sample> Load(string path);
}

/// <summary>A dataset file that does not have the expected format; the message names file and place.</summary>
public sealed class DatasetFormatException(string message, Exception? inner = null) : Exception(message, inner);
