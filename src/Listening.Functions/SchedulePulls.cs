using Listening.Core.Ingestion;
using Microsoft.Azure.Functions.Worker;

namespace Listening.Functions;

/// <summary>Every pull cycle (default every 15 minutes): one message per Page on the pulls queue.</summary>
public sealed class SchedulePulls(PullScheduler scheduler)
{
    [Function(nameof(SchedulePulls))]
    public Task Run([TimerTrigger("%PullSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        scheduler.ScheduleAsync(cancellationToken);
}
