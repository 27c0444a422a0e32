namespace BioEval.Models;

/// <summary>Keys a backend may set in a response's additional properties, which the harness reads whatever the backend.</summary>
public static class ResponseKeys
{
    /// <summary>The request's wall-clock seconds as the backend measured them (a remote client, excluding its own queue).</summary>
    public const string LatencySeconds = "bioeval.latency_s";
}
