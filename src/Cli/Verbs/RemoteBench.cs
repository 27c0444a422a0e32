using System.Diagnostics;
using BioEval.Models.Remote;
using BioEval.Server;
using Microsoft.Extensions.AI;

namespace BioEval.Cli.Verbs;

/// <summary>
/// <c>bioeval bench remote</c>: N chat requests through the <c>openai</c> kind at a given concurrency against a stand-in
/// server with a fixed latency. The peer is the ideal: N / concurrency × latency, what perfectly overlapped requests
/// would take; the ratio says how much the client (HTTP, JSON, Polly, the concurrency gate) adds.
/// </summary>
internal static class RemoteBench
{
    public static async Task<(double Seconds, double Ideal, int Answered, double ServerLatency)> RunAsync(int requests, int concurrency, TimeSpan latency, CancellationToken cancellationToken)
    {
        await using var server = await StandInServer.StartAsync(latency, cancellationToken);
        var options = new RemoteOptions(server.ApiBase, "stand-in", null, concurrency, TimeSpan.FromSeconds(60), 0, null, null);
        using var client = new RemoteChatClient("stand-in", options);
        ChatMessage[] chat = [new(ChatRole.User, "Say ok.")];
        var request = new ChatOptions { Temperature = 0f, MaxOutputTokens = 4 };
        // Warm-up, not timed: connections opened, and enough calls for tiered compilation to optimise the hot paths.
        for (var round = 0; round < 3; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, Math.Max(concurrency, 100)).Select(_ => client.GetResponseAsync(chat, request, cancellationToken)));
            await Task.Delay(200, cancellationToken);
        }
        var before = server.Requests;
        var clock = Stopwatch.StartNew();
        // As the harness sends them: every request at once, the client's gate keeping `concurrency` in flight.
        await Task.WhenAll(Enumerable.Range(0, requests).Select(_ => client.GetResponseAsync(chat, request, cancellationToken)));
        var seconds = clock.Elapsed.TotalSeconds;
        // The ideal at the nominal latency, or at the latency the server really kept when its timers ran late.
        var kept = Math.Max(latency.TotalSeconds, server.MeanDelay.TotalSeconds);
        var ideal = (double)requests / concurrency * kept;
        return (seconds, ideal, server.Requests - before, server.MeanDelay.TotalMilliseconds);
    }
}
