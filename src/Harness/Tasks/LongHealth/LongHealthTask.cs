using BioEval.Harness.Prompts;

namespace BioEval.Harness.Tasks.LongHealth;

/// <summary>
/// LongHealth (Adams et al., 2024): multiple-choice questions over long patient records, zero-shot, in three
/// settings (task 1: the patient's own documents; task 2: answer documents among distractors; task 3: distractors
/// only, where "cannot be answered" is right). Not shuffled, as in the reference.
/// </summary>
public static class LongHealthTask
{
    public const string Name = "LongHealth";

    public static TaskDefinition Create(TaskEnvironment env)
    {
        var parser = LongHealthAnswerParser.FromPack(env.Pack(Name));
        return new(
            Name, Version: 1, DataFile: "benchmark_v5.json", Loader: LongHealthLoader.Instance, PromptPack: Name,
            FewShot: 0, MaxNewTokens: 50, Parser: parser, Metrics: [LongHealthAccuracyMetric.Instance],
            PromptBuilder: LongHealthPromptBuilder.Instance, Shuffle: false,
            OracleAnswer: sample => parser.FormatAnswer(sample.Reference))
        {
            NeedsTokenCounter = true,
            // Each option of the prompt (A–E, or A–F with task 2/3's "not in the documents") in the answer format the
            // prompt asks for: phrase, letter, colon, the option's text.
            Choices = item => [.. LongHealthPromptBuilder.Letters(item.Sample).Select(l => $"{parser.FormatAnswer(char.ToUpperInvariant(l).ToString())} {item.Sample.Field($"answer_{l}")}")],
        };
    }
}
