using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using BioEval.Harness.Runs;
using Spectre.Console;

namespace BioEval.Cli.Verbs;

/// <summary>Where <c>bioeval run</c> shows its progress and per-result lines (all on stderr; stdout keeps the file paths).</summary>
internal abstract class RunDisplay : IProgress<EvalProgress>
{
    /// <summary>
    /// A live progress display when a person is watching (stdout and stderr are terminals, not CI), else plain lines
    /// that read well in logs.
    /// </summary>
    public static RunDisplay ForConsole() =>
        !Console.IsOutputRedirected && !Console.IsErrorRedirected
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")) && Environment.GetEnvironmentVariable("TERM") != "dumb"
            ? new Live()
            : new Plain();

    public abstract void Report(EvalProgress value);

    /// <summary>A line of text (a result, a message), kept above the live display.</summary>
    public abstract void Line(string text);

    /// <summary>Runs <paramref name="body"/> with the display shown.</summary>
    public abstract Task<T> RunAsync<T>(Func<Task<T>> body);

    /// <summary>A progress line per (task, model) at most every two seconds, and at the end.</summary>
    private sealed class Plain : RunDisplay
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly Lock _gate = new();
        private long _lastPrint = -10_000;

        public override void Report(EvalProgress value)
        {
            lock (_gate)
            {
                var now = _clock.ElapsedMilliseconds;
                if (value.Done != value.Total && now - _lastPrint < 2000) return;
                _lastPrint = now;
                var resumed = value.Resumed > 0 ? string.Create(CultureInfo.InvariantCulture, $", {value.Resumed} resumed") : "";
                Console.Error.WriteLine($"  [{value.Task} / {value.Model}] {value.Done}/{value.Total} prompts{resumed}");
            }
        }

        public override void Line(string text) => Console.Error.WriteLine(text);

        public override Task<T> RunAsync<T>(Func<Task<T>> body) => body();
    }

    /// <summary>
    /// Spectre.Console's progress display: a bar per (task, model) with prompts done, generated tokens per second and
    /// the remaining time.
    /// </summary>
    private sealed class Live : RunDisplay
    {
        private readonly IAnsiConsole _console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Error),
            Interactive = InteractionSupport.Yes,
        });
        private readonly ConcurrentDictionary<(string Task, string Model), (ProgressTask Bar, Stopwatch Clock)> _bars = new();
        private ProgressContext? _context;

        public override void Report(EvalProgress value)
        {
            if (_context is not { } context) return;
            var (bar, clock) = _bars.GetOrAdd((value.Task, value.Model), _ =>
                (context.AddTask(Markup.Escape($"{value.Task} / {value.Model}"), maxValue: value.Total), Stopwatch.StartNew()));
            lock (bar)
            {
                bar.Value = value.Done;
                var seconds = clock.Elapsed.TotalSeconds;
                var rate = value.GeneratedTokens > 0 && seconds > 0 ? string.Create(CultureInfo.InvariantCulture, $", {value.GeneratedTokens / seconds:F1} tok/s") : "";
                var resumed = value.Resumed > 0 ? string.Create(CultureInfo.InvariantCulture, $", {value.Resumed} resumed") : "";
                bar.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{value.Task} / {value.Model}: {value.Done}/{value.Total} prompts{resumed}{rate}"));
            }
        }

        public override void Line(string text) => _console.WriteLine(text);

        public override Task<T> RunAsync<T>(Func<Task<T>> body) =>
            _console.Progress()
                .AutoClear(false)
                .HideCompleted(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(context =>
                {
                    _context = context;
                    return body();
                });
    }
}
