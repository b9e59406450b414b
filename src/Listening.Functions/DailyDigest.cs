using Listening.Core.Notifications;
using Listening.Core.Notifications.Alerts;
using Microsoft.Azure.Functions.Worker;

namespace Listening.Functions;

/// <summary>
/// Hourly in UTC: queues yesterday's digest once the local digest hour has passed, and checks for a stalled
/// pipeline and lapsing Page tokens.
/// </summary>
public sealed class DailyDigest(DigestScheduler digest, PipelineWatch watch)
{
    [Function(nameof(DailyDigest))]
    public async Task Run([TimerTrigger("%DigestSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        // Both run even when one fails; the timer run fails (and is logged) if either did.
        Task[] tasks = [digest.RunAsync(cancellationToken), watch.RunAsync(cancellationToken)];
        try
        {
            await Task.WhenAll(tasks);
        }
        catch when (tasks.Count(t => t.IsFaulted) > 1)
        {
            throw new AggregateException(tasks.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions));
        }
    }
}
