using Listening.Core.Pipeline;
using Microsoft.Azure.Functions.Worker;

namespace Listening.Functions;

/// <summary>
/// Daily: deletes raw snapshots past <c>RawRetentionDays</c>, aggregates past <c>AggregateRetentionDays</c>, and what
/// names a single comment past <c>Listening:Comments:RetentionDays</c> (<see cref="RetentionRun"/>).
/// </summary>
public sealed class Retention(RetentionRun retention)
{
    [Function(nameof(Retention))]
    public Task Run([TimerTrigger("%RetentionSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        retention.RunAsync(cancellationToken);
}
