using System.Text.Json;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Insights;
using Listening.Core.Meta;
using Listening.Core.Notifications;
using Listening.Core.Storage;
using Listening.Core.Summaries;
using Listening.Core.Tests.Summaries;
using Microsoft.Extensions.Options;

namespace Listening.Core.Tests.Insights;

/// <summary>Images without a written alternative text: counted from the attachments, stored per post, shown on the day page, in the digest and per month.</summary>
public sealed class PostAccessibilityTests
{
    private static readonly PostAccessibility OneOfThree = new() { Images = 3, ImagesWithAltText = 1 };

    [Fact]
    public void Album_photos_count_one_by_one_and_a_video_is_noticed()
    {
        using var post = JsonDocument.Parse("""
            {"attachments":{"data":[
              {"media_type":"album","type":"album","subattachments":{"data":[
                {"media_type":"photo","target":{"id":"a1"}},{"media_type":"photo","target":{"id":"a2"}},{"media_type":"video","target":{"id":"v"}},"odd"]}}]}}
            """);

        var (photos, video) = PostAttachments.MediaOf(post.RootElement);

        Assert.Equal(["a1", "a2"], photos);
        Assert.True(video);
    }

    [Fact]
    public void Alternative_texts_are_counted_only_when_every_photo_of_the_post_is_in_the_answer()
    {
        var post = new PostObservation
        {
            Id = "1", CreatedTime = DateTimeOffset.UnixEpoch, Reactions = ReactionCounts.Zero,
            Accessibility = new PostAccessibility { Images = 2 }, PhotoIds = ["x", "y"],
        };

        Assert.Equal(1, PhotoAltTexts.Apply(post, new() { ["x"] = true, ["y"] = false }).Accessibility!.ImagesWithAltText);
        Assert.Null(PhotoAltTexts.Apply(post, new() { ["x"] = true }).Accessibility!.ImagesWithAltText);
        Assert.Null(PhotoAltTexts.Apply(post, null).Accessibility!.ImagesWithAltText);
    }

    [Fact]
    public void The_json_of_a_post_has_exactly_the_three_fields_and_null_without_images()
    {
        var with = JsonSerializer.Serialize(SampleSummary.Post() with { Accessibility = OneOfThree }, SummaryJsonContext.Default.PostDaySummary);
        var without = JsonSerializer.Serialize(SampleSummary.Post(), SummaryJsonContext.Default.PostDaySummary);

        Assert.Contains("\"accessibility\": {\n    \"images\": 3,\n    \"imagesWithAltText\": 1,\n    \"videoCaptions\": null\n  }", with.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("\"accessibility\": null", without, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stored_row_keeps_the_counts_and_never_more_alt_texts_than_images()
    {
        var observation = new PostObservation
        {
            Id = "1", CreatedTime = DateTimeOffset.UnixEpoch, Reactions = ReactionCounts.Zero,
            Accessibility = new PostAccessibility { Images = 2, ImagesWithAltText = 9 },
        };

        var row = PostDayEntity.From("page", new DateOnly(2026, 11, 27), DateTimeOffset.UnixEpoch, observation, [], false);
        var none = PostDayEntity.From("page", new DateOnly(2026, 11, 27), DateTimeOffset.UnixEpoch, observation with { Accessibility = null }, [], false);

        Assert.Equal(new PostAccessibility { Images = 2, ImagesWithAltText = 2 }, row.Accessibility);
        Assert.Null(none.Accessibility);
    }

    [Fact]
    public void The_day_page_lists_new_posts_with_an_image_without_alternative_text()
    {
        var lacking = SampleSummary.Post(excerpt: "Blühwiese", id: "p_1") with { Accessibility = OneOfThree };
        var old = SampleSummary.Post(excerpt: "Alter Beitrag", id: "p_2", isNew: false) with { Accessibility = OneOfThree };
        var fine = SampleSummary.Post(excerpt: "Alles beschrieben", id: "p_3") with { Accessibility = new PostAccessibility { Images = 1, ImagesWithAltText = 1 } };

        var html = SummaryHtmlRenderer.Render(SampleSummary.Create(false, SampleSummary.Page(posts: [lacking, old, fine])));

        Assert.Contains("Bild ohne Alternativtext: ", html, StringComparison.Ordinal);
        Assert.Contains("„Blühwiese“ – 2 von 3 Bildern haben keinen", html, StringComparison.Ordinal);
        Assert.Single(html.Split("<li>Bild ohne Alternativtext").Skip(1));
        Assert.DoesNotContain("Barrierefreiheit", SummaryHtmlRenderer.Render(SampleSummary.Create(false, SampleSummary.Page(posts: [fine]))), StringComparison.Ordinal);
    }

    [Fact]
    public void The_digest_says_how_many_new_posts_lack_it_only_when_it_is_known()
    {
        var builder = new DigestCardBuilder(Options.Create(new ListeningOptions { Pages = [new PageOptions { Id = "104857600000001", AccessToken = "t" }] }));
        var known = SampleSummary.Create(false, SampleSummary.Page(posts: [SampleSummary.Post() with { Accessibility = OneOfThree }]));
        var unknown = SampleSummary.Create(false, SampleSummary.Page(posts: [SampleSummary.Post() with { Accessibility = new PostAccessibility { Images = 1 } }]));

        var card = builder.Build(new DigestContent(SampleSummary.Day, known)).ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        var without = builder.Build(new DigestContent(SampleSummary.Day, unknown)).ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

        Assert.Contains("{\"title\":\"Neue Beiträge mit Bild ohne Alternativtext\",\"value\":\"1\"}", card, StringComparison.Ordinal);
        Assert.DoesNotContain("Alternativtext", without, StringComparison.Ordinal);
    }

    [Fact]
    public void The_insights_report_gives_the_share_per_month_of_creation()
    {
        var calendar = new LocalCalendar("Europe/Berlin");
        var rows = new ObservationRows();
        void Add(string id, DateOnly day, PostAccessibility? accessibility)
        {
            var created = calendar.StartOf(day).AddHours(10);
            rows.Posts.Add(PostDayEntity.From("page", day, created.AddHours(1),
                new PostObservation { Id = id, CreatedTime = created, Reactions = ReactionCounts.Zero, Accessibility = accessibility }, [], false));
        }

        Add("a", new DateOnly(2026, 10, 30), OneOfThree);
        Add("b", new DateOnly(2026, 11, 2), new PostAccessibility { Images = 1, ImagesWithAltText = 1 });
        Add("c", new DateOnly(2026, 11, 3), new PostAccessibility { Images = 1, ImagesWithAltText = 0 });
        Add("d", new DateOnly(2026, 11, 4), new PostAccessibility { Images = 4 }); // not told: left out
        Add("e", new DateOnly(2026, 11, 5), null);

        var months = InsightsBuilder.Build("page", "Kreis", rows, new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 30), calendar, 3).Accessibility;

        Assert.Equal(["2026-10", "2026-11"], months.Select(m => m.Month));
        Assert.Equal((1, 3, 1, 0.3333, 1), (months[0].Posts, months[0].Images, months[0].ImagesWithAltText, months[0].Share, months[0].PostsLackingAltText));
        Assert.Equal((2, 2, 1, 0.5, 1), (months[1].Posts, months[1].Images, months[1].ImagesWithAltText, months[1].Share, months[1].PostsLackingAltText));
    }
}
