using System.Text.Json;
using Listening.Core.Contracts;

namespace Listening.Core.Meta;

/// <summary>
/// What a post's <c>attachments</c> (Graph "StoryAttachment": <c>media_type</c>, <c>type</c>, <c>target{id}</c>,
/// <c>subattachments</c>) say about its format and its images. Meta leaves the field out for a post without
/// attachment: that post is text. An odd value (not an object, an unknown media type) never fails the post; it only
/// makes the format less specific or the image count smaller.
/// </summary>
internal static class PostAttachments
{
    /// <summary>The Graph field expansion the posts request asks for, read in the same call as the counters.</summary>
    public const string Field = "attachments{media_type,type,target{id},subattachments.limit(100){media_type,type,target{id}}}";

    public static string FormatOf(JsonElement post, string? permalink)
    {
        if (First(post) is not { } first)
        {
            return PostFormats.Text;
        }

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

    /// <summary>
    /// The photos of the post's attachments, album photos included, by their ids (<c>target.id</c>; an empty id when
    /// Meta sent none), and whether a video is among them. A photo without id can never be matched to its
    /// alternative text: it counts as an image whose text Meta did not tell.
    /// </summary>
    public static (List<string> PhotoIds, bool HasVideo) MediaOf(JsonElement post)
    {
        var photos = new List<string>();
        var video = false;
        foreach (var attachment in Items(post))
        {
            var mediaType = Text(attachment, "media_type");
            var children = attachment.TryGetProperty("subattachments", out var sub) ? Items(sub, directly: true).ToList() : [];
            if (children.Count > 0)
            {
                foreach (var child in children)
                {
                    Collect(child, photos, ref video);
                }
            }
            else if (mediaType != "album")
            {
                Collect(attachment, photos, ref video);
            }
        }

        return (photos, video);
    }

    private static void Collect(JsonElement attachment, List<string> photos, ref bool video)
    {
        switch (Text(attachment, "media_type"))
        {
            case "photo":
                photos.Add(attachment.TryGetProperty("target", out var target) && target.ValueKind == JsonValueKind.Object
                    && target.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString()! : "");
                break;
            case "video":
                video = true;
                break;
        }
    }

    private static JsonElement? First(JsonElement post) => Items(post).Select(a => (JsonElement?)a).FirstOrDefault();

    private static IEnumerable<JsonElement> Items(JsonElement holder, bool directly = false)
    {
        var edge = holder;
        if (!directly && (!holder.TryGetProperty("attachments", out edge)))
        {
            yield break;
        }

        if (edge.ValueKind != JsonValueKind.Object || !edge.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }

        foreach (var item in data.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object)
            {
                yield return item;
            }
        }
    }

    private static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!.ToLowerInvariant()
            : "";
}
