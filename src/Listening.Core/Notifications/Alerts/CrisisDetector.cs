using System.Globalization;
using Listening.Core.Aggregation;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Storage;
using Listening.Core.Summaries;
using Microsoft.Extensions.Options;
using Listening.Core.Notifications.Teams;

namespace Listening.Core.Notifications.Alerts;

/// <summary>
/// Crisis mode: a keyword in one of the Page's own new posts starts (or extends) it and raises one alert per
/// episode. Leaves the Page's crisis state in the run, so the detectors after it lower their thresholds.
/// </summary>
public sealed class CrisisDetector(AlertLog log, CrisisMode crisis, LocalCalendar calendar, IOptions<ListeningOptions> options) : IAlertDetector
{
    private CrisisOptions Rules => options.Value.Alerts.Crisis;

    /// <summary>The first configured keyword the text contains (any case, also inside a compound such as Unwetterwarnung).</summary>
    public static string? Keyword(string? text, IReadOnlyList<string> keywords)
    {
        ArgumentNullException.ThrowIfNull(keywords);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var compare = CultureInfo.InvariantCulture.CompareInfo;
        return keywords.FirstOrDefault(k => compare.IndexOf(text, k, CompareOptions.IgnoreCase) >= 0);
    }

    public async Task DetectAsync(SnapshotAlertRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (!Rules.Enabled)
        {
            return;
        }

        var snapshot = run.Snapshot;
        var keywords = Rules.EffectiveKeywords();
        var duration = TimeSpan.FromHours(Rules.DurationHours);
        CrisisStateEntity? state = null;
        foreach (var post in snapshot.Posts.OrderBy(p => p.CreatedTime))
        {
            if (post.CreatedTime > snapshot.CapturedAt || post.CreatedTime + duration <= snapshot.CapturedAt
                || Keyword(post.Message, keywords) is not { } keyword)
            {
                continue;
            }

            var (next, started) = await crisis.ApplyAsync(snapshot.PageId, post.Id, post.CreatedTime, keyword, post.Permalink, duration, cancellationToken);
            state = next;
            if (!started)
            {
                continue;
            }

            var alert = new Alert
            {
                Kind = AlertKinds.Crisis,
                Key = $"crisis:{snapshot.PageId}:{post.Id}",
                PageId = snapshot.PageId,
                PageName = snapshot.PageName,
                Demo = snapshot.Demo,
                Severity = AlertSeverity.Attention,
                Title = "Krisenmodus an: " + snapshot.PageName,
                Text = $"Der Beitrag vom {When(post.CreatedTime)} enthält „{keyword}“: "
                    + $"„{TeamsText.Shorten(PageDaySummaryBuilder.Excerpt(post.Message), 200)}“ "
                    + $"Bis {When(next.Until)} holt Listening die Zahlen alle 5 Minuten statt alle 15 Minuten, und die Schwellen für Warnungen sind gesenkt. "
                    + "Jeder weitere Beitrag mit einem Stichwort verlängert den Krisenmodus.",
                Facts =
                [
                    new("Stichwort", keyword),
                    new("Krisenmodus bis", When(next.Until)),
                ],
                Link = post.Permalink,
                LinkTitle = "Beitrag öffnen",
                RaisedAt = post.CreatedTime,
            };
            if (await log.RaiseAsync(alert, cancellationToken))
            {
                run.Raised.Add(alert.Key);
            }
        }

        if (state is not null)
        {
            run.Crisis = state;
        }
        else
        {
            // Unchanged by this snapshot: read only if a detector's decision depends on it (issue 16).
            run.ReadCrisisWhenNeeded(ct => crisis.GetAsync(snapshot.PageId, ct));
        }
    }

    private string When(DateTimeOffset instant) => GermanFormat.DateTime(calendar.ToLocal(instant));
}
