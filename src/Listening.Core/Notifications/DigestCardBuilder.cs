using System.Text.Json.Nodes;
using Listening.Core.Configuration;
using Listening.Core.Summaries;
using Microsoft.Extensions.Options;
using Listening.Core.Contracts;
using Listening.Core.Notifications.Teams;

namespace Listening.Core.Notifications;

/// <summary>The morning digest as an Adaptive Card 1.5 (the <c>attachments[0].content</c> of a Workflows payload), in German.</summary>
/// <remarks>
/// Text from Facebook (page names, post text, hashtags) goes into <c>TextRun</c>s, which Teams does not read as
/// markdown, so a post cannot make links or formatting of its own, and through <see cref="TeamsText"/>, which drops
/// bidi controls. Teams rejects messages above about 28 KB: the card is built with fewer posts and shorter excerpts
/// until it fits. A Page without a pull that day is named and told apart from a quiet day (docs/teams.md).
/// </remarks>
public sealed class DigestCardBuilder(IOptions<ListeningOptions> options)
{
    /// <summary>What the Workflows envelope around the card may take; the card gets the rest.</summary>
    private const int EnvelopeReserve = 512;

    public const int MaxCardBytes = WorkflowsPayload.MaxBytes - EnvelopeReserve;

    /// <summary>From the richest card to the leanest; the first that fits is sent.</summary>
    private static readonly Level[] Levels =
    [
        new(3, 100, 6, 3), new(3, 60, 6, 3), new(2, 60, 4, 2), new(1, 60, 3, 1), new(1, 30, 2, 0), new(0, 0, 1, 0), new(0, 0, 0, 0),
    ];

    public JsonObject Build(DateOnly date, DailySummary? summary) => Build(new DigestContent(date, summary));

    public JsonObject Build(DigestContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        JsonObject? card = null;
        foreach (var level in Levels)
        {
            card = Build(content, level);
            if (SizeOf(card) <= MaxCardBytes)
            {
                return card;
            }
        }

        return card!;
    }

    public string? SummaryLink(DateOnly date) => TeamsLinks.Summary(options.Value.PublicBaseUrl, date);

    /// <summary>Bytes of the card as <see cref="WorkflowsPayload.Validate"/> counts them (non-ASCII escaped).</summary>
    public static int SizeOf(JsonObject card)
    {
        ArgumentNullException.ThrowIfNull(card);
        return System.Text.Encoding.UTF8.GetByteCount(card.ToJsonString());
    }

    /// <summary>The day's top posts as the day page ranks them (<c>topPostBy</c>: reach by default, or interactions).</summary>
    public static IReadOnlyList<PostDaySummary> TopPosts(PageDaySummary page, int count) => TopPostRanking.Top(page, count);

    private JsonObject Build(DigestContent content, Level level)
    {
        var (date, summary) = (content.Date, content.Summary);
        var demo = summary?.Demo ?? options.Value.IsDemo;
        var timeZone = summary?.TimeZone ?? options.Value.TimeZone;
        var body = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "TextBlock",
                ["text"] = (demo ? "Demo – " : "") + "Tageszusammenfassung " + GermanFormat.Date(date),
                ["weight"] = "Bolder",
                ["size"] = "Large",
                ["wrap"] = true,
                ["style"] = "heading",
            },
        };
        if (summary is null || summary.Pages.Count == 0)
        {
            if (content.Pages.Count == 0)
            {
                body.Add(NoData());
            }
        }
        else
        {
            body.Add(Subtle(
                GermanFormat.LongDate(date)
                + " · Stand: " + GermanFormat.DateTime(GermanFormat.InZone(summary.GeneratedAt, summary.TimeZone))
                + " · Tage nach Kalender " + TeamsText.Escape(summary.TimeZone)
                + (demo ? " · Beispieldaten" : "")));
        }

        foreach (var crisis in content.Crises)
        {
            body.Add(new JsonObject
            {
                ["type"] = "Container",
                ["style"] = "attention",
                ["spacing"] = "Medium",
                ["items"] = new JsonArray(new JsonObject
                {
                    ["type"] = "RichTextBlock",
                    ["inlines"] = new JsonArray(
                        new JsonObject { ["type"] = "TextRun", ["text"] = "Krisenmodus: ", ["weight"] = "Bolder" },
                        new JsonObject
                        {
                            ["type"] = "TextRun",
                            ["text"] = TeamsText.Plain(crisis.PageName + " (Stichwort „" + crisis.Keyword + "“)") + ", von "
                                + GermanFormat.DateTime(GermanFormat.InZone(crisis.Since, timeZone)) + " bis "
                                + GermanFormat.DateTime(GermanFormat.InZone(crisis.Until, timeZone))
                                + ". In dieser Zeit holt Listening die Zahlen alle 5 Minuten.",
                        }),
                }),
            });
        }

        // Watched Pages without a row for the day, and rows without a pull (a summary built from the day before
        // alone), say that no data arrived instead of showing the Page id and dashes.
        var stored = summary?.Pages ?? [];
        foreach (var id in content.Pages.Select(p => p.PageId).Concat(stored.Select(p => p.PageId)).Distinct(StringComparer.Ordinal))
        {
            var page = stored.FirstOrDefault(p => p.PageId == id);
            if (page is null || page.Observations == 0)
            {
                body.Add(PageWithoutData(content.Pages.FirstOrDefault(p => p.PageId == id)?.Name ?? page?.Name ?? id));
                continue;
            }

            var before = content.Previous?.Pages.FirstOrDefault(p => p.PageId == page.PageId);
            body.Add(Page(page, before, summary!.TimeZone, level));
        }

        if (level.Alerts > 0 && content.Alerts.Count > 0)
        {
            body.Add(OpenAlerts(content.Alerts, timeZone, level.Alerts));
        }

        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.5",
            ["lang"] = "de",
            ["body"] = body,
        };
        if (SummaryLink(date) is { } link)
        {
            card["actions"] = new JsonArray(new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = "Zusammenfassung öffnen", ["url"] = link });
        }

        return card;
    }

    private static JsonObject Page(PageDaySummary page, PageDaySummary? before, string timeZone, Level level)
    {
        var newPosts = page.Posts.Count(p => p.New);
        var items = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "RichTextBlock",
                ["inlines"] = new JsonArray(PageName(page.Name)),
            },
            new JsonObject
            {
                ["type"] = "FactSet",
                ["spacing"] = "Small",
                ["facts"] = new JsonArray
                {
                    Fact("Follower", Counter(page.Followers)),
                    Fact("„Gefällt mir“-Angaben", Counter(page.Likes)),
                    Fact("Reaktionen", WithChange(page.Reactions.Total, before?.Reactions.Total)),
                    Fact("Kommentare", WithChange(page.Comments, before?.Comments)),
                    Fact("Mal geteilt", WithChange(page.Shares, before?.Shares)),
                    Fact("Neue Beiträge", GermanFormat.Number(newPosts)),
                    Fact("Erreichte Personen (Beiträge)", page.Reach is { } reach ? WithChange(reach, before?.Reach) : "nicht für alle Beiträge gemeldet"),
                },
            },
        };

        var top = TopPosts(page, level.Posts);
        if (page.Posts.Count == 0)
        {
            items.Add(Subtle("Keine neuen Beiträge und keine Interaktionen."));
        }
        else if (top.Count > 0)
        {
            var most = page.TopPostBy == TopPostRanking.Interactions ? "den meisten Interaktionen" : "den meisten erreichten Personen";
            items.Add(Subtle(top.Count == 1 ? $"Beitrag mit {most}:" : $"Die {top.Count} Beiträge mit {most}:"));
            foreach (var post in top)
            {
                items.Add(Post(post, timeZone, level.ExcerptLength));
            }
        }

        foreach (var giveaway in page.Giveaways ?? [])
        {
            items.Add(Subtle(GiveawayText(giveaway, timeZone)));
        }

        var topics = DigestTopics.For(page, level.Topics);
        if (topics.Count > 0)
        {
            var inlines = new JsonArray(new JsonObject { ["type"] = "TextRun", ["text"] = "Themen: ", ["weight"] = "Bolder", ["size"] = "Small" });
            inlines.Add(new JsonObject
            {
                ["type"] = "TextRun",
                ["size"] = "Small",
                ["text"] = string.Join(" · ", topics.Select(t =>
                    $"{TeamsText.Plain(t.Topic)} ({GermanFormat.Number(t.Posts)} {(t.Posts == 1 ? "Beitrag" : "Beiträge")}, {GermanFormat.Number(t.Interactions)} Interaktionen)")),
            });
            items.Add(new JsonObject { ["type"] = "RichTextBlock", ["spacing"] = "Small", ["inlines"] = inlines });
        }

        return new JsonObject { ["type"] = "Container", ["separator"] = true, ["spacing"] = "Medium", ["items"] = items };
    }

    private static JsonObject OpenAlerts(IReadOnlyList<DigestAlert> alerts, string timeZone, int count)
    {
        var items = new JsonArray
        {
            new JsonObject { ["type"] = "TextBlock", ["text"] = "Warnungen des Tages", ["weight"] = "Bolder", ["wrap"] = true },
        };
        foreach (var alert in alerts.Take(count))
        {
            var inlines = new JsonArray
            {
                new JsonObject { ["type"] = "TextRun", ["text"] = GermanFormat.Time(GermanFormat.InZone(alert.RaisedAt, timeZone)) + " · ", ["isSubtle"] = true },
                new JsonObject
                {
                    ["type"] = "TextRun",
                    ["text"] = TeamsText.Plain(alert.Title.Contains(alert.PageName, StringComparison.Ordinal) ? alert.Title : alert.Title + " (" + alert.PageName + ")"),
                },
            };
            if (SummaryHtmlRenderer.SafeLink(alert.Link) is { } url)
            {
                inlines.Add(new JsonObject { ["type"] = "TextRun", ["text"] = " " });
                inlines.Add(new JsonObject
                {
                    ["type"] = "TextRun",
                    ["text"] = "öffnen",
                    ["color"] = "Accent",
                    ["underline"] = true,
                    ["selectAction"] = new JsonObject { ["type"] = "Action.OpenUrl", ["url"] = url },
                });
            }

            items.Add(new JsonObject { ["type"] = "RichTextBlock", ["spacing"] = "Small", ["inlines"] = inlines });
        }

        if (alerts.Count > count)
        {
            items.Add(Subtle($"… und {GermanFormat.Number(alerts.Count - count)} weitere."));
        }

        return new JsonObject { ["type"] = "Container", ["separator"] = true, ["spacing"] = "Medium", ["style"] = "warning", ["items"] = items };
    }

    private static JsonObject Post(PostDaySummary post, string timeZone, int excerptLength)
    {
        var inlines = new JsonArray();
        var excerpt = TeamsText.Shorten(TeamsText.Plain(post.Excerpt), excerptLength);
        if (excerpt.Length > 0)
        {
            inlines.Add(new JsonObject { ["type"] = "TextRun", ["text"] = excerpt + " " });
        }

        if (SummaryHtmlRenderer.SafeLink(post.Permalink) is { } url)
        {
            inlines.Add(new JsonObject
            {
                ["type"] = "TextRun",
                ["text"] = "Beitrag öffnen",
                ["color"] = "Accent",
                ["underline"] = true,
                ["selectAction"] = new JsonObject { ["type"] = "Action.OpenUrl", ["url"] = url },
            });
        }

        var items = new JsonArray();
        if (inlines.Count > 0)
        {
            items.Add(new JsonObject { ["type"] = "RichTextBlock", ["inlines"] = inlines });
        }

        items.Add(new JsonObject
        {
            ["type"] = "TextBlock",
            ["text"] = GermanFormat.DateTime(GermanFormat.InZone(post.CreatedTime, timeZone))
                + (post.New ? " (neu)" : "")
                + " · " + GermanFormat.Number(post.Reactions.Total) + " Reaktionen · "
                + GermanFormat.Number(post.Comments) + " Kommentare · " + GermanFormat.Number(post.Shares) + " Mal geteilt"
                + (post.ReachTotal is { } reachTotal
                    ? " · " + (post.Reach is { } reach ? GermanFormat.Number(reach) + " Personen erreicht (" + GermanFormat.Number(reachTotal) + " insgesamt)" : GermanFormat.Number(reachTotal) + " Personen erreicht (insgesamt)")
                    : ""),
            ["isSubtle"] = true,
            ["size"] = "Small",
            ["spacing"] = "None",
            ["wrap"] = true,
        });
        return new JsonObject { ["type"] = "Container", ["spacing"] = "Small", ["items"] = items };
    }

    /// <summary>A giveaway's follow-through in one line: followers gained and kept, and how many people the post reached.</summary>
    internal static string GiveawayText(GiveawayFollowThrough giveaway, string timeZone) =>
        "Gewinnspiel" + (giveaway.CreatedTime is { } created ? " vom " + GermanFormat.Date(DateOnly.FromDateTime(GermanFormat.InZone(created, timeZone).DateTime)) : "")
        + (giveaway.ReachAfter3Days is { } reach ? ": erreichte " + GermanFormat.Number(reach) + " Personen in den ersten Tagen" : ":")
        + (giveaway.FollowersGained is { } gained ? ", " + GermanFormat.Change(gained) + " Follower in 3 Tagen" : "")
        + (giveaway.FollowersRetained is { } retained ? ", davon nach 30 Tagen noch " + GermanFormat.Number(retained) : "")
        + ".";

    private static string WithChange(long value, long? before) =>
        before is { } b ? GermanFormat.Number(value) + " (" + GermanFormat.Change(value - b) + " zum Vortag)" : GermanFormat.Number(value);

    private static string Counter(CounterChange counter) =>
        counter.Change is { } change
            ? GermanFormat.Number(counter.End) + " (" + GermanFormat.Change(change) + " zum Vortag)"
            : GermanFormat.Number(counter.End);

    private static JsonObject PageName(string name) =>
        new() { ["type"] = "TextRun", ["text"] = TeamsText.Plain(name), ["weight"] = "Bolder", ["size"] = "Medium" };

    /// <summary>A Page without a pull that day: its name and what to check, instead of a row of dashes.</summary>
    private JsonObject PageWithoutData(string name) => new()
    {
        ["type"] = "Container",
        ["separator"] = true,
        ["spacing"] = "Medium",
        ["items"] = new JsonArray(new JsonObject { ["type"] = "RichTextBlock", ["inlines"] = new JsonArray(PageName(name)) }, NoData()),
    };

    /// <summary>"No data arrived", and where to look: the health endpoint (linked when the public address is known) and the Page token.</summary>
    private JsonObject NoData()
    {
        var health = new JsonObject { ["type"] = "TextRun", ["text"] = "/api/health" };
        if (HealthLink() is { } url)
        {
            health["color"] = "Accent";
            health["underline"] = true;
            health["selectAction"] = new JsonObject { ["type"] = "Action.OpenUrl", ["url"] = url };
        }

        return new JsonObject
        {
            ["type"] = "RichTextBlock",
            ["spacing"] = "Small",
            ["inlines"] = new JsonArray(
                new JsonObject { ["type"] = "TextRun", ["text"] = "Für diesen Tag sind keine Daten eingegangen. Bitte Abrufstatus unter " },
                health,
                new JsonObject { ["type"] = "TextRun", ["text"] = " und das Seiten-Token prüfen." }),
        };
    }

    private string? HealthLink() =>
        string.IsNullOrWhiteSpace(options.Value.PublicBaseUrl) ? null : options.Value.PublicBaseUrl.TrimEnd('/') + "/api/health";

    private static JsonObject Subtle(string text) =>
        new() { ["type"] = "TextBlock", ["text"] = text, ["isSubtle"] = true, ["size"] = "Small", ["wrap"] = true };

    private static JsonObject Fact(string title, string value) => new() { ["title"] = title, ["value"] = value };

    private sealed record Level(int Posts, int ExcerptLength, int Alerts, int Topics);
}

/// <summary>What the morning digest shows: the day, the day before (for changes), the day's alerts and crisis mode.</summary>
public sealed record DigestContent(DateOnly Date, DailySummary? Summary)
{
    /// <summary>
    /// The watched Pages with their configured or last known names, in configuration order: a Page without data that
    /// day is named and says so. Empty: only the Pages of <see cref="Summary"/> are shown.
    /// </summary>
    public IReadOnlyList<DigestPage> Pages { get; init; } = [];

    public DailySummary? Previous { get; init; }

    public IReadOnlyList<DigestAlert> Alerts { get; init; } = [];

    public IReadOnlyList<DigestCrisis> Crises { get; init; } = [];
}

public sealed record DigestPage(string PageId, string Name);

public sealed record DigestAlert(string Kind, string Title, string PageName, DateTimeOffset RaisedAt, string? Link);

public sealed record DigestCrisis(string PageName, string Keyword, DateTimeOffset Since, DateTimeOffset Until);
