using Listening.Core.Aggregation;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Listening.Core.Notifications.Alerts;

/// <summary>
/// Looks at a snapshot after it was applied and raises what the press office should know now, through the
/// registered <see cref="IAlertDetector"/>s in the order they were registered (AddListening: crisis mode first,
/// whose state lowers the others' thresholds, then milestones, posts taking off and negative surges). A snapshot
/// too old to be news raises nothing.
/// </summary>
public sealed partial class SnapshotAlerts(
    IEnumerable<IAlertDetector> detectors,
    TimeProvider time,
    IOptions<ListeningOptions> options,
    ILogger<SnapshotAlerts> logger)
{
    private readonly IReadOnlyList<IAlertDetector> _detectors = [.. detectors];

    /// <summary>The keys of the alerts raised now, in the order they were raised.</summary>
    public async Task<IReadOnlyList<string>> DetectAsync(PageSnapshot snapshot, AggregationResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(result);
        var run = new SnapshotAlertRun(snapshot, result);
        var age = time.GetUtcNow() - snapshot.CapturedAt;
        if (age > TimeSpan.FromHours(options.Value.Alerts.MaxSnapshotAgeHours))
        {
            LogTooOld(logger, snapshot.PageId, snapshot.CapturedAt);
            return run.Raised;
        }

        foreach (var detector in _detectors)
        {
            await detector.DetectAsync(run, cancellationToken);
        }

        return run.Raised;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Snapshot of page {PageId} captured {CapturedAt:O} is too old for alerts")]
    private static partial void LogTooOld(ILogger logger, string pageId, DateTimeOffset capturedAt);
}
