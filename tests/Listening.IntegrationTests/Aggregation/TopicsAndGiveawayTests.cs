using System.Text.Json.Nodes;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Storage;
using Listening.Core.Summaries;
using Listening.Functions;
using Listening.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Listening.Core.Aggregation;

namespace Listening.IntegrationTests.Aggregation;

/// <summary>Topics per Page and per post in the summary JSON; the giveaway follow-through 30 days after the post.</summary>
public sealed class TopicsAndGiveawayTests
{
    private const string PageId = "104857600000001";
    private static readonly LocalCalendar Berlin = new("Europe/Berlin");

    /// <summary>The Page configured (with a token nobody uses: nothing is pulled here), so the endpoint serves it.</summary>
    private static readonly Dictionary<string, string?> Configured = new()
    {
        ["Listening:Pages:0:Id"] = PageId,
        ["Listening:Pages:0:AccessToken"] = "EAAPageTokenNotUsed",
    };

    private static PostObservation Post(int n, DateTimeOffset created, string text, long likes, long comments = 0, long shares = 0) => new()
    {
        Id = $"{PageId}_{n}",
        CreatedTime = created,
        Message = text,
        Reactions = new ReactionCounts { Like = likes },
        Comments = comments,
        Shares = shares,
    };

    [Fact]
    public async Task The_summary_json_gains_topics_per_page_and_per_post()
    {
        var day = new DateOnly(2026, 11, 27);
        var morning = SnapshotStory.At(Berlin, day, new TimeOnly(8, 0));
        await using var app = await TestApp.StartAsync(morning.AddDays(1), Configured);
        PostObservation[] Posts(long grow) =>
        [
            Post(1, morning.AddHours(-1), "Jetzt für eine AUSBILDUNG bewerben! Und: Gewinnspiel für alle Azubis", 10 * grow, comments: grow),
            Post(2, morning.AddHours(-2), "Schueler-Bafoeg: Antrag online stellen", 5 * grow, shares: grow),
            Post(3, morning.AddHours(-3), "Die Kfz-Zulassung hat heute länger geöffnet", 2 * grow),
        ];
        await OrderIndependenceTests.ApplyAsync(app,
        [
            new PageSnapshot { PageId = PageId, PageName = "Kreis Soest", CapturedAt = morning, Followers = 1000, Posts = Posts(1) },
            new PageSnapshot { PageId = PageId, PageName = "Kreis Soest", CapturedAt = morning.AddHours(8), Followers = 1010, Posts = Posts(3) },
        ]);

        var page = (await SummaryJsonAsync(app, "2026-11-27"))["pages"]![0]!;

        var topics = page["topics"]!.AsArray();
        Assert.Equal(["Ausbildung/Bewerbung", "Schüler-BAföG", "Reitkennzeichen", "Umwelt", "Gewinnspiel", "Katastrophenschutz"],
            topics.Select(t => t!["topic"]!.GetValue<string>()));
        var ausbildung = topics[0]!;
        Assert.Equal(1, ausbildung["posts"]!.GetValue<int>());
        Assert.Equal(30, ausbildung["reactions"]!.GetValue<long>());
        Assert.Equal(3, ausbildung["comments"]!.GetValue<long>());
        Assert.Equal(0, ausbildung["shares"]!.GetValue<long>());
        Assert.Equal(3, topics[1]!["shares"]!.GetValue<long>());
        Assert.Equal(0, topics[3]!["posts"]!.GetValue<int>());
        var posts = page["posts"]!.AsArray();
        Assert.Equal(["Ausbildung/Bewerbung", "Gewinnspiel"], posts.Single(p => p!["id"]!.GetValue<string>() == PageId + "_1")!["topics"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Empty(posts.Single(p => p!["id"]!.GetValue<string>() == PageId + "_3")!["topics"]!.AsArray());
        Assert.Empty(page["giveaways"]!.AsArray());
    }

    /// <summary>
    /// Pulls every evening from two days before a giveaway post to 31 days after: 1,000 followers the evening
    /// before, 1,054 three days after the post's day, 1,046 thirty days after.
    /// </summary>
    private static List<PageSnapshot> GiveawayMonth(DateOnly postDay)
    {
        var created = SnapshotStory.At(Berlin, postDay, new TimeOnly(11, 0));
        var snapshots = new List<PageSnapshot>();
        for (var d = -2; d <= 31; d++)
        {
            var followers = d switch
            {
                < 0 => 1000 + d + 1, // 999, 1000
                0 => 1030,
                1 or 2 => 1040 + (d * 5),
                3 => 1054,
                <= 29 => 1054 - Math.Min(8, d - 3),
                30 => 1046,
                _ => 1047,
            };
            var at = SnapshotStory.At(Berlin, postDay.AddDays(d), new TimeOnly(20, 0));
            PostObservation[] posts = d < 0 ? [] : d <= 7
                ? [Post(1, created, "GEWINNSPIEL 🎉 Wir verlosen 5 × 2 Tickets! #Gewinnspiel", 100 * (d + 1), comments: 50 * (d + 1))]
                : [];
            snapshots.Add(new PageSnapshot { PageId = PageId, PageName = "Kreis Soest", CapturedAt = at, Followers = followers, Fans = followers - 30, Posts = posts });
        }

        return snapshots;
    }

    [Fact]
    public async Task A_giveaway_reports_followers_gained_in_three_days_and_still_there_after_thirty_in_that_days_summary()
    {
        var postDay = new DateOnly(2026, 10, 10);
        await using var app = await TestApp.StartAsync(new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero), Configured);
        await OrderIndependenceTests.ApplyAsync(app, GiveawayMonth(postDay));

        var reader = app.Get<ISummaryStore>();
        var report = (await reader.ReadDayAsync(PageId, postDay.AddDays(30), CancellationToken.None))!.ToSummary();
        var giveaway = Assert.Single(report.Giveaways);
        Assert.Equal(PageId + "_1", giveaway.PostId);
        Assert.Equal((1000L, 1054L, 54L, 1046L, 46L),
            (giveaway.FollowersBefore!.Value, giveaway.FollowersAfter3Days!.Value, giveaway.FollowersGained!.Value, giveaway.FollowersAfter30Days!.Value, giveaway.FollowersRetained!.Value));
        Assert.Equal(new DateTimeOffset(2026, 10, 10, 11, 0, 0, TimeSpan.FromHours(2)), giveaway.CreatedTime);
        Assert.StartsWith("GEWINNSPIEL", giveaway.Excerpt, StringComparison.Ordinal);
        Assert.Empty((await reader.ReadDayAsync(PageId, postDay.AddDays(29), CancellationToken.None))!.ToSummary().Giveaways);
        Assert.Empty((await reader.ReadDayAsync(PageId, postDay.AddDays(31), CancellationToken.None))!.ToSummary().Giveaways);

        // The public JSON names the fields as documented.
        var json = (await SummaryJsonAsync(app, "2026-11-09"))["pages"]![0]!["giveaways"]![0]!;
        Assert.Equal(54, json["followersGained"]!.GetValue<long>());
        Assert.Equal(46, json["followersRetained"]!.GetValue<long>());
    }

    [Fact]
    public async Task The_giveaway_follow_through_does_not_depend_on_the_order_snapshots_arrive_in()
    {
        var postDay = new DateOnly(2026, 10, 10);
        var month = GiveawayMonth(postDay);
        await using var inOrder = await TestApp.StartAsync(new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero));
        await OrderIndependenceTests.ApplyAsync(inOrder, month);

        // Latest first: every follow-through figure arrives after the summary that reports it was built.
        await using var reversed = await TestApp.StartAsync(new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero));
        await OrderIndependenceTests.ApplyAsync(reversed, Enumerable.Reverse(month));

        Assert.Equal(await TableDump.OfAsync(inOrder), await TableDump.OfAsync(reversed));
    }

    private static async Task<JsonNode> SummaryJsonAsync(TestApp app, string date)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString($"?format=json&page={PageId}");
        var result = await app.Get<GetDailySummary>().Run(context.Request, date, CancellationToken.None);
        return JsonNode.Parse(Assert.IsType<FileContentResult>(result).FileContents)!;
    }
}
