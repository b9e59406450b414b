using System.Text.Json.Nodes;
using Listening.Core.Contracts;
using Listening.Core.Ingestion;
using Listening.Core.Pipeline.Health;
using Listening.Core.Storage;
using Listening.Functions;
using Listening.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Listening.IntegrationTests.Facebook;

/// <summary>
/// The Instagram account linked to the Page (issue 14), from the fake Graph API's Instagram endpoints through the
/// functions and Azurite to the summary JSON: found and read in the same cycle within two HTTP requests, a metric one
/// media type rejects dropped and remembered while the rest flows, a story kept with its last values after it
/// vanished, an account unlinked from the Page noted in health while Facebook flows on, and Instagram off.
/// </summary>
public sealed class InstagramPipelineTests
{
    private static readonly DateTimeOffset Now = GraphScenario.Winter;

    private static async Task CycleAsync(GraphScenario s)
    {
        await s.App.Get<SchedulePulls>().Run(new TimerInfo(), CancellationToken.None);
        Assert.Equal(1, await s.App.DeliverAsync(s.App.Options.Queues.Pulls, m => s.App.Get<PullPage>().Run(m, CancellationToken.None)));
        await s.App.DeliverAsync(s.App.Options.Queues.Snapshots, m => s.App.Get<AggregateSnapshot>().Run(m, CancellationToken.None));
    }

    private static async Task<JsonNode> PageSummaryAsync(GraphScenario s, string date)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?format=json");
        var result = await s.App.Get<GetDailySummary>().Run(context.Request, date, CancellationToken.None);
        var file = Assert.IsType<FileContentResult>(result);
        return JsonNode.Parse(file.FileContents)!["pages"]![0]!;
    }

    private static FakeMedia AddMedia(FakeInstagramAccount account, string id, TimeSpan age, string productType = "FEED", string mediaType = "IMAGE")
    {
        var media = new FakeMedia
        {
            Id = id,
            Timestamp = Now - age,
            Caption = $"Ausbildung beim Kreis: Folge {id} #ausbildung",
            ProductType = productType,
            MediaType = mediaType,
        };
        account.Media.Add(media);
        return media;
    }

    private static JsonNode Media(JsonNode instagram, string id) =>
        instagram["media"]!.AsArray().Single(m => m!["id"]!.GetValue<string>() == id)!;

    [Fact]
    public async Task A_linked_account_with_100_posts_and_100_media_is_read_in_two_HTTP_requests_and_reaches_the_summary()
    {
        await using var s = await GraphScenario.StartAsync();
        s.Graph.PageSize = 100;
        for (var i = 1; i <= 100; i++)
        {
            s.AddPost(i, TimeSpan.FromMinutes(30 + i), like: i);
        }

        var account = new FakeInstagramAccount();
        s.Graph.Instagram = account;
        for (var i = 1; i <= 100; i++)
        {
            var m = AddMedia(account, $"1790000000000{i:D4}", TimeSpan.FromMinutes(20 + i), i % 2 == 0 ? "REELS" : "FEED", i % 2 == 0 ? "VIDEO" : "IMAGE");
            (m.Likes, m.Comments, m.Views, m.Reach, m.Saved, m.Shares) = (i, i % 5, 100 * i, 60 * i, i % 7, i % 3);
        }

        var story = AddMedia(account, "17900000000099999", TimeSpan.FromMinutes(5), "STORY", "IMAGE");
        (story.Views, story.Reach, story.Shares) = (300, 250, 4);

        var before = s.Graph.Requests.Count;
        await CycleAsync(s);
        var httpRequests = s.Graph.Requests.Count - before;

        // The Page's batch (fields, insights, posts, debug_token, the linked account) and the account's batch.
        Assert.Equal(2, httpRequests);
        var calls = s.Graph.Calls.ToList();
        Assert.Contains(calls, c => c.Contains("instagram_business_account", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.Contains(account.Id + "/media", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.Contains(account.Id + "/stories", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.Contains(account.Id + "/insights", StringComparison.Ordinal) && c.Contains("metric_type=total_value", StringComparison.Ordinal));

        var page = await PageSummaryAsync(s, "2026-11-27");
        var ig = page["instagram"]!;
        Assert.Equal(account.Id, ig["accountId"]!.GetValue<string>());
        Assert.Equal("kreis_soest", ig["username"]!.GetValue<string>());
        Assert.Equal(4_980, ig["followers"]!["end"]!.GetValue<long>());
        Assert.Null(ig["followers"]!["change"]);
        Assert.Equal(101, ig["media"]!.AsArray().Count);
        var reel = Media(ig, "17900000000000002");
        Assert.Equal("REELS", reel["productType"]!.GetValue<string>());
        Assert.Equal("VIDEO", reel["mediaType"]!.GetValue<string>());
        Assert.True(reel["new"]!.GetValue<bool>());
        Assert.Equal((2L, 2L, 200L, 120L, 2L, 2L), (reel["likes"]!.GetValue<long>(), reel["likesTotal"]!.GetValue<long>(), reel["viewsTotal"]!.GetValue<long>(), reel["reach"]!.GetValue<long>(), reel["savesTotal"]!.GetValue<long>(), reel["sharesTotal"]!.GetValue<long>()));
        Assert.StartsWith("Ausbildung beim Kreis", reel["excerpt"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("https://www.instagram.com/p/17900000000000002/", reel["permalink"]!.GetValue<string>());
        var storyJson = Media(ig, story.Id);
        Assert.Equal("STORY", storyJson["productType"]!.GetValue<string>());
        Assert.Null(storyJson["likesTotal"]); // Meta leaves like_count out of stories: unknown, not 0
        Assert.Null(storyJson["savesTotal"]); // stories have no saved metric
        Assert.Equal(300, storyJson["viewsTotal"]!.GetValue<long>());

        // Sums over the media listed: likes known for all feed items and reels but not for the story.
        Assert.Null(ig["likes"]);
        Assert.Equal(Enumerable.Range(1, 100).Sum(i => 60L * i) + 250, ig["reach"]!.GetValue<long>());
        Assert.Equal(Enumerable.Range(1, 100).Sum(i => 100L * i) + 300, ig["views"]!.GetValue<long>());
        Assert.Null(ig["metaDay"]); // Meta's day 2026-11-27 is not over yet

        // The next morning: Meta's day of the 27th is complete and shows in that day's instagram.metaDay; the
        // follower change against the day before, and the day's gains.
        s.App.Time.Advance(TimeSpan.FromDays(1));
        account.Followers = 5_010;
        account.Media.Single(m => m.Id == "17900000000000002").Views = 260;
        account.Media.Single(m => m.Id == "17900000000000002").Reach = 150;
        await CycleAsync(s);

        var day1 = (await PageSummaryAsync(s, "2026-11-27"))["instagram"]!;
        Assert.Equal("2026-11-27", day1["metaDay"]!["date"]!.GetValue<string>());
        Assert.Equal(s.Graph.InstagramInsightValue("views", new DateOnly(2026, 11, 27)), day1["metaDay"]!["metrics"]!["views"]!.GetValue<long>());
        Assert.Equal(s.Graph.InstagramInsightValue("reach", new DateOnly(2026, 11, 27)), day1["metaDay"]!["metrics"]!["reach"]!.GetValue<long>());
        var day2 = (await PageSummaryAsync(s, "2026-11-28"))["instagram"]!;
        Assert.Equal((5_010L, 30L), (day2["followers"]!["end"]!.GetValue<long>(), day2["followers"]!["change"]!.GetValue<long>()));

        // 4,980 to 5,010 Instagram followers: the 5,000 milestone of the day, beside the Page's own.
        var milestone = Assert.Single((await PageSummaryAsync(s, "2026-11-28"))["milestones"]!.AsArray(), m => m!["kind"]!.GetValue<string>() == "instagramFollowers")!;
        Assert.Equal(5_000, milestone["threshold"]!.GetValue<long>());
        Assert.True(await s.App.Get<IAlertHistory>().WasRaisedAsync("milestone:" + s.Page.Id + ":instagram-followers:5000", CancellationToken.None));
        var reel2 = Media(day2, "17900000000000002");
        Assert.False(reel2["new"]!.GetValue<bool>());
        Assert.Equal((60L, 260L, 0L), (reel2["views"]!.GetValue<long>(), reel2["viewsTotal"]!.GetValue<long>(), reel2["likes"]!.GetValue<long>()));
        Assert.Single(day2["media"]!.AsArray()); // only what gained anything

        // The day page shows Instagram beside Facebook, and so does the digest (German, the kind of each medium).
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?format=html");
        var html = System.Text.Encoding.UTF8.GetString(Assert.IsType<FileContentResult>(await s.App.Get<GetDailySummary>().Run(context.Request, "2026-11-27", CancellationToken.None)).FileContents);
        Assert.Contains("Instagram (@kreis_soest)", html, StringComparison.Ordinal);
        Assert.Contains("Follower (Instagram)", html, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">Reel</th>", html, StringComparison.Ordinal);
        var summary = (await s.App.Get<Listening.Core.Summaries.SummaryReader>().ReadDayAsync(new DateOnly(2026, 11, 28), null, CancellationToken.None))!.Summary;
        var card = s.App.Get<Listening.Core.Notifications.DigestCardBuilder>().Build(new DateOnly(2026, 11, 28), summary).ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Assert.Contains("Instagram (@kreis_soest): 5.010 Follower (+30 zum Vortag)", card, StringComparison.Ordinal);
        Assert.Contains("• Reel „Ausbildung beim Kreis", card, StringComparison.Ordinal);
        Assert.Contains(": 30 erreicht, 60 Aufrufe", card, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_metric_one_media_type_rejects_is_dropped_and_remembered_and_a_vanished_story_keeps_its_last_values()
    {
        await using var s = await GraphScenario.StartAsync();
        var account = new FakeInstagramAccount();
        s.Graph.Instagram = account;
        var reel = AddMedia(account, "17900000000000001", TimeSpan.FromHours(1), "REELS", "VIDEO");
        (reel.Views, reel.Reach, reel.Saved) = (900, 700, 12);
        var image = AddMedia(account, "17900000000000002", TimeSpan.FromHours(2));
        (image.Views, image.Reach, image.Saved) = (300, 200, 3);
        var story = AddMedia(account, "17900000000000003", TimeSpan.FromMinutes(30), "STORY");
        (story.Views, story.Reach) = (100, 80);

        // Meta stops serving shares for feed posts (only for them: "not supported for this media type") and
        // total_interactions for feed posts and reels alike: the media call fails as a whole with #100.
        (reel.Shares, image.Shares) = (40, 5);
        s.Graph.RejectedMediaMetrics["FEED"].Add("shares");
        s.Graph.RejectedMediaMetrics["FEED"].Add("total_interactions");
        s.Graph.RejectedMediaMetrics["REELS"].Add("total_interactions");
        await CycleAsync(s);

        var health = await s.App.Get<HealthReporter>().ReportAsync(CancellationToken.None);
        var rejected = health.Pages[0].RejectedMetrics;
        Assert.Contains("instagram-feed:shares", rejected); // for that type only
        Assert.DoesNotContain("instagram-media:shares", rejected);
        Assert.DoesNotContain("instagram-reels:shares", rejected);
        Assert.Contains("instagram-media:total_interactions", rejected); // every type on the page rejects it: all media
        Assert.DoesNotContain(rejected, m => m.StartsWith("instagram-story:", StringComparison.Ordinal));
        var ig = (await PageSummaryAsync(s, "2026-11-27"))["instagram"]!;
        Assert.Equal(700, Media(ig, reel.Id)["reachTotal"]!.GetValue<long>()); // the rest flows
        Assert.Equal(12, Media(ig, reel.Id)["savesTotal"]!.GetValue<long>());
        Assert.Equal(40, Media(ig, reel.Id)["sharesTotal"]!.GetValue<long>()); // the reel's shares flow
        Assert.Null(Media(ig, image.Id)["sharesTotal"]); // the feed post's are unknown, not 0
        Assert.Equal(3, Media(ig, image.Id)["savesTotal"]!.GetValue<long>());
        Assert.Equal(100, Media(ig, story.Id)["viewsTotal"]!.GetValue<long>());

        // An hour later the story has more views and the reel more shares; then the story is gone (24 hours over): its last values stay.
        s.Graph.Calls.Clear();
        var before = s.Graph.Requests.Count;
        s.App.Time.Advance(TimeSpan.FromHours(1));
        (story.Views, reel.Shares) = (180, 55);
        await CycleAsync(s);
        var mediaCall = Uri.UnescapeDataString(s.Graph.Calls.Single(c => c.Contains(account.Id + "/media", StringComparison.Ordinal)));
        Assert.DoesNotContain("total_interactions", mediaCall, StringComparison.Ordinal); // remembered: not asked again
        Assert.DoesNotContain("shares", mediaCall, StringComparison.Ordinal); // not in the call that holds feed posts ...
        var byId = Uri.UnescapeDataString(Assert.Single(s.Graph.Calls, c => c.Contains("?ids=", StringComparison.Ordinal)));
        Assert.Contains(reel.Id, byId, StringComparison.Ordinal); // ... but asked for the reels by id
        Assert.DoesNotContain(image.Id, byId, StringComparison.Ordinal);
        Assert.Contains("insights.metric(shares)", byId, StringComparison.Ordinal);
        Assert.Equal(3, s.Graph.Requests.Count - before); // the Page's batch, the account's batch, the reels' shares by id
        Assert.Contains("total_interactions", Uri.UnescapeDataString(s.Graph.Calls.Single(c => c.Contains(account.Id + "/stories", StringComparison.Ordinal))), StringComparison.Ordinal);
        Assert.Equal(55, Media((await PageSummaryAsync(s, "2026-11-27"))["instagram"]!, reel.Id)["sharesTotal"]!.GetValue<long>());

        s.App.Time.Advance(TimeSpan.FromHours(1));
        story.Expired = true;
        await CycleAsync(s);
        var after = (await PageSummaryAsync(s, "2026-11-27"))["instagram"]!;
        var kept = Media(after, story.Id);
        Assert.Equal((180L, 80L), (kept["viewsTotal"]!.GetValue<long>(), kept["reachTotal"]!.GetValue<long>()));
        Assert.Equal("STORY", kept["productType"]!.GetValue<string>());

        // Stored per account (its own partition) and media item and day.
        var rows = await TestApp.RowsAsync(s.App.Tables.Instagram);
        Assert.Contains(rows, r => r.PartitionKey == account.Id && r.RowKey == InstagramKeys.Media(new DateOnly(2026, 11, 27), story.Id));
        Assert.Contains(rows, r => r.PartitionKey == account.Id && r.RowKey == InstagramKeys.Account(new DateOnly(2026, 11, 27)));
    }

    [Fact]
    public async Task An_account_unlinked_from_the_Page_is_noted_in_health_and_the_Page_flows_on()
    {
        await using var s = await GraphScenario.StartAsync();
        var account = new FakeInstagramAccount();
        s.Graph.Instagram = account;
        AddMedia(account, "17900000000000001", TimeSpan.FromHours(1));
        var post = s.AddPost(1, TimeSpan.FromHours(2), like: 10);
        await CycleAsync(s);
        Assert.NotNull((await PageSummaryAsync(s, "2026-11-27"))["instagram"]);

        s.Graph.Instagram = null;
        s.App.Time.Advance(TimeSpan.FromDays(1));
        post.Like = 25;
        var outcome = await s.PullAsync();
        Assert.Equal(PullStatus.Pulled, outcome.Status);
        await s.App.DeliverAsync(s.App.Options.Queues.Snapshots, m => s.App.Get<AggregateSnapshot>().Run(m, CancellationToken.None));

        var health = await s.App.Get<HealthReporter>().ReportAsync(CancellationToken.None);
        var page = health.Pages[0];
        Assert.True(page.InstagramUnlinked);
        Assert.Contains(account.Id, page.Instagram, StringComparison.Ordinal);
        Assert.Contains(health.Warnings, w => w.Contains("no longer linked", StringComparison.Ordinal));

        var day2 = await PageSummaryAsync(s, "2026-11-28");
        Assert.Null(day2["instagram"]);
        Assert.Equal(15, day2["posts"]![0]!["reactions"]!["like"]!.GetValue<long>()); // Facebook flows on
        Assert.NotNull((await PageSummaryAsync(s, "2026-11-27"))["instagram"]); // the day it was linked keeps it

        // listening sync (the backfill) succeeds for the Page, the account gone or not.
        using var output = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        using var error = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        var exit = await s.WithClockRunningAsync(() => Listening.Cli.BackfillCommand.RunAsync(s.App.Services, new DateOnly(2026, 11, 20), null, output, error, CancellationToken.None));
        Assert.Equal(0, exit);
        Assert.Equal("", error.ToString());
        Assert.True((await s.App.Get<HealthReporter>().ReportAsync(CancellationToken.None)).Pages[0].InstagramUnlinked);
    }

    [Fact]
    public async Task A_token_without_the_Instagram_permissions_leaves_Instagram_noted_while_Facebook_flows_and_check_names_the_permission()
    {
        await using var s = await GraphScenario.StartAsync();
        var account = new FakeInstagramAccount();
        s.Graph.Instagram = account;
        s.Graph.EnforceInstagramScopes = true;
        var reel = AddMedia(account, "17900000000000001", TimeSpan.FromHours(1), "REELS", "VIDEO");
        reel.Reach = 900;
        s.AddPost(1, TimeSpan.FromHours(2), like: 10);

        // Neither instagram_basic nor instagram_manage_insights: Meta refuses the linked account with (#10).
        await CycleAsync(s);
        var page = await PageSummaryAsync(s, "2026-11-27");
        Assert.Equal(10, page["posts"]![0]!["reactionsTotal"]!["like"]!.GetValue<long>()); // Facebook flows
        Assert.Null(page["instagram"]);
        var health = (await s.App.Get<HealthReporter>().ReportAsync(CancellationToken.None)).Pages[0];
        Assert.StartsWith("Instagram not read: ", health.Instagram, StringComparison.Ordinal);
        Assert.Contains("code 10", health.Instagram, StringComparison.Ordinal);
        Assert.Contains("needs instagram_basic and instagram_manage_insights", health.Instagram, StringComparison.Ordinal);
        Assert.False(health.InstagramUnlinked);

        using var output = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0, await Listening.Cli.CheckCommand.RunAsync(s.App.Services, output, CancellationToken.None)); // the Page stays usable
        Assert.Contains("Instagram:    not readable: ", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("(#10) Application does not have permission for this action; the token lacks instagram_basic and instagram_manage_insights (Instagram is not read without them; Facebook is)", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("Scopes:       pages_show_list, pages_read_engagement, read_insights", output.ToString(), StringComparison.Ordinal);

        // instagram_basic granted, instagram_manage_insights not: the account's counters flow, its insights and media do not.
        s.Graph.TokenData["scopes"] = new JsonArray("pages_show_list", "pages_read_engagement", "read_insights", "instagram_basic");
        s.App.Time.Advance(TimeSpan.FromMinutes(15));
        await CycleAsync(s);
        var ig = (await PageSummaryAsync(s, "2026-11-27"))["instagram"]!;
        Assert.Equal(4_980, ig["followers"]!["end"]!.GetValue<long>());
        Assert.Empty(ig["media"]!.AsArray());
        health = (await s.App.Get<HealthReporter>().ReportAsync(CancellationToken.None)).Pages[0];
        Assert.Contains($"Instagram account {account.Id} read only in part", health.Instagram, StringComparison.Ordinal);
        Assert.Contains("needs instagram_manage_insights", health.Instagram, StringComparison.Ordinal);

        using var again = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0, await Listening.Cli.CheckCommand.RunAsync(s.App.Services, again, CancellationToken.None));
        Assert.Contains($"Instagram:    linked: @kreis_soest ({account.Id}); the token lacks instagram_manage_insights", again.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_names_the_linked_account_its_rejected_metrics_and_the_missing_Instagram_permissions()
    {
        await using var s = await GraphScenario.StartAsync();
        var account = new FakeInstagramAccount();
        s.Graph.Instagram = account;
        AddMedia(account, "17900000000000001", TimeSpan.FromHours(1), "REELS", "VIDEO");
        AddMedia(account, "17900000000000002", TimeSpan.FromHours(2), "STORY");
        s.Graph.RejectedMediaMetrics["STORY"].Add("replies");

        using var output = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        var exit = await Listening.Cli.CheckCommand.RunAsync(s.App.Services, output, CancellationToken.None);
        var text = output.ToString();

        Assert.Equal(0, exit); // Instagram's problems do not make the Page unusable
        Assert.Contains($"Instagram:    linked: @kreis_soest ({account.Id}); the token lacks instagram_basic and instagram_manage_insights", text, StringComparison.Ordinal);
        Assert.Contains("Instagram account metrics: 9 of 9 accepted", text, StringComparison.Ordinal);
        Assert.Contains("Instagram media metrics: 5 of 5 accepted", text, StringComparison.Ordinal);
        Assert.Contains("Instagram story metrics: 4 of 5 accepted", text, StringComparison.Ordinal);
        Assert.Contains("rejected: replies (code 100", text, StringComparison.Ordinal);
        Assert.Equal(2, s.Graph.Requests.Count);

        // With the permissions granted, no such note.
        s.Graph.TokenData["scopes"] = new JsonArray("pages_show_list", "pages_read_engagement", "read_insights", "instagram_basic", "instagram_manage_insights");
        using var again = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        await Listening.Cli.CheckCommand.RunAsync(s.App.Services, again, CancellationToken.None);
        Assert.DoesNotContain("lacks", again.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_names_a_metric_one_media_type_rejects_with_that_type()
    {
        await using var s = await GraphScenario.StartAsync();
        var account = new FakeInstagramAccount();
        s.Graph.Instagram = account;
        AddMedia(account, "17900000000000001", TimeSpan.FromHours(1), "REELS", "VIDEO");
        AddMedia(account, "17900000000000002", TimeSpan.FromHours(2));
        s.Graph.RejectedMediaMetrics["FEED"].Add("shares");
        s.Graph.RejectedMediaMetrics["FEED"].Add("total_interactions");
        s.Graph.RejectedMediaMetrics["REELS"].Add("total_interactions");

        using var output = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        var exit = await Listening.Cli.CheckCommand.RunAsync(s.App.Services, output, CancellationToken.None);
        var text = output.ToString();

        Assert.Equal(0, exit);
        Assert.Contains("Instagram media metrics: 3 of 5 accepted", text, StringComparison.Ordinal);
        Assert.Contains("    rejected for FEED only: shares (code 100", text, StringComparison.Ordinal);
        Assert.Contains("    rejected: total_interactions (code 100", text, StringComparison.Ordinal); // both types: all media
        Assert.DoesNotContain("rejected for REELS", text, StringComparison.Ordinal);
        Assert.Equal(3, s.Graph.Requests.Count); // the Page's batch, the Instagram probes, the rejected ones per type
    }

    [Fact]
    public async Task With_Instagram_off_nothing_of_it_is_asked_or_shown()
    {
        await using var s = await GraphScenario.StartAsync(settings: new Dictionary<string, string?> { ["Listening:Pages:0:Instagram"] = "off" });
        var account = new FakeInstagramAccount();
        s.Graph.Instagram = account;
        AddMedia(account, "17900000000000001", TimeSpan.FromHours(1));
        s.AddPost(1, TimeSpan.FromHours(2), like: 10);
        await CycleAsync(s);

        Assert.DoesNotContain(s.Graph.Calls, c => c.Contains("instagram", StringComparison.Ordinal) || c.Contains(account.Id, StringComparison.Ordinal));
        var page = await PageSummaryAsync(s, "2026-11-27");
        Assert.False(page.AsObject().ContainsKey("instagram"));
        Assert.Equal("off", (await s.App.Get<HealthReporter>().ReportAsync(CancellationToken.None)).Pages[0].Instagram);
    }
}
