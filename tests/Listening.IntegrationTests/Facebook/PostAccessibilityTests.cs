using System.Text.Json.Nodes;
using Listening.Core.Meta;
using Listening.IntegrationTests.Infrastructure;

namespace Listening.IntegrationTests.Facebook;

/// <summary>
/// The accessibility of the Page's own posts against the fake Graph API: images counted from the attachments (album
/// photos included), written alternative texts from one <c>/photos</c> call in the same batch, never a call per post.
/// </summary>
public sealed class PostAccessibilityTests
{
    [Fact]
    public async Task Images_and_their_written_alternative_texts_come_with_the_posts_in_one_batch()
    {
        await using var s = await GraphScenario.StartAsync();
        s.AddPost(1, TimeSpan.FromHours(2)).Malform = Attach(Photo("p1"));
        s.AddPost(2, TimeSpan.FromHours(3)).Malform = Attach(Album(Photo("a1"), Photo("a2"), Photo("a3")));
        s.AddPost(3, TimeSpan.FromHours(4)).Malform = Attach(new JsonObject { ["media_type"] = "video", ["type"] = "video_inline", ["target"] = new JsonObject { ["id"] = "v1" } });
        s.AddPost(4, TimeSpan.FromHours(5));
        s.Graph.Photos["p1"] = "Landrätin überreicht Urkunden an zwölf Azubis";
        s.Graph.Photos["a1"] = "Blühwiese am Kreishaus";
        s.Graph.Photos["a2"] = null; // only Meta's generated alt_text: does not count
        s.Graph.Photos["a3"] = "   ";

        var capture = await s.CaptureAsync(new PullPlan());

        // One photos call beside the posts, in the first batch; never a call per post or per photo.
        var photos = Assert.Single(s.Graph.Calls, c => c.Contains("alt_text", StringComparison.Ordinal));
        Assert.Contains("/photos?type=uploaded", photos, StringComparison.Ordinal);
        Assert.Contains("fields=id,alt_text_custom", photos, StringComparison.Ordinal);
        Assert.Equal(capture.HttpRequests + 2, capture.GraphCalls); // the first batch: Page fields, posts, photos; then one posts page per request
        var byId = capture.Posts.ToDictionary(p => p.Id[(p.Id.IndexOf('_', StringComparison.Ordinal) + 1)..]);
        Assert.Equal((1, (int?)1, (bool?)null), (byId["1"].Accessibility!.Images, byId["1"].Accessibility!.ImagesWithAltText, byId["1"].Accessibility!.VideoCaptions));
        Assert.Equal((3, (int?)1), (byId["2"].Accessibility!.Images, byId["2"].Accessibility!.ImagesWithAltText));
        Assert.Equal((0, (int?)null, (bool?)null), (byId["3"].Accessibility!.Images, byId["3"].Accessibility!.ImagesWithAltText, byId["3"].Accessibility!.VideoCaptions));
        Assert.Null(byId["4"].Accessibility);
        Assert.Equal("text", byId["4"].Format);
        Assert.Equal("photo", byId["2"].Format);
    }

    [Fact]
    public async Task A_failed_photos_call_leaves_the_alternative_texts_unknown_and_the_pull_goes_on()
    {
        await using var s = await GraphScenario.StartAsync();
        s.AddPost(1, TimeSpan.FromHours(2), like: 7).Malform = Attach(Photo("p1"));
        s.Graph.CallFaults.Enqueue(("/photos", FakeGraphApi.GraphError(400, 10, null, "(#10) Application does not have permission for this action")));

        var capture = await s.CaptureAsync(new PullPlan());

        var post = Assert.Single(capture.Posts);
        Assert.Equal(7, post.Reactions.Like);
        Assert.Equal(1, post.Accessibility!.Images);
        Assert.Null(post.Accessibility.ImagesWithAltText);
    }

    [Fact]
    public async Task A_photo_missing_from_the_answer_or_without_id_is_not_guessed()
    {
        await using var s = await GraphScenario.StartAsync();
        s.AddPost(1, TimeSpan.FromHours(2)).Malform = Attach(Album(Photo("known"), Photo("older")));
        s.AddPost(2, TimeSpan.FromHours(3)).Malform = Attach(new JsonObject { ["media_type"] = "photo", ["type"] = "photo" });
        s.Graph.Photos["known"] = "Text";

        var capture = await s.CaptureAsync(new PullPlan());

        Assert.All(capture.Posts, p => Assert.Null(p.Accessibility!.ImagesWithAltText));
        Assert.Equal([2, 1], capture.Posts.OrderBy(p => p.Id, StringComparer.Ordinal).Select(p => p.Accessibility!.Images));
    }

    [Fact]
    public async Task A_backfill_does_not_ask_for_the_photos()
    {
        await using var s = await GraphScenario.StartAsync();
        s.AddPost(1, TimeSpan.FromHours(2)).Malform = Attach(Photo("p1"));

        await s.CaptureAsync(new PullPlan { Backfill = true, PageFields = false });

        Assert.DoesNotContain(s.Graph.Calls, c => c.Contains("/photos", StringComparison.Ordinal));
    }

    private static JsonObject Photo(string id) => new() { ["media_type"] = "photo", ["type"] = "photo", ["target"] = new JsonObject { ["id"] = id } };

    private static JsonObject Album(params JsonObject[] photos) => new()
    {
        ["media_type"] = "album",
        ["type"] = "album",
        ["subattachments"] = new JsonObject { ["data"] = new JsonArray(photos) },
    };

    private static Action<JsonObject> Attach(JsonObject attachment) => json => json["attachments"] = new JsonObject { ["data"] = new JsonArray(attachment.DeepClone()) };
}
