using BioEval.Harness.Datasets;
using Microsoft.Extensions.AI;

namespace BioEval.Harness.Protocol;

/// <summary>
/// One prompt to send: the chat and the sample it is scored against. A sample can give several items
/// (LongHealth asks each question in several document arrangements), so <see cref="Id"/> extends the sample id.
/// </summary>
public sealed record EvalItem(string Id, Sample Sample, IReadOnlyList<ChatMessage> Messages);
