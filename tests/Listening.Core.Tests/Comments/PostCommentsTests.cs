using System.Text.Json;
using Listening.Core.Contracts;
using Listening.Core.Meta;
using Microsoft.Extensions.Logging.Abstractions;

namespace Listening.Core.Tests.Comments;

/// <summary>The comments of a post as the pull reads them: add events of the capture time, the Page's replies told apart, nothing else of the author.</summary>
public sealed class PostCommentsTests
{
    private const string PageId = "104857600000001";
    private const string PostId = PageId + "_9";
    private static readonly DateTimeOffset Captured = new(2026, 12, 2, 11, 0, 0, TimeSpan.Zero);

    private static (List<CommentEvent> Events, string? Next, CaptureFindings Findings) Read(string json, DateTimeOffset since)
    {
        var findings = new CaptureFindings(PageId, NullLogger.Instance);
        using var document = JsonDocument.Parse(json);
        var (events, next) = PostComments.Read(document.RootElement, PageId, PostId, since, Captured, findings);
        return (events, next, findings);
    }

    [Fact]
    public void Comments_become_add_events_of_the_capture_time_and_the_pages_replies_are_marked()
    {
        var (events, next, _) = Read("""
            {"data":[
              {"id":"9_3","created_time":"2026-12-02T10:50:00+0000","message":"Danke!","from":{"id":"104857600000001","name":"Kreis"},"parent":{"id":"9_1"}},
              {"id":"9_1","created_time":"2026-12-02T10:40:00+0000","message":"Wo gibt es Sandsäcke?","from":{"id":"7000000000000042","name":"Erika Mustermann"}}
            ],"paging":{"next":"https://graph.facebook.com/v24.0/9/comments?after=x"}}
            """, Captured.AddHours(-1));

        Assert.Equal(2, events.Count);
        Assert.True(events[0].ByPage);
        Assert.Equal("9_1", events[0].ParentId);
        Assert.False(events[1].ByPage);
        Assert.True(events[1].IsTopLevel);
        Assert.Equal(PostId, events[1].ParentId);
        Assert.All(events, e => Assert.Equal(CommentVerb.Add, e.Verb));
        Assert.All(events, e => Assert.Equal(Captured, e.EventTime));
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 10, 40, 0, TimeSpan.Zero), events[1].CreatedTime);
        Assert.NotNull(next);
        var encoded = MessageCodec.Encode(new CommentBatch { Source = CommentSources.Pull, ReceivedAt = Captured, Events = events });
        Assert.DoesNotContain("Erika", encoded, StringComparison.Ordinal);
        Assert.DoesNotContain("7000000000000042", encoded, StringComparison.Ordinal);
    }

    [Fact]
    public void A_comment_created_past_the_allowed_clock_skew_is_skipped_alone_and_the_rest_makes_a_message_the_queue_takes()
    {
        // Before: accepted up to a day ahead, while the queue handler refuses anything 10 minutes ahead of its clock,
        // so one such comment parked the whole pull message (its texts stripped) with every comment beside it.
        var (events, _, findings) = Read("""
            {"data":[
              {"id":"9_3","created_time":"2026-12-02T13:00:00+0000","message":"aus der Zukunft"},
              {"id":"9_2","created_time":"2026-12-02T11:09:00+0000","message":"gerade eben"},
              {"id":"9_1","created_time":"2026-12-02T10:50:00+0000","message":"Wo gibt es Sandsäcke?"}
            ]}
            """, Captured.AddHours(-1));

        Assert.Equal(["9_2", "9_1"], events.Select(e => e.CommentId));
        Assert.Equal("created_time", Assert.Single(findings.Skipped).Field);
        var message = MessageCodec.Encode(new CommentBatch { Source = CommentSources.Pull, ReceivedAt = Captured, Events = events });
        Assert.Equal(2, MessageCodec.DecodeComments(message, Captured).Events.Count);
    }

    [Fact]
    public void Comments_older_than_since_end_the_paging()
    {
        var (events, next, _) = Read("""
            {"data":[
              {"id":"9_2","created_time":"2026-12-02T10:50:00+0000","message":"neu"},
              {"id":"9_1","created_time":"2026-12-02T09:00:00+0000","message":"alt"}
            ],"paging":{"next":"https://graph.facebook.com/v24.0/9/comments?after=x"}}
            """, Captured.AddHours(-1));

        Assert.Equal(["9_2"], events.Select(e => e.CommentId));
        Assert.Null(next);
    }

    [Theory]
    [InlineData("""{"data":[{"id":"9/1","created_time":"2026-12-02T10:50:00+0000"}]}""")]
    [InlineData("""{"data":[{"id":"9_1","created_time":"yesterday"}]}""")]
    [InlineData("""{"data":[{"created_time":"2026-12-02T10:50:00+0000"}]}""")]
    [InlineData("""{"data":[42]}""")]
    public void A_malformed_comment_is_skipped_and_reported(string json)
    {
        var (events, _, findings) = Read(json, Captured.AddHours(-1));

        Assert.Empty(events);
        Assert.Single(findings.Skipped);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""{"data":"none"}""")]
    [InlineData("null")]
    public void An_edge_of_another_shape_gives_nothing(string json)
    {
        var (events, next, _) = Read(json, Captured.AddHours(-1));

        Assert.Empty(events);
        Assert.Null(next);
    }

    [Fact]
    public void The_expansion_asks_every_comment_since_newest_first_with_the_authors_id_only()
    {
        var field = GraphRequests.NewComments(Captured.AddHours(-1));

        Assert.Equal("comments.filter(stream).order(reverse_chronological).since(1796205600).limit(100).as(new_comments){id,created_time,message,from{id},parent{id}}", field);
    }
}
