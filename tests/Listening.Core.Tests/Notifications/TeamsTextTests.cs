using System.Text.Json.Nodes;
using Listening.Core.Configuration;
using Listening.Core.Notifications;
using Listening.Core.Notifications.Alerts;
using Listening.Core.Summaries;
using Listening.Core.Tests.Summaries;
using Microsoft.Extensions.Options;
using Listening.Core.Contracts;
using Listening.Core.Notifications.Teams;

namespace Listening.Core.Tests.Notifications;

/// <summary>A hostile Page name and post text (a markdown link, bold, an autolink, an unterminated RLO) in every card kind, both formats.</summary>
public sealed class TeamsTextTests
{
    private const string HostileName = "Kreis [Klick](https://evil.example) \u202E**Soest**";
    private const string HostileText = "Gewinnspiel [Klick](https://evil.example) \u202Bjetzt\u2066 _mitmachen_ <https://evil.example> \u200F#Soest";

    public static TheoryData<string> AlertKindsAll() => new(TeamsOptionsCheck.Kinds.Where(k => k != AlertKinds.Digest).Order(StringComparer.Ordinal));

    [Fact]
    public void Escape_neutralizes_links_and_formatting_and_drops_bidi_controls()
    {
        Assert.Equal(@"Kreis \[Klick\]\(https://evil.example\) \*\*Soest\*\*", TeamsText.Escape(HostileName));
        Assert.Equal("&lt;https://evil.example&gt; a\\_b\\_c \\# \\`x\\` \\~ \\| \\\\", TeamsText.Escape("<https://evil.example> a_b_c # `x` ~ | \\"));
        Assert.Equal("", TeamsText.Escape(null));
    }

    [Theory]
    [InlineData('\u200E')]
    [InlineData('\u200F')]
    [InlineData('\u061C')]
    [InlineData('\u202A')]
    [InlineData('\u202B')]
    [InlineData('\u202C')]
    [InlineData('\u202D')]
    [InlineData('\u202E')]
    [InlineData('\u2066')]
    [InlineData('\u2067')]
    [InlineData('\u2068')]
    [InlineData('\u2069')]
    public void Plain_drops_every_bidi_control_and_keeps_the_rest(char control)
    {
        Assert.Equal("Kreis Soest 27.11.2026 עברית", TeamsText.Plain("Kreis " + control + "Soest 27.11.2026 עברית" + control));
    }

    [Fact]
    public void Digest_with_a_hostile_page_name_post_text_topic_and_alert_is_safe_in_both_formats()
    {
        var post = SampleSummary.Post(excerpt: HostileText) with { Topics = ["Gewinn\u202Espiel [x](https://evil.example)"] };
        var page = SampleSummary.Page(name: HostileName, posts: post) with
        {
            Topics = [new TopicSummary("Gewinn\u202Espiel [x](https://evil.example)", 1, 10, 1, 1)],
        };
        var content = new DigestContent(SampleSummary.Day, SampleSummary.Create(pages: page))
        {
            Alerts = [new DigestAlert(AlertKinds.Crisis, "Krisenmodus an: " + HostileName, HostileName, SampleSummary.GeneratedAt, null)],
            Crises = [new DigestCrisis(HostileName, "Unwetter\u202E", SampleSummary.GeneratedAt.AddHours(-10), SampleSummary.GeneratedAt.AddHours(14))],
        };
        var card = new DigestCardBuilder(Options.Create(new ListeningOptions { PublicBaseUrl = "https://listening.example.org" })).Build(content);

        AssertSafe(card);
    }

    [Fact]
    public void Digest_of_a_page_without_data_with_a_hostile_name_is_safe_in_both_formats()
    {
        var content = new DigestContent(SampleSummary.Day, null) { Pages = [new DigestPage("104857600000001", HostileName)] };
        var card = new DigestCardBuilder(Options.Create(new ListeningOptions { PublicBaseUrl = "https://listening.example.org" })).Build(content);

        AssertSafe(card);
    }

    [Theory]
    [MemberData(nameof(AlertKindsAll))]
    public void Alert_card_with_a_hostile_page_name_and_post_text_is_safe_in_both_formats(string kind)
    {
        var card = AlertCardBuilder.Build(new Alert
        {
            Kind = kind,
            Key = kind + ":104857600000001:x",
            PageId = "104857600000001",
            PageName = HostileName,
            Title = "Krisenmodus an: " + HostileName,
            Text = HostileText,
            Facts = [new("Seite", HostileName), new("Kennzahl", "page_[x](https://evil.example)\u202E")],
            Link = "https://www.facebook.com/104857600000001/posts/1",
            RaisedAt = SampleSummary.GeneratedAt,
        }, "Europe/Berlin");

        AssertSafe(card);
        var heading = Descendants(card).First(n => (string?)n["style"] == "heading");
        Assert.Equal(@"Krisenmodus an: Kreis \[Klick\]\(https://evil.example\) \*\*Soest\*\*", (string?)heading["text"]);
    }

    /// <summary>
    /// Adaptive Card: markdown text (TextBlocks, facts) makes no link, bold or autolink; no string holds a bidi control.
    /// MessageCard (all markdown): the same for every text.
    /// </summary>
    private static void AssertSafe(JsonObject card)
    {
        var payload = WorkflowsPayload.Wrap(card);
        Assert.Null(WorkflowsPayload.Validate(payload));
        var strings = Strings(card).ToList();
        Assert.Contains(strings, s => s.Contains("evil.example", StringComparison.Ordinal));
        Assert.DoesNotContain(strings, s => s.Any(TeamsText.IsBidiControl));
        foreach (var node in Descendants(card))
        {
            var markdown = (string?)node["type"] == "TextBlock" ? [(string?)node["text"]]
                : node.ContainsKey("title") && node.ContainsKey("value") ? new[] { (string?)node["title"], (string?)node["value"] }
                : [];
            foreach (var text in markdown.OfType<string>())
            {
                AssertNoMarkup(text);
            }
        }

        var legacy = MessageCardPayload.FromWorkflows(payload);
        Assert.Null(MessageCardPayload.Validate(legacy));
        var legacyTexts = Strings(legacy["sections"]).Append((string?)legacy["title"] ?? "").ToList();
        Assert.Contains(legacyTexts, s => s.Contains("evil.example", StringComparison.Ordinal));
        Assert.DoesNotContain(legacyTexts, s => s.Any(TeamsText.IsBidiControl));
        foreach (var text in legacyTexts)
        {
            AssertNoMarkup(text);
        }
    }

    private static void AssertNoMarkup(string text)
    {
        Assert.DoesNotContain("](https://evil", text, StringComparison.Ordinal);
        Assert.DoesNotContain("[Klick]", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<https://evil", text, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"(?<!\\)\*\*Soest", text);
        Assert.DoesNotMatch(@"(?<!\\)_mitmachen", text);
    }

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject obj => obj.SelectMany(p => Strings(p.Value)),
        JsonArray array => array.SelectMany(Strings),
        JsonValue value when value.TryGetValue<string>(out var s) => [s],
        _ => [],
    };

    private static IEnumerable<JsonObject> Descendants(JsonNode? node) => node switch
    {
        JsonObject obj => new[] { obj }.Concat(obj.SelectMany(p => Descendants(p.Value))),
        JsonArray array => array.SelectMany(Descendants),
        _ => [],
    };
}
