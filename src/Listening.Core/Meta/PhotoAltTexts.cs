using System.Text.Json;
using Listening.Core.Contracts;

namespace Listening.Core.Meta;

/// <summary>
/// The answer of <see cref="GraphRequests.PhotoAltTexts"/> (the Page's recent photos with <c>alt_text_custom</c>)
/// matched to the posts' photos. Only a written text counts: Meta's generated <c>alt_text</c> is never asked for. A
/// photo that is not in the answer (older than the window, beyond its first 100 photos) leaves the post's count
/// unknown rather than guessed.
/// </summary>
internal static class PhotoAltTexts
{
    /// <summary>Photo id → whether it has a written alternative text; null when the call failed or the answer is odd.</summary>
    public static Dictionary<string, bool>? Parse(GraphResult result)
    {
        if (!result.Ok || result.Body.ValueKind != JsonValueKind.Object
            || !result.Body.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var photos = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var photo in data.EnumerateArray())
        {
            if (photo.ValueKind == JsonValueKind.Object && photo.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                && id.GetString() is { Length: > 0 } photoId)
            {
                photos[photoId] = photo.TryGetProperty("alt_text_custom", out var text) && text.ValueKind == JsonValueKind.String
                    && !string.IsNullOrWhiteSpace(text.GetString());
            }
        }

        return photos;
    }

    /// <summary>The post with its images' alternative texts counted, when every one of its photos is in the answer.</summary>
    public static PostObservation Apply(PostObservation post, Dictionary<string, bool>? altTexts)
    {
        ArgumentNullException.ThrowIfNull(post);
        if (post.Accessibility is not { } accessibility || post.PhotoIds is not { Count: > 0 } ids || altTexts is null)
        {
            return post;
        }

        var known = ids.All(id => id.Length > 0 && altTexts.ContainsKey(id));
        return post with { Accessibility = accessibility with { ImagesWithAltText = known ? ids.Count(id => altTexts[id]) : null } };
    }
}
