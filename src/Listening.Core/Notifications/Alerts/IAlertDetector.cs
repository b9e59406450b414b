using Listening.Core.Aggregation;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Storage;

namespace Listening.Core.Notifications.Alerts;

/// <summary>
/// One kind of alert a snapshot can raise, after the snapshot was applied. A detector reads the stored data, never
/// changes it, and raises through <see cref="AlertLog"/> with a key of the event, so a snapshot applied twice
/// raises nothing twice. Rules and thresholds: docs/teams.md ("Alerts").
/// </summary>
public interface IAlertDetector
{
    /// <summary>Raises what this detector finds; keys raised now go into <see cref="SnapshotAlertRun.Raised"/>.</summary>
    Task DetectAsync(SnapshotAlertRun run, CancellationToken cancellationToken);
}

/// <summary>One snapshot's pass through the detectors, in <see cref="SnapshotAlerts"/>' order.</summary>
public sealed class SnapshotAlertRun(PageSnapshot snapshot, AggregationResult result)
{
    public PageSnapshot Snapshot { get; } = snapshot;

    public AggregationResult Result { get; } = result;

    /// <summary>The Page's crisis mode as the crisis detector, which runs first, left it; null when crisis mode is off.</summary>
    public CrisisStateEntity? Crisis { get; set; }

    public bool InCrisis => Crisis?.IsActive(Snapshot.CapturedAt) == true;

    /// <summary>Alert keys raised by this run, in the order they were raised.</summary>
    public List<string> Raised { get; } = [];

    /// <summary>Crisis mode lowers the thresholds by this factor.</summary>
    public double ThresholdFactor(AlertOptions rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        return InCrisis ? rules.Crisis.ThresholdFactor : 1.0;
    }
}
