using Listening.Core.Ingestion;
using Listening.Core.Notifications.Alerts;

namespace Listening.Core.Pipeline;

/// <summary>
/// The pull timer (every 15 minutes, 5 in crisis mode): the pull messages, then the questions left unanswered past
/// <c>Listening:Comments:AnswerWithinMinutes</c> of office hours (<see cref="CommentAlerts.RaiseUnansweredAsync"/>),
/// which needs a clock, not an event, and once a day per Page the webhook subscription (<see cref="WebhookWatch"/>).
/// </summary>
public sealed class PullCycle(PullScheduler scheduler, CommentAlerts comments, WebhookWatch webhooks)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var scheduled = await scheduler.ScheduleAsync(cancellationToken);
        await comments.RaiseUnansweredAsync(cancellationToken);
        await webhooks.RunAsync(cancellationToken);
        return scheduled;
    }
}
