using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace BioEval.Harness.Runs;

/// <summary>The exact chat sent to a model, in a plain form that can be stored, hashed and replayed.</summary>
public sealed record ChatTurn(string Role, string Content)
{
    public static IReadOnlyList<ChatTurn> From(IEnumerable<ChatMessage> messages) =>
        messages.Select(m => new ChatTurn(m.Role.Value, m.Text)).ToList();

    /// <summary>SHA-256 of the turns as compact JSON; equal chats hash equal on every backend.</summary>
    public static string Hash(IReadOnlyList<ChatTurn> turns) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(turns.Select(t => new[] { t.Role, t.Content })))));
}
