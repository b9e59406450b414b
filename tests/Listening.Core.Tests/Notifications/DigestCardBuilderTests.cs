using System.Text.Json.Nodes;
using Listening.Core.Configuration;
using Listening.Core.Notifications;
using Listening.Core.Contracts;
using Listening.Core.Summaries;
using Listening.Core.Tests.Summaries;
using Microsoft.Extensions.Options;
using Listening.Core.Notifications.Teams;

namespace Listening.Core.Tests.Notifications;

public sealed class DigestCardBuilderTests
{
    private static DigestCardBuilder Builder(string? publicBaseUrl = null) =>
        new(Options.Create(new ListeningOptions
        {
            PublicBaseUrl = publicBaseUrl,
            Pages = [new PageOptions { Id = "104857600000001", AccessToken = "token" }],
        }));

    [Fact]
    public void Card_is_an_adaptive_card_1_5_that_teams_accepts()
    {
        var card = Builder().Build(SampleSummary.Day, SampleSummary.Create());

        Assert.Equal("AdaptiveCard", (string?)card["type"]);
        Assert.Equal("1.5", (string?)card["version"]);
        Assert.Equal("http://adaptivecards.io/schemas/adaptive-card.json", (string?)card["$schema"]);
        Assert.Null(WorkflowsPayload.Validate(WorkflowsPayload.Wrap(card)));
    }

    [Fact]
    public void Card_uses_only_adaptive_card_1_5_elements()
    {
        var allowed = new HashSet<string>(StringComparer.Ordinal)
        {
            "AdaptiveCard", "TextBlock", "RichTextBlock", "TextRun", "FactSet", "Container", "ColumnSet", "Column", "Action.OpenUrl",
        };

        var card = Builder("https://listening.example.org").Build(SampleSummary.Day, SampleSummary.Create());

        Assert.All(Types(card), type => Assert.Contains(type, allowed));
    }

    [Fact]
    public void Card_title_names_the_date()
    {
        var card = Builder().Build(SampleSummary.Day, SampleSummary.Create());

        Assert.Equal("Tageszusammenfassung 27.11.2026", (string?)card["body"]![0]!["text"]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Card_title_starts_with_demo_for_demo_data(bool demo)
    {
        var card = Builder().Build(SampleSummary.Day, SampleSummary.Create(demo));

        Assert.Equal(demo, ((string?)card["body"]![0]!["text"])!.StartsWith("Demo – Tageszusammenfassung", StringComparison.Ordinal));
    }

    [Fact]
    public void Card_shows_headline_numbers_with_changes()
    {
        var card = Builder().Build(SampleSummary.Day, SampleSummary.Create());

        var facts = Descendants(card).Single(n => (string?)n["type"] == "FactSet")["facts"]!.AsArray()
            .ToDictionary(f => (string)f!["title"]!, f => (string)f!["value"]!);
        Assert.Equal("52.000 (+12 zum Vortag)", facts["Follower"]);
        Assert.Equal("1.282", facts["Reaktionen"]);
        Assert.Equal("87", facts["Kommentare"]);
        Assert.Equal("19", facts["Mal geteilt"]);
    }

    [Fact]
    public void Card_lists_the_top_three_posts_by_reactions_comments_and_shares()
    {
        var page = SampleSummary.Page(posts:
        [
            SampleSummary.Post(excerpt: "vierter", id: "a", reactions: 10, comments: 0, shares: 0),
            SampleSummary.Post(excerpt: "erster", id: "b", reactions: 5, comments: 50, shares: 50),
            SampleSummary.Post(excerpt: "fünfter", id: "c", reactions: 0, comments: 0, shares: 0),
            SampleSummary.Post(excerpt: "dritter", id: "d", reactions: 20, comments: 0, shares: 0),
            SampleSummary.Post(excerpt: "zweiter", id: "e", reactions: 30, comments: 30, shares: 0),
        ]);

        var card = Builder().Build(SampleSummary.Day, SampleSummary.Create(pages: page));

        Assert.Equal(["erster ", "zweiter ", "dritter "], PostTexts(card));
    }

    [Fact]
    public void Card_links_posts_with_an_open_url_action()
    {
        var card = Builder().Build(SampleSummary.Day, SampleSummary.Create());

        var link = Descendants(card).Single(n => (string?)n["type"] == "TextRun" && n["selectAction"] is not null);
        Assert.Equal("Action.OpenUrl", (string?)link["selectAction"]!["type"]);
        Assert.Equal("https://www.facebook.com/104857600000001/posts/1", (string?)link["selectAction"]!["url"]);
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("/posts/1")]
    public void Card_does_not_link_other_than_http_permalinks(string permalink)
    {
        var card = Builder().Build(SampleSummary.Day, SampleSummary.Create(pages: SampleSummary.Page(posts: SampleSummary.Post(permalink: permalink))));

        Assert.DoesNotContain(Descendants(card), n => n["selectAction"] is not null || (string?)n["type"] == "Action.OpenUrl");
        Assert.DoesNotContain(permalink, card.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Card_keeps_post_text_out_of_markdown_text_blocks()
    {
        const string text = "[Gewinnspiel](https://example.org) **jetzt**";
        var card = Builder().Build(SampleSummary.Day, SampleSummary.Create(pages: SampleSummary.Page(name: "**Kreis**", posts: SampleSummary.Post(excerpt: text))));

        Assert.DoesNotContain(Descendants(card), n => (string?)n["type"] == "TextBlock" && ((string?)n["text"])!.Contains("**", StringComparison.Ordinal));
        Assert.Contains(text + " ", PostTexts(card));
    }

    [Fact]
    public void Card_cuts_excerpts_to_100_characters()
    {
        var longText = string.Join(' ', Enumerable.Repeat("Ausbildungsplätze", 8));

        var card = Builder().Build(SampleSummary.Day, SampleSummary.Create(pages: SampleSummary.Page(posts: SampleSummary.Post(excerpt: longText))));

        var excerpt = PostTexts(card).Single().TrimEnd();
        Assert.True(excerpt.Length <= 100, excerpt);
        Assert.EndsWith("…", excerpt, StringComparison.Ordinal);
    }

    [Fact]
    public void Card_for_20_pages_of_30_posts_stays_under_28_kb()
    {
        var excerpt = string.Concat(Enumerable.Repeat("Größte Übung für Katastrophenschutz 🚒 ", 4))[..140];
        var pages = Enumerable.Range(1, 20)
            .Select(p => SampleSummary.Page(
                name: $"Kreis Musterstadt – Seite Nummer {p} für Ausbildung & Beruf",
                id: $"10485760000{p:0000}",
                posts: Enumerable.Range(1, 30)
                    .Select(i => SampleSummary.Post(excerpt: excerpt, id: $"10485760000{p:0000}_{i}", reactions: i, permalink: $"https://www.facebook.com/10485760000{p:0000}/posts/{i}{new string('1', 40)}"))
                    .ToArray()))
            .ToArray();

        var card = Builder("https://listening.example.org").Build(SampleSummary.Day, SampleSummary.Create(pages: pages));

        Assert.True(DigestCardBuilder.SizeOf(card) < 28 * 1024, $"{DigestCardBuilder.SizeOf(card)} bytes");
        Assert.Null(WorkflowsPayload.Validate(WorkflowsPayload.Wrap(card)));
        Assert.Equal(20, Descendants(card).Count(n => (string?)n["type"] == "FactSet"));
        // Shrinking drops posts and shortens excerpts, but each page keeps at least its top post.
        Assert.True(Descendants(card).Count(n => n["selectAction"] is not null) >= 20);
        Assert.NotNull(card["actions"]);
    }

    [Fact]
    public void Card_keeps_three_posts_when_there_is_room()
    {
        var posts = Enumerable.Range(1, 30).Select(i => SampleSummary.Post(excerpt: "Beitrag " + i, id: i.ToString(System.Globalization.CultureInfo.InvariantCulture), reactions: i)).ToArray();

        var card = Builder().Build(SampleSummary.Day, SampleSummary.Create(pages: SampleSummary.Page(posts: posts)));

        Assert.Equal(["Beitrag 30 ", "Beitrag 29 ", "Beitrag 28 "], PostTexts(card));
    }

    [Theory]
    [InlineData("https://listening.example.org/", "https://listening.example.org/api/summaries/2026-11-27")]
    [InlineData(null, null)]
    [InlineData(" ", null)]
    public void Card_has_the_summary_button_only_with_a_public_base_url(string? baseUrl, string? expected)
    {
        var card = Builder(baseUrl).Build(SampleSummary.Day, SampleSummary.Create());

        var button = card["actions"]?.AsArray().Single();
        Assert.Equal(expected, (string?)button?["url"]);
        Assert.Equal(expected is null ? null : "Zusammenfassung öffnen", (string?)button?["title"]);
    }

    [Fact]
    public void Card_without_data_says_so_in_german()
    {
        var card = Builder().Build(SampleSummary.Day, null);

        Assert.Equal(2, card["body"]!.AsArray().Count);
        Assert.Equal(NoDataSentence, RunsOf(card["body"]![1]!));
    }

    [Fact]
    public void Card_for_a_page_without_a_pull_names_the_page_and_says_that_no_data_arrived()
    {
        // What the materializer stores for a day without any pull: the Page id as its name, no counters.
        var empty = SampleSummary.Page(name: "104857600000001") with
        {
            Followers = new CounterChange(null, null),
            Likes = new CounterChange(null, null),
            Reactions = new ReactionCounts(),
            Comments = 0,
            Shares = 0,
            Observations = 0,
            Posts = [],
        };
        var content = new DigestContent(SampleSummary.Day, SampleSummary.Create(pages: empty))
        {
            Pages = [new DigestPage("104857600000001", "Kreis Soest")],
        };

        var card = Builder("https://listening.example.org").Build(content);

        var json = card.ToJsonString();
        Assert.DoesNotContain("104857600000001", json, StringComparison.Ordinal);
        Assert.DoesNotContain(Descendants(card), n => ((string?)n["text"] ?? (string?)n["value"])?.Contains('–', StringComparison.Ordinal) == true);
        Assert.DoesNotContain("FactSet", json, StringComparison.Ordinal);
        Assert.Contains(Descendants(card), n => (string?)n["type"] == "TextRun" && (string?)n["text"] == "Kreis Soest" && (string?)n["weight"] == "Bolder");
        var sentence = Assert.Single(Descendants(card), n => (string?)n["type"] == "RichTextBlock" && RunsOf(n).StartsWith("Für diesen Tag", StringComparison.Ordinal));
        Assert.Equal(NoDataSentence, RunsOf(sentence));
        Assert.Equal("https://listening.example.org/api/health", (string?)Descendants(sentence).Single(n => n["selectAction"] is not null)["selectAction"]!["url"]);
    }

    [Fact]
    public void Card_without_a_public_base_url_names_the_health_route_without_a_link()
    {
        var content = new DigestContent(SampleSummary.Day, null) { Pages = [new DigestPage("104857600000001", "Kreis Soest")] };

        var card = Builder().Build(content);

        Assert.Contains(Descendants(card), n => (string?)n["text"] == "Kreis Soest");
        Assert.Contains(Descendants(card), n => (string?)n["type"] == "RichTextBlock" && RunsOf(n) == NoDataSentence);
        Assert.DoesNotContain(Descendants(card), n => n["selectAction"] is not null);
    }

    [Fact]
    public void Card_names_every_watched_page_without_data_beside_the_ones_with_data()
    {
        var content = new DigestContent(SampleSummary.Day, SampleSummary.Create())
        {
            Pages = [new DigestPage("104857600000001", "Kreis Soest"), new DigestPage("104857600000002", "Kreis Soest Jobs")],
        };

        var card = Builder().Build(content);

        Assert.Single(Descendants(card), n => (string?)n["type"] == "FactSet");
        var containers = card["body"]!.AsArray().OfType<JsonObject>().Where(n => (string?)n["type"] == "Container").ToList();
        Assert.Equal(2, containers.Count);
        Assert.Contains(Descendants(containers[1]), n => (string?)n["text"] == "Kreis Soest Jobs");
        Assert.Contains(Descendants(containers[1]), n => (string?)n["type"] == "RichTextBlock" && RunsOf(n) == NoDataSentence);
    }

    [Fact]
    public void Card_says_when_a_page_had_a_quiet_day()
    {
        var card = Builder().Build(SampleSummary.Day, SampleSummary.Create(pages: SampleSummary.QuietPage()));

        Assert.Contains(Descendants(card), n => (string?)n["text"] == "Keine neuen Beiträge und keine Interaktionen.");
        Assert.Empty(PostTexts(card));
    }

    private const string NoDataSentence = "Für diesen Tag sind keine Daten eingegangen. Bitte Abrufstatus unter /api/health und das Seiten-Token prüfen.";

    private static string RunsOf(JsonNode richText) =>
        string.Concat(richText["inlines"]!.AsArray().Select(run => (string?)run!["text"]));

    private static List<string> PostTexts(JsonObject card) =>
        Descendants(card)
            .Where(n => (string?)n["type"] == "RichTextBlock")
            .SelectMany(n => n["inlines"]!.AsArray().OfType<JsonObject>())
            .Where(run => run["selectAction"] is null && (string?)run["weight"] != "Bolder")
            .Select(run => (string)run["text"]!)
            .ToList();

    private static IEnumerable<string> Types(JsonObject card) =>
        Descendants(card).Select(n => (string?)n["type"]).OfType<string>();

    private static IEnumerable<JsonObject> Descendants(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                yield return obj;
                foreach (var (_, child) in obj)
                {
                    foreach (var d in Descendants(child))
                    {
                        yield return d;
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    foreach (var d in Descendants(child))
                    {
                        yield return d;
                    }
                }

                break;
        }
    }
}
