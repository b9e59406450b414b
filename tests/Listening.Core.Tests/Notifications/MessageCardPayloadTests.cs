using System.Text.Json.Nodes;
using Listening.Core.Configuration;
using Listening.Core.Notifications;
using Listening.Core.Tests.Summaries;
using Microsoft.Extensions.Options;
using Listening.Core.Notifications.Teams;

namespace Listening.Core.Tests.Notifications;

public sealed class MessageCardPayloadTests
{
    private static JsonObject DigestPayload() =>
        WorkflowsPayload.Wrap(new DigestCardBuilder(Options.Create(new ListeningOptions { PublicBaseUrl = "https://listening.example.org" }))
            .Build(SampleSummary.Day, SampleSummary.Create(pages: SampleSummary.Page(posts: SampleSummary.Post(excerpt: "[Gewinnspiel](https://evil.example) **jetzt** <b>")))));

    [Fact]
    public void Digest_becomes_a_valid_message_card_with_title_facts_and_button()
    {
        var card = MessageCardPayload.FromWorkflows(DigestPayload());

        Assert.Null(MessageCardPayload.Validate(card));
        Assert.Equal("MessageCard", (string?)card["@type"]);
        Assert.Equal("Tageszusammenfassung 27.11.2026", (string?)card["summary"]);
        var facts = card["sections"]!.AsArray().SelectMany(s => s!["facts"]?.AsArray() ?? []).ToDictionary(f => (string)f!["name"]!, f => (string)f!["value"]!);
        Assert.Equal("52.000 (+12 zum Vortag)", facts["Follower"]);
        var action = card["potentialAction"]!.AsArray().Single()!;
        Assert.Equal("OpenUri", (string?)action["@type"]);
        Assert.Equal("https://listening.example.org/api/summaries/2026-11-27", (string?)action["targets"]![0]!["uri"]);
    }

    [Fact]
    public void Post_text_is_escaped_so_it_makes_no_link_or_markup()
    {
        var texts = MessageCardPayload.FromWorkflows(DigestPayload())["sections"]!.AsArray()
            .Select(section => (string?)section!["text"])
            .OfType<string>()
            .ToList();

        var post = Assert.Single(texts, t => t.Contains("Gewinnspiel", StringComparison.Ordinal));
        Assert.Contains(@"\[Gewinnspiel\]\(https://evil.example\) \*\*jetzt\*\* &lt;b&gt;", post, StringComparison.Ordinal);
        // The post's own permalink stays a link.
        Assert.Contains("(https://www.facebook.com/104857600000001/posts/1)", post, StringComparison.Ordinal);
    }

    [Fact]
    public void Validation_rejects_a_message_card_without_summary_or_text()
    {
        Assert.Equal("summary or text is required", MessageCardPayload.Validate(new JsonObject { ["@type"] = "MessageCard" }));
        Assert.NotNull(MessageCardPayload.Validate(new JsonObject { ["type"] = "message" }));
    }
}
