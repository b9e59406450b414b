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
    private CrisisStateEntity? _crisis;
    private bool _crisisKnown;
    private Func<CancellationToken, Task<CrisisStateEntity?>>? _loadCrisis;

    public PageSnapshot Snapshot { get; } = snapshot;

    public AggregationResult Result { get; } = result;

    /// <summary>
    /// The Page's crisis mode as the crisis detector, which runs first, left it; null when crisis mode is off. When
    /// that detector did not change it, the state is read only once a detector asks for it
    /// (<see cref="ThresholdFactorAsync"/>), which it does only when its decision depends on it: most snapshots
    /// need no read of the crisis state at all (issue 16).
    /// </summary>
    public CrisisStateEntity? Crisis
    {
        get => _crisisKnown || _loadCrisis is null
            ? _crisis
            : throw new InvalidOperationException("The crisis state has not been read yet: await ThresholdFactorAsync (or CrisisAsync) first.");
        set
        {
            _crisis = value;
            _crisisKnown = true;
        }
    }

    /// <summary>Whether crisis mode runs at the capture; valid once the state is known (see <see cref="Crisis"/>).</summary>
    public bool InCrisis => Crisis?.IsActive(Snapshot.CapturedAt) == true;

    /// <summary>Alert keys raised by this run, in the order they were raised.</summary>
    public List<string> Raised { get; } = [];

    /// <summary>Leaves the crisis state to be read by <paramref name="load"/> when a detector first needs it.</summary>
    public void ReadCrisisWhenNeeded(Func<CancellationToken, Task<CrisisStateEntity?>> load)
    {
        ArgumentNullException.ThrowIfNull(load);
        _crisis = null;
        _crisisKnown = false;
        _loadCrisis = load;
    }

    /// <summary>The crisis state, read now if it was left to be read when needed (once per run).</summary>
    public async Task<CrisisStateEntity?> CrisisAsync(CancellationToken cancellationToken)
    {
        if (!_crisisKnown && _loadCrisis is { } load)
        {
            Crisis = await load(cancellationToken);
        }

        return _crisis;
    }

    /// <summary>Crisis mode lowers the thresholds by this factor (reads the crisis state if it is not known yet).</summary>
    public async Task<double> ThresholdFactorAsync(AlertOptions rules, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rules);
        await CrisisAsync(cancellationToken);
        return InCrisis ? rules.Crisis.ThresholdFactor : 1.0;
    }

    /// <summary>
    /// The lowest factor crisis mode could apply: a threshold times this is one no snapshot can pass in any mode, so
    /// a detector that finds nothing above it needs not know the crisis state.
    /// </summary>
    public static double LowestThresholdFactor(AlertOptions rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        return rules.Crisis.Enabled ? Math.Min(1.0, rules.Crisis.ThresholdFactor) : 1.0;
    }
}
