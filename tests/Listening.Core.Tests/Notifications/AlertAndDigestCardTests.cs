using System.Text.Json.Nodes;
using Listening.Core.Configuration;
using Listening.Core.Notifications;
using Listening.Core.Notifications.Alerts;
using Listening.Core.Tests.Summaries;
using Microsoft.Extensions.Options;
using Listening.Core.Notifications.Teams;

namespace Listening.Core.Tests.Notifications;

public sealed class AlertAndDigestCardTests
{
    private static readonly DigestCardBuilder Builder = new(Options.Create(new ListeningOptions
    {
        PublicBaseUrl = "https://listening.example.org",
        Pages = [new PageOptions { Id = "104857600000001", AccessToken = "token" }],
    }));

    private static Alert Alert(string text = "Kreis Soest hat 1.000 Follower erreicht.", AlertSeverity severity = AlertSeverity.Good) => new()
    {
        Kind = AlertKinds.Milestone,
        Key = "milestone:104857600000001:followers:1000",
        PageId = "104857600000001",
        PageName = "Kreis Soest",
        Title = "Meilenstein: 1.000 Follower",
        Text = text,
        Facts = [new("Follower", "1.003")],
        Link = "https://listening.example.org/api/summaries/2026-11-27",
        LinkTitle = "Zusammenfassung öffnen",
        RaisedAt = new DateTimeOffset(2026, 11, 27, 9, 15, 0, TimeSpan.Zero),
        Severity = severity,
    };

    [Fact]
    public void Alert_card_is_valid_german_and_links_its_target()
    {
        var card = AlertCardBuilder.Build(Alert(), "Europe/Berlin");

        Assert.Null(WorkflowsPayload.Validate(WorkflowsPayload.Wrap(card)));
        var json = Json(card);
        Assert.Contains("Meilenstein: 1.000 Follower", json, StringComparison.Ordinal);
        Assert.Contains("Kreis Soest · 27.11.2026, 10:15 Uhr", json, StringComparison.Ordinal);
        Assert.Equal("https://listening.example.org/api/summaries/2026-11-27", (string?)card["actions"]![0]!["url"]);
        Assert.Equal("good", (string?)card["body"]![0]!["style"]);
    }

    [Fact]
    public void Alert_text_goes_into_a_text_run_never_into_markdown()
    {
        var card = AlertCardBuilder.Build(Alert("„[Gewinnspiel](https://evil.example) **jetzt**“"), "Europe/Berlin");

        var run = Descendants(card).Single(n => ((string?)n["text"])?.Contains("Gewinnspiel", StringComparison.Ordinal) == true);
        Assert.Equal("TextRun", (string?)run["type"]);
    }

    [Fact]
    public void Digest_shows_changes_against_the_day_before()
    {
        var today = SampleSummary.Create();
        var before = SampleSummary.Create(pages: SampleSummary.Page() with { Comments = 90, Shares = 10, Reactions = new() { Like = 1_000 } });

        var card = Builder.Build(new DigestContent(SampleSummary.Day, today) { Previous = before });

        var facts = Descendants(card).Single(n => (string?)n["type"] == "FactSet")["facts"]!.AsArray()
            .ToDictionary(f => (string)f!["title"]!, f => (string)f!["value"]!);
        Assert.Equal("1.282 (+282 zum Vortag)", facts["Reaktionen"]);
        Assert.Equal("87 (−3 zum Vortag)", facts["Kommentare"]);
        Assert.Equal("19 (+9 zum Vortag)", facts["Mal geteilt"]);
        Assert.Equal("1", facts["Neue Beiträge"]);
    }

    [Fact]
    public void Digest_lists_the_days_alerts_and_crisis_mode()
    {
        var content = new DigestContent(SampleSummary.Day, SampleSummary.Create())
        {
            Alerts = [new DigestAlert(AlertKinds.Milestone, "Meilenstein: 1.000 Follower", "Kreis Soest", new DateTimeOffset(2026, 11, 27, 9, 15, 0, TimeSpan.Zero), "https://www.facebook.com/1")],
            Crises = [new DigestCrisis("Kreis Soest", "Unwetter", new DateTimeOffset(2026, 11, 27, 6, 40, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 28, 6, 40, 0, TimeSpan.Zero))],
        };

        var json = Json(Builder.Build(content));

        Assert.Contains("Warnungen des Tages", json, StringComparison.Ordinal);
        Assert.Contains("10:15 Uhr · ", json, StringComparison.Ordinal);
        Assert.Contains("Meilenstein: 1.000 Follower (Kreis Soest)", json, StringComparison.Ordinal);
        Assert.Contains("Krisenmodus: ", json, StringComparison.Ordinal);
        Assert.Contains("bis 28.11.2026, 07:40 Uhr", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Digest_highlights_the_days_hashtags_by_interactions()
    {
        var page = SampleSummary.Page(posts:
        [
            SampleSummary.Post(id: "1", excerpt: "Bewerbt euch! #Ausbildung", reactions: 10, comments: 0, shares: 0),
            SampleSummary.Post(id: "2", excerpt: "Azubi-Tag #ausbildung #Kreishaus", reactions: 5, comments: 1, shares: 0),
            SampleSummary.Post(id: "3", excerpt: "Blühwiesen #Umwelt", reactions: 40, comments: 0, shares: 0),
        ]);

        var topics = DigestTopics.For(page, 3);

        Assert.Equal(["#Umwelt", "#Ausbildung", "#Kreishaus"], topics.Select(t => t.Topic));
        Assert.Equal(2, topics[1].Posts);
        Assert.Equal(16, topics[1].Interactions);
    }

    [Fact]
    public void Digest_with_many_alerts_shrinks_under_28_kb_and_says_how_many_more()
    {
        var alerts = Enumerable.Range(0, 400)
            .Select(i => new DigestAlert(AlertKinds.TakeOff, "Ein Beitrag hebt ab " + new string('x', 60), "Kreis Soest", SampleSummary.GeneratedAt, "https://www.facebook.com/" + i))
            .ToList();

        var card = Builder.Build(new DigestContent(SampleSummary.Day, SampleSummary.Create()) { Alerts = alerts });

        Assert.True(DigestCardBuilder.SizeOf(card) <= DigestCardBuilder.MaxCardBytes);
        Assert.Contains("weitere.", card.ToJsonString(), StringComparison.Ordinal);
    }

    /// <summary>The card's JSON with umlauts and typographic characters as they are, for Contains checks.</summary>
    private static string Json(JsonNode node) =>
        node.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    private static IEnumerable<JsonObject> Descendants(JsonNode? node) => node switch
    {
        JsonObject obj => new[] { obj }.Concat(obj.SelectMany(p => Descendants(p.Value))),
        JsonArray array => array.SelectMany(Descendants),
        _ => [],
    };
}
