using Listening.Core.Storage;
using Microsoft.Azure.Functions.Worker;

namespace Listening.Functions;

/// <summary>Daily: deletes raw snapshots past <c>RawRetentionDays</c> and aggregates past <c>AggregateRetentionDays</c>.</summary>
public sealed class Retention(DataRetention retention)
{
    [Function(nameof(Retention))]
    public Task Run([TimerTrigger("%RetentionSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        retention.RunAsync(cancellationToken);
}
