namespace BioEval.Models;

/// <summary>The one check every verb, backend and preflight makes of a model folder path, with the same words.</summary>
public static class ModelFolder
{
    /// <summary>What is wrong with <paramref name="dir"/> as a model folder ("model folder … does not exist."), or null.</summary>
    public static string? Problem(string dir) =>
        File.Exists(dir) ? $"model folder {dir} is a file; give the model's folder (the one holding model.onnx and the tokenizer files)."
        : !Directory.Exists(dir) ? $"model folder {dir} does not exist."
        : null;

    /// <exception cref="DirectoryNotFoundException">the path is a file, or does not exist</exception>
    public static void Require(string dir)
    {
        if (Problem(dir) is { } problem) throw new DirectoryNotFoundException(char.ToUpperInvariant(problem[0]) + problem[1..]);
    }
}
