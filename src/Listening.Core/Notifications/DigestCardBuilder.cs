using System.Text.Json.Nodes;
using Listening.Core.Configuration;
using Listening.Core.Summaries;
using Microsoft.Extensions.Options;

namespace Listening.Core.Notifications;

/// <summary>The morning digest as an Adaptive Card 1.5 (the <c>attachments[0].content</c> of a Workflows payload), in German.</summary>
/// <remarks>
/// Text from Facebook (page names, post text) goes into <c>TextRun</c>s, which Teams does not read as markdown,
/// so a post cannot make links or formatting of its own. Teams rejects messages above about 28 KB: the card is
/// built with fewer posts and shorter excerpts until it fits.
/// </remarks>
public sealed class DigestCardBuilder(IOptions<ListeningOptions> options)
{
    /// <summary>What the Workflows envelope around the card may take; the card gets the rest.</summary>
    private const int EnvelopeReserve = 512;

    public const int MaxCardBytes = WorkflowsPayload.MaxBytes - EnvelopeReserve;

    /// <summary>From the richest card to the leanest; the first that fits is sent.</summary>
    private static readonly (int Posts, int ExcerptLength)[] Levels = [(3, 100), (3, 60), (2, 60), (1, 60), (1, 30), (0, 0)];

    public JsonObject Build(DateOnly date, DailySummary? summary)
    {
        JsonObject? card = null;
        foreach (var (posts, excerptLength) in Levels)
        {
            card = Build(date, summary, posts, excerptLength);
            if (SizeOf(card) <= MaxCardBytes)
            {
                return card;
            }
        }

        return card!;
    }

    public string? SummaryLink(DateOnly date) =>
        string.IsNullOrWhiteSpace(options.Value.PublicBaseUrl)
            ? null
            : $"{options.Value.PublicBaseUrl.TrimEnd('/')}/api/summaries/{date:yyyy-MM-dd}";

    /// <summary>Bytes of the card as <see cref="WorkflowsPayload.Validate"/> counts them (non-ASCII escaped).</summary>
    public static int SizeOf(JsonObject card)
    {
        ArgumentNullException.ThrowIfNull(card);
        return System.Text.Encoding.UTF8.GetByteCount(card.ToJsonString());
    }

    /// <summary>The posts that drew the most reactions, comments and shares that day; ties go to the newer post.</summary>
    public static IReadOnlyList<PostDaySummary> TopPosts(PageDaySummary page, int count)
    {
        ArgumentNullException.ThrowIfNull(page);
        return page.Posts
            .Where(p => Interactions(p) > 0)
            .OrderByDescending(Interactions)
            .ThenByDescending(p => p.CreatedTime.UtcTicks)
            .ThenBy(p => p.Id, StringComparer.Ordinal)
            .Take(count)
            .ToList();
    }

    private static long Interactions(PostDaySummary post) => post.Reactions.Total + post.Comments + post.Shares;

    private JsonObject Build(DateOnly date, DailySummary? summary, int postsPerPage, int excerptLength)
    {
        var demo = summary?.Demo ?? options.Value.IsDemo;
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
            body.Add(Text("Für diesen Tag liegen keine Daten vor. Bitte prüfen Sie die Verbindung zu Facebook."));
        }
        else
        {
            body.Add(Subtle(
                "Stand: " + GermanFormat.DateTime(GermanFormat.InZone(summary.GeneratedAt, summary.TimeZone))
                + " · Tage nach Kalender " + summary.TimeZone
                + (demo ? " · Beispieldaten" : "")));
            foreach (var page in summary.Pages)
            {
                body.Add(Page(page, summary.TimeZone, postsPerPage, excerptLength));
            }
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

    private static JsonObject Page(PageDaySummary page, string timeZone, int postsPerPage, int excerptLength)
    {
        var items = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "RichTextBlock",
                ["inlines"] = new JsonArray(new JsonObject { ["type"] = "TextRun", ["text"] = page.Name, ["weight"] = "Bolder", ["size"] = "Medium" }),
            },
            new JsonObject
            {
                ["type"] = "FactSet",
                ["spacing"] = "Small",
                ["facts"] = new JsonArray
                {
                    Fact("Follower", Counter(page.Followers)),
                    Fact("„Gefällt mir“-Angaben", Counter(page.Likes)),
                    Fact("Reaktionen", GermanFormat.Number(page.Reactions.Total)),
                    Fact("Kommentare", GermanFormat.Number(page.Comments)),
                    Fact("Mal geteilt", GermanFormat.Number(page.Shares)),
                },
            },
        };

        var top = TopPosts(page, postsPerPage);
        if (page.Posts.Count == 0)
        {
            items.Add(Subtle("Keine neuen Beiträge und keine Interaktionen."));
        }
        else if (top.Count > 0)
        {
            items.Add(Subtle(top.Count == 1 ? "Beitrag mit den meisten Interaktionen:" : $"Die {top.Count} Beiträge mit den meisten Interaktionen:"));
            foreach (var post in top)
            {
                items.Add(Post(post, timeZone, excerptLength));
            }
        }

        return new JsonObject { ["type"] = "Container", ["separator"] = true, ["spacing"] = "Medium", ["items"] = items };
    }

    private static JsonObject Post(PostDaySummary post, string timeZone, int excerptLength)
    {
        var inlines = new JsonArray();
        var excerpt = Shorten(post.Excerpt, excerptLength);
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
                + GermanFormat.Number(post.Comments) + " Kommentare · " + GermanFormat.Number(post.Shares) + " Mal geteilt",
            ["isSubtle"] = true,
            ["size"] = "Small",
            ["spacing"] = "None",
            ["wrap"] = true,
        });
        return new JsonObject { ["type"] = "Container", ["spacing"] = "Small", ["items"] = items };
    }

    /// <summary>At most <paramref name="length"/> characters, cut at a word where possible and never inside a surrogate pair.</summary>
    internal static string Shorten(string text, int length)
    {
        if (length <= 0 || string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        if (text.Length <= length)
        {
            return text;
        }

        var cut = text[..(length - 1)];
        if (char.IsHighSurrogate(cut[^1]))
        {
            cut = cut[..^1];
        }

        var space = cut.LastIndexOf(' ');
        if (space > length / 2)
        {
            cut = cut[..space];
        }

        return cut.TrimEnd(' ', '–', '-', ',', ';', ':') + "…";
    }

    private static string Counter(CounterChange counter) =>
        counter.Change is { } change
            ? GermanFormat.Number(counter.End) + " (" + GermanFormat.Change(change) + " zum Vortag)"
            : GermanFormat.Number(counter.End);

    private static JsonObject Text(string text) => new() { ["type"] = "TextBlock", ["text"] = text, ["wrap"] = true };

    private static JsonObject Subtle(string text) =>
        new() { ["type"] = "TextBlock", ["text"] = text, ["isSubtle"] = true, ["size"] = "Small", ["wrap"] = true };

    private static JsonObject Fact(string title, string value) => new() { ["title"] = title, ["value"] = value };
}
