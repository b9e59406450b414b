using Listening.Core.Configuration;
using Listening.Core.Ingestion;
using Listening.Core.Meta;
using Listening.Core.Notifications.Alerts;
using Listening.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Listening.Core.Pipeline;

/// <summary>
/// Once a day per Page (when <c>Listening:Facebook:WebhookVerifyToken</c> is set, i.e. webhooks are meant to be
/// used): <c>GET /{page-id}/subscribed_apps</c>, recorded for <c>/api/health</c>; a Page whose feed no longer reaches
/// the app raises <c>webhook-lapsed</c> once a local day (the pull still reads its comments meanwhile).
/// </summary>
public sealed partial class WebhookWatch(
    PageDirectory pages,
    WebhookSubscription subscription,
    ICommentStore comments,
    AlertLog alerts,
    LocalCalendar calendar,
    TimeProvider time,
    IOptions<ListeningOptions> options,
    ILogger<WebhookWatch> logger)
{
    public static readonly TimeSpan CheckInterval = TimeSpan.FromHours(24);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(options.Value.Facebook.WebhookVerifyToken) || await pages.IsDemoAsync(cancellationToken))
        {
            return;
        }

        var now = time.GetUtcNow();
        foreach (var listed in await pages.AllAsync(cancellationToken))
        {
            var state = await comments.WebhookStateAsync(listed.Id, cancellationToken);
            if (state?.CheckedAt is { } checkedAt && now - checkedAt < CheckInterval)
            {
                continue;
            }

            // A registered Page's token is read from the token store only when it is needed.
            var page = string.IsNullOrEmpty(listed.AccessToken) ? await pages.FindAsync(listed.Id, cancellationToken) ?? listed : listed;
            var status = await subscription.CheckAsync(page, cancellationToken);
            // A failed check is recorded as a check (tried again tomorrow, not every cycle); what it knew stays.
            await comments.RecordSubscriptionCheckAsync(page.Id, now, status.Subscribed, cancellationToken);
            if (status.Problem is { } problem)
            {
                LogCheckFailed(logger, page.Id, problem);
                continue;
            }

            if (status.Subscribed == false)
            {
                LogLapsed(logger, page.Id);
                var name = page.Name ?? page.Id;
                await alerts.RaiseAsync(new Alert
                {
                    Kind = AlertKinds.WebhookLapsed,
                    Key = $"{AlertKinds.WebhookLapsed}:{page.Id}:{DayKey.Of(calendar.DateOf(now))}",
                    PageId = page.Id,
                    PageName = name,
                    Severity = AlertSeverity.Warning,
                    Title = "Kommentare kommen nicht mehr in Echtzeit",
                    Text = $"Die Seite {name} meldet ihre Kommentare nicht mehr an Listening (Webhook-Abo für „feed“ fehlt). "
                        + "Der reguläre Abruf liest neue Kommentare weiter, aber nur alle 15 Minuten. "
                        + "Abhilfe: listening webhook subscribe (Seiten-Token mit pages_manage_metadata).",
                    Facts = [new AlertFact("Letztes Webhook-Ereignis", state?.LastEventAt is { } last ? Summaries.GermanFormat.DateTime(calendar.ToLocal(last)) : "keines")],
                    RaisedAt = now,
                }, cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The webhook subscription of page {PageId} could not be checked: {Problem}")]
    private static partial void LogCheckFailed(ILogger logger, string pageId, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Page {PageId} no longer sends its feed to this app's webhook; comments come by the pull only")]
    private static partial void LogLapsed(ILogger logger, string pageId);
}
