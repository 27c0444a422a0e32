namespace BioEval.Models;

/// <summary>The one check every verb and backend makes of a model folder path, with the same message.</summary>
public static class ModelFolder
{
    /// <exception cref="DirectoryNotFoundException">the path is a file, or does not exist</exception>
    public static void Require(string dir)
    {
        if (File.Exists(dir))
            throw new DirectoryNotFoundException($"Model folder '{dir}' is a file; give the model's folder (the one holding model.onnx and the tokenizer files).");
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"Model folder '{dir}' does not exist.");
    }
}
