using Listening.Core.Comments;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Ingestion;
using Listening.Core.Summaries;

namespace Listening.Core.Notifications.Alerts;

/// <summary>
/// Alerts from the comment triage, each once per comment (the key names the comment; the dispatcher posts it once per
/// channel): <c>comment-urgent</c> quotes the comment, names the post and the time and links to it on Facebook;
/// <c>comment-abusive</c> links to it for moderation. Never a name of the author: the triage never had one.
/// </summary>
public sealed class CommentAlerts(AlertLog log, PageDirectory pages, LocalCalendar calendar)
{
    public async Task RaiseAsync(TriageResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        foreach (var comment in result.Triaged)
        {
            if (comment.Hidden || comment.Category is not (CommentRules.Urgent or CommentRules.Abusive))
            {
                continue;
            }

            await log.RaiseAsync(Build(comment), cancellationToken);
        }
    }

    private Alert Build(TriagedComment comment)
    {
        var urgent = comment.Category == CommentRules.Urgent;
        var page = pages.Find(comment.PageId);
        var at = GermanFormat.DateTime(calendar.ToLocal(comment.CreatedAt));
        return new Alert
        {
            Kind = urgent ? AlertKinds.CommentUrgent : AlertKinds.CommentAbusive,
            Key = (urgent ? AlertKinds.CommentUrgent : AlertKinds.CommentAbusive) + ":" + comment.PageId + ":" + comment.CommentId,
            PageId = comment.PageId,
            PageName = page?.Name ?? comment.PageId,
            Title = urgent ? "Dringender Kommentar" : "Beleidigender Kommentar",
            Text = urgent
                ? comment.Text ?? "(ohne Text)"
                : "Ein Kommentar enthält eine Beleidigung oder Drohung. Bitte prüfen und moderieren.",
            Facts = [new AlertFact("Beitrag", comment.PostId), new AlertFact("Zeit", at)],
            Link = CommentLink.To(comment.PostId, comment.CommentId),
            LinkTitle = urgent ? "Kommentar auf Facebook öffnen" : "Zur Moderation öffnen",
            RaisedAt = comment.CreatedAt,
            Severity = urgent ? AlertSeverity.Attention : AlertSeverity.Warning,
        };
    }
}
