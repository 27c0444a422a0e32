using System.Runtime.CompilerServices;

namespace BioEval.Models;

/// <summary>What the harness knows about the sample a chat asks about: its task and the answer a perfect model gives.</summary>
public sealed record SampleFacts(string Task, string PerfectAnswer);

/// <summary>
/// The harness-side answer key: how baselines that need the gold answer (the oracle) or the task (a per-task constant)
/// get them, in process, without the request carrying them. A model that wants it offers one through
/// <c>GetService&lt;AnswerKey&gt;()</c>; the harness fills that model's key only, keyed by the very message list it then
/// sends. Real backends offer none, so a reference answer never goes into a request, a log or a network call.
/// </summary>
public sealed class AnswerKey
{
    private readonly ConditionalWeakTable<object, SampleFacts> _facts = [];

    /// <summary>Records the facts of the chat <paramref name="messages"/> (the instance later passed to the model).</summary>
    public void Register(object messages, SampleFacts facts) => _facts.AddOrUpdate(messages, facts);

    /// <summary>The facts registered for this message list instance, or null.</summary>
    public SampleFacts? Find(object messages) => _facts.TryGetValue(messages, out var facts) ? facts : null;
}
