using System.Text.Json;
using Listening.Core.Contracts;
using Listening.Core.Meta;

namespace Listening.Core.Tests.Insights;

/// <summary>A post's format from Meta's <c>attachments</c>, including odd payloads that must not fail the post.</summary>
public sealed class PostAttachmentsTests
{
    [Theory]
    [InlineData("""{"id":"1"}""", null, PostFormats.Text)]
    [InlineData("""{"attachments":{"data":[]}}""", null, PostFormats.Text)]
    [InlineData("""{"attachments":{"data":[{"media_type":"photo","type":"photo"}]}}""", null, PostFormats.Photo)]
    [InlineData("""{"attachments":{"data":[{"media_type":"album","type":"album"}]}}""", null, PostFormats.Photo)]
    [InlineData("""{"attachments":{"data":[{"media_type":"video","type":"video_inline"}]}}""", null, PostFormats.Video)]
    [InlineData("""{"attachments":{"data":[{"media_type":"video","type":"video_inline"}]}}""", "https://www.facebook.com/reel/123", PostFormats.Reel)]
    [InlineData("""{"attachments":{"data":[{"media_type":"video","type":"video_reel"}]}}""", null, PostFormats.Reel)]
    [InlineData("""{"attachments":{"data":[{"media_type":"link","type":"share"}]}}""", null, PostFormats.Link)]
    [InlineData("""{"attachments":{"data":[{"type":"share"}]}}""", null, PostFormats.Link)]
    [InlineData("""{"attachments":{"data":[{"media_type":"event","type":"event"}]}}""", null, PostFormats.Event)]
    [InlineData("""{"attachments":"photo"}""", null, PostFormats.Text)]
    [InlineData("""{"attachments":{"data":[42]}}""", null, PostFormats.Text)]
    [InlineData("""{"attachments":{"data":[{"media_type":17,"type":null}]}}""", null, PostFormats.Text)]
    public void The_first_attachment_names_the_format(string json, string? permalink, string format)
    {
        using var post = JsonDocument.Parse(json);

        Assert.Equal(format, PostAttachments.FormatOf(post.RootElement, permalink));
    }

    [Fact]
    public void The_posts_request_asks_for_the_attachments_in_the_same_call()
    {
        Assert.Contains(PostAttachments.Field, GraphRequests.PostFields, StringComparison.Ordinal);
    }

    [Fact]
    public void A_format_from_a_message_is_kept_only_when_it_is_one_we_know()
    {
        Assert.Equal(PostFormats.Reel, PostFormats.Known("reel"));
        Assert.Null(PostFormats.Known("<script>"));
        Assert.Null(PostFormats.Known("Reel"));
    }
}
