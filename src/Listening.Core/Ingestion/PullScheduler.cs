using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Listening.Core.Ingestion;

/// <summary>
/// Fans a pull cycle out: one message per Page and kind, so Pages scale out and fail alone. The timer runs every
/// 5 minutes; a Page in crisis mode is pulled on every run, the others on the runs of a quarter hour.
/// </summary>
public sealed partial class PullScheduler(
    PageDirectory pages,
    IQueuePublisher queue,
    PagesInCrisis crisis,
    TimeProvider time,
    ILogger<PullScheduler> logger)
{
    /// <summary>Queue messages sent at once by one run (the storage account takes 2,000 messages/s per queue).</summary>
    public const int MaxParallelSends = 32;

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
            : (await crisis(now, cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var due = (await pages.AllAsync(cancellationToken, fresh: true))
            .Where(page => regular || inCrisis.Contains(page.Id))
            .ToList();

        // One message per Page, sent in parallel (bounded): 1,000 Pages are queued in seconds, and a Page's pull
        // never waits for another's (each is its own message, handled by whichever instance takes it).
        await Parallel.ForEachAsync(
            due,
            new ParallelOptions { MaxDegreeOfParallelism = MaxParallelSends, CancellationToken = cancellationToken },
            (page, ct) => new ValueTask(queue.PublishAsync(new PullRequest { PageId = page.Id, Kind = PullKind.Posts, RequestedAt = now }, ct)));

        var demo = await pages.IsDemoAsync(cancellationToken);
        LogScheduled(logger, due.Count, demo, regular);
        return due.Count;
    }

    /// <summary>How early a timer may fire and still be the run it was due for (the host fired 11:44:59.9986 for 11:45).</summary>
    public static readonly TimeSpan EarlyTolerance = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether a run belongs to the regular 15-minute cadence, decided by the run it is due for: the time plus
    /// <see cref="EarlyTolerance"/> falls in the first 5-minute slot of a quarter hour. So a run that fires up to 30
    /// seconds early or up to 4.5 minutes late counts, and the 5-minute runs between do not. (The timer's
    /// <c>ScheduleStatus</c> is not used: the host fills it from its status blob, and leaves it out when
    /// <c>UseMonitor</c> is off.)
    /// </summary>
    public static bool IsRegularRun(DateTimeOffset now)
    {
        var due = (now + EarlyTolerance).UtcDateTime;
        return due.Minute % 15 < 5;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled pulls for {Count} pages (demo: {Demo}, regular run: {Regular})")]
    private static partial void LogScheduled(ILogger logger, int count, bool demo, bool regular);
}

/// <summary>The ids of the Pages in crisis mode at <paramref name="now"/> (the notifications layer decides and keeps it).</summary>
public delegate Task<IReadOnlyCollection<string>> PagesInCrisis(DateTimeOffset now, CancellationToken cancellationToken);
