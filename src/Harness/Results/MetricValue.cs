using System.Text.Json.Serialization;
using BioEval.Harness.Metrics;

namespace BioEval.Harness.Results;

/// <summary>
/// One score with what it takes to read it: which way is better and its unit. Reports, gates and comparisons read the
/// direction from here, so a lower-is-better metric is never judged by the sign of Δ alone.
/// </summary>
/// <param name="Name">The metric output, e.g. <c>rouge1</c>.</param>
/// <param name="Value">The aggregated value.</param>
/// <param name="Direction">Whether larger is better.</param>
/// <param name="Unit">The scale of <paramref name="Value"/>: <c>fraction</c> (0–1) for every metric so far.</param>
/// <param name="Headline">Whether pairs are judged on it (see <see cref="MetricInfo.Headline"/>).</param>
public sealed record MetricValue(
    string Name,
    double Value,
    [property: JsonConverter(typeof(JsonStringEnumConverter<MetricDirection>))] MetricDirection Direction,
    string Unit,
    bool Headline = false)
{
    /// <summary>How much better <paramref name="bio"/> is than this value, positive when better whatever the direction.</summary>
    public double Improvement(double bio) => Direction == MetricDirection.HigherIsBetter ? bio - Value : Value - bio;
}
