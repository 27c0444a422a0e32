using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BioEval.Server;

/// <summary>
/// An OpenAI-compatible server with no model: every chat completion answers "ok" after a fixed latency, however many
/// are in flight. The efficiency bench of the <c>openai</c> kind drives it, so what it measures is the client's own
/// overhead and concurrency, not a model's speed.
/// </summary>
public sealed class StandInServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;
    private long _delayTicks;
    private long _overshoot;

    /// <summary>The mean time the server actually waited per request (timers overshoot a little).</summary>
    public TimeSpan MeanDelay => Requests == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)Interlocked.Read(ref _delayTicks) / System.Diagnostics.Stopwatch.Frequency / Requests);

    private const string Reply = """{"id":"c","object":"chat.completion","created":1,"model":"stand-in","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}""";

    private StandInServer(WebApplication app) => _app = app;

    public Uri ApiBase { get; private set; } = null!;

    /// <summary>Requests answered so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    public static async Task<StandInServer> StartAsync(TimeSpan latency, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new StandInServer(app);
        app.MapPost("/v1/chat/completions", async (HttpContext http) =>
        {
            // Timers fire a little late (about a millisecond on Linux): the wait is shortened by the overshoot seen so
            // far, so requests really take the given latency, which the bench's ideal assumes.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            // Nine tenths of the overshoot, so the mean stays at or just above the latency, never below it.
            var early = TimeSpan.FromTicks(Math.Max(0, Volatile.Read(ref server._overshoot) * 9 / 10));
            await Task.Delay(latency - early > TimeSpan.Zero ? latency - early : TimeSpan.Zero, http.RequestAborted);
            var waited = clock.Elapsed;
            var overshoot = (waited - (latency - early)).Ticks;
            Volatile.Write(ref server._overshoot, (Volatile.Read(ref server._overshoot) * 7 + overshoot) / 8);
            Interlocked.Add(ref server._delayTicks, (long)(waited.TotalSeconds * System.Diagnostics.Stopwatch.Frequency));
            Interlocked.Increment(ref server._requests);
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(Reply, http.RequestAborted);
        });
        await app.StartAsync(cancellationToken);
        server.ApiBase = new Uri(ServeHost.BoundAddress(app), "v1/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
