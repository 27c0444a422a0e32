namespace BioEval.Harness.Statistics;

/// <summary>How a run's comparisons are tested and judged.</summary>
/// <param name="Resamples">Bootstrap resamples, and Monte Carlo sign flips above 20 units.</param>
/// <param name="Seed">Seed of the resampling.</param>
/// <param name="Alpha">Significance level of the verdicts, on adjusted p-values.</param>
/// <param name="Adjustment">Multiple-comparison adjustment over the run's headline comparisons.</param>
/// <param name="Confidence">Coverage of the bootstrap interval.</param>
public sealed record StatisticsOptions(
    int Resamples = PairedBootstrap.DefaultResamples,
    ulong Seed = 1,
    double Alpha = 0.05,
    Adjustment Adjustment = Adjustment.Holm,
    double Confidence = 0.95)
{
    public static readonly StatisticsOptions Default = new();

    /// <exception cref="ArgumentException">a value is out of range</exception>
    public void Validate()
    {
        if (Resamples < 1) throw new ArgumentException($"Resamples must be at least 1, got {Resamples}.");
        if (!(Alpha > 0 && Alpha < 1)) throw new ArgumentException($"Alpha must be in (0, 1), got {Alpha}.");
        if (!(Confidence > 0 && Confidence < 1)) throw new ArgumentException($"Confidence must be in (0, 1), got {Confidence}.");
    }
}
