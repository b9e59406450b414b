using Listening.Core.Pipeline;
using Microsoft.Azure.Functions.Worker;

namespace Listening.Functions;

/// <summary>Every pull cycle (default every 15 minutes): one message per Page on the pulls queue, then the check for unanswered questions.</summary>
public sealed class SchedulePulls(PullCycle cycle)
{
    [Function(nameof(SchedulePulls))]
    public Task Run([TimerTrigger("%PullSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        cycle.RunAsync(cancellationToken);
}
