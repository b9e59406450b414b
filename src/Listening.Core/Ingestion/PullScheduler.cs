using Listening.Core.Configuration;
using Listening.Core.Snapshots;
using Listening.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Listening.Core.Ingestion;

/// <summary>
/// Fans a pull cycle out: one message per Page and kind, so Pages scale out and fail alone. The timer runs every
/// 5 minutes; a Page in crisis mode is pulled on every run, the others on the runs of a quarter hour.
/// </summary>
public sealed partial class PullScheduler(
    IOptions<ListeningOptions> options,
    PageDirectory pages,
    IQueuePublisher queue,
    Notifications.Alerts.CrisisMode crisis,
    TimeProvider time,
    ILogger<PullScheduler> logger)
{
    /// <summary>The regular cadence; crisis mode pulls on every timer run.</summary>
    public static readonly TimeSpan RegularInterval = TimeSpan.FromMinutes(15);

    /// <summary>The timer's run: every Page on a quarter hour, Pages in crisis mode always.</summary>
    public Task<int> ScheduleAsync(CancellationToken cancellationToken) => ScheduleAsync(everyPage: false, cancellationToken);

    /// <summary>With <paramref name="everyPage"/> (CLI sync and demo) every Page, whatever the time.</summary>
    public async Task<int> ScheduleAsync(bool everyPage, CancellationToken cancellationToken)
    {
        using var activity = Telemetry.ListeningTelemetry.Source.StartActivity("SchedulePulls");
        var now = time.GetUtcNow();
        var regular = everyPage || IsRegularRun(now);
        var inCrisis = regular
            ? new HashSet<string>(StringComparer.Ordinal)
            : (await crisis.ActiveAsync(now, cancellationToken)).Select(c => c.RowKey).ToHashSet(StringComparer.Ordinal);
        var count = 0;
        foreach (var page in pages.All)
        {
            if (!regular && !inCrisis.Contains(page.Id))
            {
                continue;
            }

            await queue.PublishAsync(new PullRequest { PageId = page.Id, Kind = PullKind.Posts, RequestedAt = now }, cancellationToken);
            count++;
        }

        LogScheduled(logger, count, options.Value.IsDemo, regular);
        return count;
    }

    /// <summary>
    /// Whether a run belongs to the regular 15-minute cadence: it falls in the first 5-minute slot of a quarter hour,
    /// so a run a few seconds or minutes late still counts.
    /// </summary>
    public static bool IsRegularRun(DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        return utc.Minute % 15 < 5;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled pulls for {Count} pages (demo: {Demo}, regular run: {Regular})")]
    private static partial void LogScheduled(ILogger logger, int count, bool demo, bool regular);
}

/// <summary>The Pages this installation watches: the configured ones, or the embedded demo Page.</summary>
public sealed class PageDirectory(IOptions<ListeningOptions> options)
{
    public IReadOnlyList<PageOptions> All => options.Value.IsDemo
        ? [new PageOptions { Id = Sample.DemoPage.PageId, Name = Sample.DemoPage.PageName }]
        : options.Value.Pages;

    public PageOptions? Find(string pageId) => All.FirstOrDefault(p => string.Equals(p.Id, pageId, StringComparison.Ordinal));

    /// <summary>
    /// Whether snapshots of the Page are taken in: a Page this installation watches, or one listed in
    /// <c>Listening:Pages</c> without a token yet (no Page has one: the demo Page is the source meanwhile).
    /// </summary>
    public bool IsConfigured(string pageId) =>
        Find(pageId) is not null || options.Value.Pages.Any(p => string.Equals(p.Id, pageId, StringComparison.Ordinal));
}
