using System.Globalization;
using Listening.Core.Configuration;
using Listening.Core.Ingestion;
using Listening.Core.Notifications.Alerts;
using Listening.Core.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Listening.Core.Contracts;

namespace Listening.Cli;

/// <summary>
/// <c>listening sync --since 2026-01-01 [--until 2026-01-31]</c> (days as <see cref="IsoDate"/>): Meta's daily Page insights for the range in
/// windows of at most 90 days, and the posts created in the range with their current totals, then the queues are
/// processed so the summaries of those days show them. Progress goes to standard output, one line per step.
/// </summary>
internal static class BackfillCommand
{
    public const string NoHistoryNote =
        "Meta keeps no history of reactions, comments or shares: the posts carry their totals at the capture time above, not at the end of each day.";

    public static bool TryParseDate(string? text, out DateOnly date) =>
        IsoDate.TryParse(text, out date);

    public static async Task<int> RunAsync(IServiceProvider services, DateOnly since, DateOnly? until, TextWriter outputWriter, TextWriter errorWriter, CancellationToken cancellationToken)
    {
        var masker = services.GetRequiredService<SecretMasker>();
        await using var output = masker.Wrap(outputWriter);
        await using var error = masker.Wrap(errorWriter);
        var calendar = services.GetRequiredService<LocalCalendar>();
        var time = services.GetRequiredService<TimeProvider>();
        var last = until ?? calendar.DateOf(time.GetUtcNow());
        var backfill = services.GetRequiredService<PageBackfill>();
        if (backfill.Check(since, last) is { } problem)
        {
            await error.WriteLineAsync(problem);
            return 2;
        }

        await output.WriteLineAsync($"Backfill {Iso(since)} to {Iso(last)}: Page insights by Meta's days (Pacific time) in windows of at most 90 days, then the posts created in the range.");
        var progress = new SynchronousProgress<BackfillStep>(step => Write(output, step, calendar));
        var steps = await backfill.RunAsync(since, last, progress, cancellationToken);

        // The pulls of a backfill raise the alerts of any pull (an invalid token, a metric Meta dropped).
        var alerts = services.GetRequiredService<IngestionAlerts>();
        foreach (var step in steps)
        {
            await alerts.RaiseAsync(step.Outcome, cancellationToken);
        }

        await output.WriteLineAsync("Processing the snapshots ...");
        var drained = await services.GetRequiredService<QueueDrain>().RunAsync(cancellationToken);
        var failed = steps.Where(s => s.Outcome.Status != PullStatus.Pulled).ToList();
        var poisoned = drained.Poisoned.Values.Sum();
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Done: {steps.Sum(s => s.Outcome.Capture?.Insights.Count ?? 0)} insight values and {steps.Where(s => s.Part == BackfillPart.Posts).Sum(s => s.Outcome.Capture?.Posts.Count ?? 0)} posts read, {drained.Done.Values.Sum()} messages processed."));
        if (steps.Any(s => s.Part == BackfillPart.Posts && s.Outcome.Status == PullStatus.Pulled))
        {
            await output.WriteLineAsync(NoHistoryNote);
        }

        if (failed.Count > 0 || poisoned > 0 || drained.Failures.Count > 0)
        {
            await error.WriteLineAsync(failed.Count > 0
                ? $"Backfill incomplete: {failed[0].PageId}: {failed[0].Outcome.Message}. What was read is kept; run the same command again later."
                : $"Backfill incomplete: {poisoned} messages in poison queues; first: {drained.Failures.FirstOrDefault() ?? "see the poison queue"}");
            return 1;
        }

        return 0;
    }

    private static void Write(TextWriter output, BackfillStep step, LocalCalendar calendar)
    {
        var outcome = step.Outcome;
        var text = step.Part switch
        {
            BackfillPart.Insights => string.Create(CultureInfo.InvariantCulture,
                $"  {step.PageId} insights [{step.Number}/{step.Of}] {Iso(step.From)} to {Iso(step.To)}: ")
                + (outcome.Status == PullStatus.Pulled
                    ? string.Create(CultureInfo.InvariantCulture, $"{outcome.Capture?.Insights.Count ?? 0} values")
                        + (outcome.Capture?.RejectedMetrics.Count > 0 ? " (Meta rejected " + string.Join(", ", outcome.Capture.RejectedMetrics) + ")" : "")
                    : outcome.Status + ": " + outcome.Message),
            _ => $"  {step.PageId} posts created {Iso(step.From)} to {Iso(step.To)}: "
                + (outcome.Status == PullStatus.Pulled && outcome.Capture is { } capture
                    ? string.Create(CultureInfo.InvariantCulture, $"{capture.Posts.Count} posts, totals as of {IsoDate.Minute(calendar.ToLocal(capture.CapturedAt))} ({calendar.ZoneId}, capture time)")
                    : outcome.Status + ": " + outcome.Message),
        };
        output.WriteLine(text);
        output.Flush();
    }

    private static string Iso(DateOnly date) => IsoDate.Format(date);

    /// <summary>Reports on the caller's thread, in order (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
