using BioEval.Harness.Datasets;

namespace BioEval.Harness.Runs;

/// <summary>The exceptions that mean the input or configuration is wrong (reported as a message, exit code 2), not a bug.</summary>
public static class UserErrors
{
    public static bool Is(Exception e) =>
        e is IOException or InvalidDataException or ConfigurationException or DatasetFormatException or ArgumentException or KeyNotFoundException
            or UnauthorizedAccessException or FormatException or NotSupportedException or Models.Templates.TemplateException or System.Text.Json.JsonException;
}
