using Listening.Core.Comments;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Ingestion;
using Listening.Core.Storage;
using Listening.Core.Summaries;
using Microsoft.Extensions.Options;

namespace Listening.Core.Notifications.Alerts;

/// <summary>
/// Alerts from the comment triage, each once per comment (the key names the comment; the dispatcher posts it once per
/// channel): <c>comment-urgent</c> quotes the comment, names the post and the time and links to it on Facebook;
/// <c>comment-abusive</c> links to it for moderation. Never a name of the author: the triage never had one. Raised
/// while the office is closed (<c>Listening:OfficeHours</c>) they take the route <c>outside-office-hours</c> when it
/// is configured (e.g. a <c>bereitschaft</c> channel). <c>Listening:Comments:UrgentBurst</c> urgent comments on a
/// Page within <c>UrgentBurstMinutes</c> switch the Page to crisis mode, like a storm keyword in a post.
/// </summary>
public sealed class CommentAlerts(
    AlertLog log,
    PageDirectory pages,
    LocalCalendar calendar,
    ICommentStore comments,
    CrisisMode crisis,
    TimeProvider time,
    IOptions<ListeningOptions> options)
{
    private readonly OfficeHours _office = OfficeHours.TryParse(options.Value.OfficeHours, out var hours, out _) ? hours : OfficeHours.Default;

    public async Task RaiseAsync(TriageResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        var route = _office.IsOpen(calendar.ToLocal(time.GetUtcNow())) ? null : TeamsOptionsCheck.OutsideOfficeHours;
        foreach (var comment in result.Triaged)
        {
            if (comment.Hidden || comment.Category is not (CommentRules.Urgent or CommentRules.Abusive))
            {
                continue;
            }

            await log.RaiseAsync(await BuildAsync(comment, cancellationToken) with { Route = route }, cancellationToken);
        }

        foreach (var urgent in result.Triaged.Where(c => c.Category == CommentRules.Urgent && !c.Hidden).GroupBy(c => c.PageId, StringComparer.Ordinal))
        {
            await CheckBurstAsync(urgent.Key, [.. urgent], cancellationToken);
        }
    }

    /// <summary>
    /// The first moment at which <c>UrgentBurst</c> urgent comments fell within <c>UrgentBurstMinutes</c> around the
    /// new ones starts (or extends) the Page's crisis mode: the same comments give the same episode in any order.
    /// </summary>
    private async Task CheckBurstAsync(string pageId, IReadOnlyList<TriagedComment> fresh, CancellationToken cancellationToken)
    {
        var rules = options.Value.Comments;
        var crisisRules = options.Value.Alerts.Crisis;
        if (!crisisRules.Enabled)
        {
            return;
        }

        var window = TimeSpan.FromMinutes(rules.UrgentBurstMinutes);
        var from = fresh.Min(c => c.CreatedAt) - window;
        var until = fresh.Max(c => c.CreatedAt) + window + TimeSpan.FromTicks(1);
        var urgent = (await comments.TrackedAsync(pageId, from, until, cancellationToken))
            .Where(r => r.Category == CommentRules.Urgent && CommentIntake.Counts(r) && !r.Hidden)
            .OrderBy(r => r.CreatedAt)
            .ThenBy(r => r.CommentId, StringComparer.Ordinal)
            .ToList();
        for (var i = rules.UrgentBurst - 1; i < urgent.Count; i++)
        {
            var first = urgent[i - rules.UrgentBurst + 1];
            var last = urgent[i];
            if (last.CreatedAt - first.CreatedAt > window)
            {
                continue;
            }

            var duration = TimeSpan.FromHours(crisisRules.DurationHours);
            var permalink = CommentLink.To(last.PostId, last.CommentId!);
            var (state, started) = await crisis.ApplyAsync(pageId, last.PostId, last.CreatedAt, "dringende Kommentare", permalink, duration, cancellationToken);

            // "Started" also answers every later burst on the post that started the episode, and an earlier burst that
            // arrives late starts it again: one card per episode, keyed by its start, and none when one was raised in it.
            if (started && !await EpisodeAlertedAsync(pageId, state, cancellationToken))
            {
                var page = await pages.FindAsync(pageId, cancellationToken);
                var name = page?.Name ?? pageId;
                await log.RaiseAsync(new Alert
                {
                    Kind = AlertKinds.Crisis,
                    Key = UrgentCrisisPrefix(pageId) + InstantKey.SecondOf(state.Since),
                    PageId = pageId,
                    PageName = name,
                    Demo = options.Value.IsDemo,
                    Severity = AlertSeverity.Attention,
                    Title = "Krisenmodus an: " + name,
                    Text = $"{rules.UrgentBurst} dringende Kommentare innerhalb von {rules.UrgentBurstMinutes} Minuten (bis {When(last.CreatedAt)}). "
                        + $"Bis {When(state.Until)} holt Listening die Zahlen alle 5 Minuten statt alle 15 Minuten, und die Schwellen für Warnungen sind gesenkt.",
                    Facts = [new("Auslöser", "dringende Kommentare"), new("Krisenmodus bis", When(state.Until))],
                    Link = permalink,
                    LinkTitle = "Letzten dringenden Kommentar öffnen",
                    RaisedAt = state.Since,
                }, cancellationToken);
            }

            return;
        }
    }

    private static string UrgentCrisisPrefix(string pageId) => $"crisis:{pageId}:urgent-comments:";

    /// <summary>Whether a crisis card for urgent comments of the Page was raised within the episode (raised at its start, which only moves earlier).</summary>
    private async Task<bool> EpisodeAlertedAsync(string pageId, CrisisStateEntity state, CancellationToken cancellationToken) =>
        (await log.RaisedBetweenAsync(state.Since, state.Until, cancellationToken))
            .Any(r => r.Kind == AlertKinds.Crisis && r.Key.StartsWith(UrgentCrisisPrefix(pageId), StringComparison.Ordinal));

    /// <summary>
    /// <c>questions-unanswered</c>: each question open longer than <c>AnswerWithinMinutes</c> counted in office hours,
    /// raised once while the office is open (the pull cycle asks every few minutes). The comment's text is gone by
    /// now (never stored): the card names the post, the time and links to the comment.
    /// </summary>
    public async Task<IReadOnlyList<string>> RaiseUnansweredAsync(CancellationToken cancellationToken)
    {
        var raised = new List<string>();
        var now = time.GetUtcNow();
        if (!_office.IsOpen(calendar.ToLocal(now)))
        {
            return raised;
        }

        var rules = options.Value.Comments;
        var within = TimeSpan.FromMinutes(rules.AnswerWithinMinutes);
        foreach (var page in await pages.AllAsync(cancellationToken))
        {
            var open = (await comments.TrackedAsync(page.Id, DataRetention.CommentCutoff(now, rules.RetentionDays), now, cancellationToken))
                .Where(r => r.Category == CommentRules.Question && CommentIntake.Counts(r) && !r.Hidden && r.AnsweredAt is null);
            foreach (var question in open)
            {
                var waited = _office.OpenBetween(question.CreatedAt, now, calendar);
                if (waited < within)
                {
                    continue;
                }

                var alert = new Alert
                {
                    Kind = AlertKinds.QuestionsUnanswered,
                    Key = $"{AlertKinds.QuestionsUnanswered}:{page.Id}:{question.CommentId}",
                    PageId = page.Id,
                    PageName = page.Name ?? page.Id,
                    Demo = options.Value.IsDemo,
                    Severity = AlertSeverity.Warning,
                    Title = "Frage unbeantwortet",
                    Text = $"Eine Frage vom {When(question.CreatedAt)} ist seit {GermanFormat.Number((long)waited.TotalMinutes)} Minuten der Bürozeit ohne Antwort der Seite.",
                    Facts = [new AlertFact("Beitrag", question.PostId), new AlertFact("Zeit", When(question.CreatedAt))],
                    Link = CommentLink.To(question.PostId, question.CommentId!),
                    LinkTitle = "Frage auf Facebook öffnen",
                    RaisedAt = question.CreatedAt,
                };
                if (await log.RaiseAsync(alert, cancellationToken))
                {
                    raised.Add(alert.Key);
                }
            }
        }

        return raised;
    }

    private async Task<Alert> BuildAsync(TriagedComment comment, CancellationToken cancellationToken)
    {
        var urgent = comment.Category == CommentRules.Urgent;
        var page = await pages.FindAsync(comment.PageId, cancellationToken);
        var at = When(comment.CreatedAt);
        return new Alert
        {
            Kind = urgent ? AlertKinds.CommentUrgent : AlertKinds.CommentAbusive,
            Key = (urgent ? AlertKinds.CommentUrgent : AlertKinds.CommentAbusive) + ":" + comment.PageId + ":" + comment.CommentId,
            PageId = comment.PageId,
            PageName = page?.Name ?? comment.PageId,
            Demo = options.Value.IsDemo,
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

    private string When(DateTimeOffset instant) => GermanFormat.DateTime(calendar.ToLocal(instant));
}
