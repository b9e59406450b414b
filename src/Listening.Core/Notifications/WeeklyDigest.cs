using System.Text.Json.Nodes;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Insights;
using Listening.Core.Notifications.Alerts;
using Listening.Core.Notifications.Teams;
using Listening.Core.Storage;
using Listening.Core.Summaries;
using Microsoft.Extensions.Options;

namespace Listening.Core.Notifications;

/// <summary>
/// The weekly Teams digest (<c>Listening:WeeklyDigest</c>, on by default), queued on Mondays with the morning
/// digest: last week (Monday to Sunday) against the week before, the post that reached the most people, the topic
/// that worked best (highest median reach, from at least one post) and the new posts with an image without a
/// written alternative text. German; one partition query per Page for the period report and one for the insights.
/// </summary>
public sealed class WeeklyDigest(SummaryReader summaries, InsightsReader insights, IOptions<ListeningOptions> options)
{
    /// <summary>The Monday that starts the week before the one <paramref name="today"/> lies in.</summary>
    public static DateOnly LastWeekOf(DateOnly today) => today.AddDays(-InsightsBuilder.IsoWeekday(today.DayOfWeek) + 1 - 7);

    /// <summary>Whether a digest run on <paramref name="today"/> also sends the weekly digest: Mondays, when switched on.</summary>
    public bool IsDue(DateOnly today) => options.Value.WeeklyDigest && today.DayOfWeek == DayOfWeek.Monday;

    public async Task<NotificationMessage> BuildAsync(DateOnly monday, CancellationToken cancellationToken)
    {
        var sunday = monday.AddDays(6);
        var period = await summaries.ReadPeriodAsync(monday, sunday, null, cancellationToken);
        var report = await insights.ReadAsync(monday, sunday, null, cancellationToken);
        return new NotificationMessage
        {
            Key = "weekly:" + DayKey.Of(monday),
            Kind = AlertKinds.Digest,
            Payload = WorkflowsPayload.Wrap(Card(monday, sunday, period?.Summary, report?.Report, options.Value)),
        };
    }

    internal static JsonObject Card(DateOnly monday, DateOnly sunday, PeriodSummary? period, InsightsReport? report, ListeningOptions options)
    {
        var demo = period?.Demo ?? report?.Demo ?? options.IsDemo;
        var body = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "TextBlock",
                ["text"] = (demo ? "Demo – " : "") + "Wochenrückblick " + GermanFormat.Date(monday) + " – " + GermanFormat.Date(sunday),
                ["weight"] = "Bolder",
                ["size"] = "Large",
                ["wrap"] = true,
                ["style"] = "heading",
            },
            Subtle("Verglichen mit der Woche davor (" + GermanFormat.Date(monday.AddDays(-7)) + " – " + GermanFormat.Date(sunday.AddDays(-7)) + ")" + (demo ? " · Beispieldaten" : "")),
        };
        if (period is null || period.Pages.Count == 0)
        {
            body.Add(Subtle("Für diese Woche liegen keine Daten vor."));
        }

        foreach (var page in period?.Pages ?? [])
        {
            var insight = report?.Pages.FirstOrDefault(p => p.PageId == page.PageId);
            var facts = new JsonArray
            {
                Fact("Erreichte Personen (Beiträge)", Compare(page.Totals.Reach, page.PreviousTotals.Reach)),
                Fact("Interaktionen", Compare(Interactions(page.Totals), Interactions(page.PreviousTotals))),
                Fact("Neue Beiträge", Compare(page.Totals.NewPosts, page.PreviousTotals.NewPosts)),
                Fact("Follower", GermanFormat.Number(page.Followers.End) + (page.Followers.Change is { } change ? " (" + GermanFormat.Change(change) + " in der Woche)" : "")),
            };
            var best = page.Posts.Where(p => p.New && p.Reach is not null).MaxBy(p => p.ReachTotal ?? p.Reach);
            facts.Add(Fact("Beitrag mit der größten Reichweite", best is null
                ? "keiner mit bekannter Reichweite"
                : "„" + TeamsText.Escape(TeamsText.Shorten(best.Excerpt, 80)) + "“ (" + GermanFormat.Number(best.ReachTotal ?? best.Reach) + " Personen)"));
            var topic = insight?.Topics.FirstOrDefault(t => t.Name is not null && t.Figures.MedianReach is not null);
            facts.Add(Fact("Thema, das am besten lief", topic is null
                ? "noch keine Auswertung"
                : TeamsText.Escape(topic.Name) + " (Median " + InsightsText.Median(topic.Figures.MedianReach) + " Personen, " + InsightsText.Posts(topic.Figures.Posts) + ")"));
            if (insight is not null && insight.Accessibility.Count > 0)
            {
                facts.Add(Fact("Beiträge mit Bild ohne Alternativtext", GermanFormat.Number(insight.Accessibility.Sum(m => m.PostsLackingAltText))));
            }

            body.Add(new JsonObject
            {
                ["type"] = "Container",
                ["separator"] = true,
                ["spacing"] = "Medium",
                ["items"] = new JsonArray(
                    new JsonObject { ["type"] = "TextBlock", ["text"] = TeamsText.Escape(page.Name), ["weight"] = "Bolder", ["size"] = "Medium", ["wrap"] = true },
                    new JsonObject { ["type"] = "FactSet", ["spacing"] = "Small", ["facts"] = facts }),
            });
        }

        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.5",
            ["lang"] = "de",
            ["body"] = body,
        };
        if (!string.IsNullOrWhiteSpace(options.PublicBaseUrl))
        {
            var range = "?from=" + IsoDate.Format(monday) + "&to=" + IsoDate.Format(sunday);
            var root = options.PublicBaseUrl.TrimEnd('/') + "/api/";
            card["actions"] = new JsonArray(
                new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = "Wochenbericht öffnen", ["url"] = root + "summaries" + range },
                new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = "Was wirkt", ["url"] = root + "insights" + range });
        }

        return card;
    }

    private static long Interactions(PeriodTotals totals) => totals.Reactions.Total + totals.Comments + totals.Shares;

    private static string Compare(long? value, long? before) => value switch
    {
        null => "nicht für alle Beiträge gemeldet",
        { } v when before is { } b => GermanFormat.Number(v) + " (" + GermanFormat.Change(v - b) + (b > 0 ? ", " + GermanFormat.PercentChange(v, b) : "") + " zur Vorwoche)",
        { } v => GermanFormat.Number(v),
    };

    private static JsonObject Subtle(string text) =>
        new() { ["type"] = "TextBlock", ["text"] = text, ["isSubtle"] = true, ["size"] = "Small", ["wrap"] = true };

    private static JsonObject Fact(string title, string value) => new() { ["title"] = title, ["value"] = value };
}
