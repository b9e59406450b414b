using System.Text.Json;
using Listening.Core.Contracts;

namespace Listening.Core.Meta;

/// <summary>
/// What a post's <c>attachments</c> (Graph "StoryAttachment": <c>media_type</c>, <c>type</c>, <c>subattachments</c>)
/// say about its format. Meta leaves the field out for a post without attachment: that post is text. An odd value
/// (not an object, an unknown media type) never fails the post; it only makes the format less specific.
/// </summary>
internal static class PostAttachments
{
    /// <summary>The Graph field expansion the posts request asks for, read in the same call as the counters.</summary>
    public const string Field = "attachments{media_type,type}";

    public static string FormatOf(JsonElement post, string? permalink)
    {
        if (!post.TryGetProperty("attachments", out var attachments) || attachments.ValueKind != JsonValueKind.Object
            || !attachments.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array || data.GetArrayLength() == 0
            || data[0].ValueKind != JsonValueKind.Object)
        {
            return PostFormats.Text;
        }

        var first = data[0];
        var mediaType = Text(first, "media_type");
        var type = Text(first, "type");
        if (mediaType == "event" || type == "event")
        {
            return PostFormats.Event;
        }

        // Meta marks a Reel in the attachment's type (e.g. "video_reel"/"reel") or only in its permalink (/reel/).
        var reel = type.Contains("reel", StringComparison.Ordinal)
            || (permalink?.Contains("/reel/", StringComparison.OrdinalIgnoreCase) ?? false);
        return mediaType switch
        {
            "video" when reel => PostFormats.Reel,
            "video" => PostFormats.Video,
            "photo" or "album" => PostFormats.Photo,
            "link" => PostFormats.Link,
            _ when reel => PostFormats.Reel,
            _ when type.StartsWith("video", StringComparison.Ordinal) => PostFormats.Video,
            _ when type is "photo" or "album" or "cover_photo" or "profile_media" => PostFormats.Photo,
            _ when type is "share" or "link" => PostFormats.Link,
            _ => PostFormats.Text,
        };
    }

    private static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!.ToLowerInvariant()
            : "";
}
