using Listening.Core.Notifications;
using Microsoft.Azure.Functions.Worker;

namespace Listening.Functions;

/// <summary>Hourly in UTC; queues yesterday's digest once the local digest hour has passed.</summary>
public sealed class DailyDigest(DigestScheduler digest)
{
    [Function(nameof(DailyDigest))]
    public Task Run([TimerTrigger("%DigestSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        digest.RunAsync(cancellationToken);
}
