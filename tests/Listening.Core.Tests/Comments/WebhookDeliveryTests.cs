using System.Text;
using Listening.Core.Contracts;
using Listening.Core.Meta;
using static Listening.Core.Tests.Comments.WebhookPayloads;

namespace Listening.Core.Tests.Comments;

public sealed class WebhookDeliveryTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 7, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Comment_changes_become_events_without_the_author()
    {
        var body = Delivery(
        [
            Change("add", CommentId(1), "Wo gibt es Sandsäcke?"),
            Change("edited", CommentId(2), "Keller voll"),
            Change("remove", CommentId(3)),
            Change("hide", CommentId(4)),
            Change("unhide", CommentId(5)),
        ]);

        var parsed = WebhookDelivery.Parse(body, Now);

        Assert.Null(parsed.Error);
        Assert.Equal(0, parsed.Ignored);
        Assert.Equal([CommentVerb.Add, CommentVerb.Edited, CommentVerb.Remove, CommentVerb.Hide, CommentVerb.Unhide], parsed.Events.Select(e => e.Verb));
        var first = parsed.Events[0];
        Assert.Equal(PageId, first.PageId);
        Assert.Equal(PostId, first.PostId);
        Assert.Equal(CommentId(1), first.CommentId);
        Assert.True(first.IsTopLevel);
        Assert.False(first.ByPage);
        Assert.Equal("Wo gibt es Sandsäcke?", first.Message);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1796205600), first.CreatedTime);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1796205660), first.EventTime);
        var encoded = MessageCodec.Encode(new CommentBatch { Source = CommentSources.Webhook, ReceivedAt = Now, Events = parsed.Events });
        Assert.DoesNotContain(AuthorName, encoded, StringComparison.Ordinal);
        Assert.DoesNotContain(AuthorId, encoded, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reply_of_the_page_is_marked_as_by_the_page()
    {
        var parsed = WebhookDelivery.Parse(Delivery([Change("add", CommentId(9), "Sandsäcke gibt es am Bauhof.", parentId: CommentId(1), fromId: PageId)]), Now);

        var reply = Assert.Single(parsed.Events);
        Assert.True(reply.ByPage);
        Assert.False(reply.IsTopLevel);
        Assert.Equal(CommentId(1), reply.ParentId);
    }

    [Fact]
    public void Other_items_fields_and_verbs_are_counted_and_ignored()
    {
        var other = Change("add", "1_2", item: "reaction");
        var like = Change("add", "1_3", item: "like");
        var status = Change("add", "1_4", item: "status");
        var block = Change("block", "1_5");
        var noId = Change("add", "1_6");
        noId["value"]!.AsObject().Remove("comment_id");
        var mention = new System.Text.Json.Nodes.JsonObject { ["field"] = "mention", ["value"] = new System.Text.Json.Nodes.JsonObject { ["item"] = "comment" } };

        var parsed = WebhookDelivery.Parse(Delivery([other, like, status, block, noId, mention, Change("add", CommentId(1), "Danke!")]), Now);

        Assert.Equal(6, parsed.Ignored);
        Assert.Single(parsed.Events);
    }

    [Fact]
    public void Odd_entries_and_changes_inside_a_valid_delivery_are_counted_and_skipped_and_the_good_ones_kept()
    {
        var good = Change("add", CommentId(1), "Wo gibt es Sandsäcke?").ToJsonString();
        var odd = Change("add", CommentId(2)).ToJsonString()
            .Replace("\"created_time\":1796205600", "\"created_time\":\"gestern\",\"message\":{\"text\":\"Idiot\"}", StringComparison.Ordinal);
        var body = "{\"object\":\"page\",\"entry\":[null,42,"
            + "{\"id\":\"" + PageId + "\",\"time\":1796205660,\"changes\":[null,42,\"x\",[],{\"field\":\"feed\",\"value\":\"text\"},"
            + "{\"field\":\"feed\",\"value\":{\"item\":\"comment\",\"verb\":\"add\",\"comment_id\":{\"a\":1},\"post_id\":\"" + PostId + "\"}}," + odd + "," + good + "]},"
            + "{\"id\":\"" + PageId + "\",\"changes\":\"none\"},{\"time\":1,\"changes\":[" + good + "]}]}";

        var parsed = WebhookDelivery.Parse(Encoding.UTF8.GetBytes(body), Now);

        Assert.Null(parsed.Error);
        Assert.Equal([CommentId(2), CommentId(1)], parsed.Events.Select(e => e.CommentId));
        Assert.Null(parsed.Events[0].Message); // a message that is no text is no text to triage
        Assert.Null(parsed.Events[0].CreatedTime);
        Assert.Equal(10, parsed.Ignored); // 2 odd entries, 6 odd changes, an entry without changes, one without a Page id
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("\"page\"")]
    public void A_body_that_is_no_json_object_is_invalid(string body)
    {
        Assert.NotNull(WebhookDelivery.Parse(Encoding.UTF8.GetBytes(body), Now).Error);
    }

    [Fact]
    public void Another_object_than_page_gives_no_events()
    {
        var parsed = WebhookDelivery.Parse("""{"object":"instagram","entry":[{"id":"1","time":1,"changes":[{"field":"comments","value":{}}]}]}"""u8, Now);

        Assert.Null(parsed.Error);
        Assert.Empty(parsed.Events);
        Assert.Equal(1, parsed.Ignored);
    }

    [Fact]
    public void A_long_comment_is_cut_for_triage()
    {
        var parsed = WebhookDelivery.Parse(Delivery([Change("add", CommentId(1), new string('x', 9000))]), Now);

        Assert.Equal(MessageSchema.MaxCommentLength, parsed.Events[0].Message!.Length);
    }
}
