using Listening.Core.Aggregation;
using Listening.Core.Configuration;
using Listening.Core.Summaries;
using Listening.Core.Storage;

namespace Listening.Core.Tests.Summaries;

public sealed class PageDaySummaryBuilderTests
{
    private static readonly LocalCalendar Berlin = new("Europe/Berlin");
    private static readonly DateOnly Day = new(2026, 11, 27);
    private static readonly DateTimeOffset Evening = new(2026, 11, 27, 20, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Morning = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);

    private static PostDayEntity Post(string id, DateOnly date, long likes, long comments, long shares, string topics, DateTimeOffset? created = null) => new()
    {
        PartitionKey = "p",
        RowKey = ObservationKeys.Post(date, id),
        PostId = id,
        ObservedAt = Evening.AddDays(date.DayNumber - Day.DayNumber),
        CreatedTime = created ?? new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero),
        Message = "Text von " + id,
        Like = likes,
        Comments = comments,
        Shares = shares,
        Topics = topics,
    };

    [Fact]
    public void Topics_sum_what_their_posts_gained_that_day_with_every_configured_topic_listed()
    {
        PostDayEntity[] today =
        [
            Post("a", Day, likes: 30, comments: 5, shares: 2, "Ausbildung/Bewerbung|Gewinnspiel"),
            Post("b", Day, likes: 12, comments: 1, shares: 0, "Ausbildung/Bewerbung", created: Morning),
            Post("c", Day, likes: 7, comments: 0, shares: 0, "", created: Morning),
        ];
        var yesterday = new[] { Post("a", Day.AddDays(-1), 10, 1, 2, "Ausbildung/Bewerbung|Gewinnspiel") }.ToDictionary(p => p.PostId);

        var summary = PageDaySummaryBuilder.Build("p", Day, Berlin, null, null, today, yesterday,
            ["Ausbildung/Bewerbung", "Umwelt", "Gewinnspiel"]);

        Assert.Equal(["Ausbildung/Bewerbung", "Umwelt", "Gewinnspiel"], summary.Topics.Select(t => t.Topic));
        var ausbildung = summary.Topics[0];
        Assert.Equal((2, 20 + 12, 4 + 1, 0L), (ausbildung.Posts, ausbildung.Reactions, ausbildung.Comments, ausbildung.Shares));
        Assert.Equal(0, summary.Topics[1].Posts);
        Assert.Equal((1, 20L), (summary.Topics[2].Posts, summary.Topics[2].Reactions));
        Assert.Equal(["Ausbildung/Bewerbung", "Gewinnspiel"], summary.Posts.Single(p => p.Id == "a").Topics);
        Assert.Empty(summary.Posts.Single(p => p.Id == "c").Topics);
    }

    [Fact]
    public void A_topic_the_rules_no_longer_name_is_still_counted_after_the_configured_ones()
    {
        var summary = PageDaySummaryBuilder.Build("p", Day, Berlin, null, null, [Post("a", Day, 3, 0, 0, "Altes Thema", created: Morning)],
            new Dictionary<string, PostDayEntity>(), ["Umwelt"]);

        Assert.Equal(["Umwelt", "Altes Thema"], summary.Topics.Select(t => t.Topic));
    }

    [Theory]
    [InlineData(1000L, 1054L, 1046L, 54L, 46L)] // 54 gained, 8 left again
    [InlineData(1000L, 1054L, 1100L, 54L, 54L)] // more followers later: at most the gain counts as still there
    [InlineData(1000L, 1054L, 990L, 54L, 0L)] // fewer than before: none left
    [InlineData(1000L, 995L, 1010L, 0L, 0L)] // the giveaway lost followers: nothing gained
    [InlineData(null, 1054L, 1046L, null, null)] // no observation the day before the post
    [InlineData(1000L, null, 1046L, null, null)] // none three days after
    [InlineData(1000L, 1054L, null, 54L, null)]
    public void Giveaway_follow_through_counts_followers_gained_and_still_there(long? before, long? after3, long? after30, long? gained, long? stillThere)
    {
        var post = Post("g", Day.AddDays(-30), 100, 10, 1, "Gewinnspiel", created: new DateTimeOffset(2026, 10, 28, 10, 0, 0, TimeSpan.Zero));

        var result = PageDaySummaryBuilder.GiveawayFollowThrough(post, Berlin, before, after3, after30);

        Assert.Equal(gained, result.FollowersGained);
        Assert.Equal(stillThere, result.FollowersRetained);
        Assert.Equal((before, after3, after30), (result.FollowersBefore, result.FollowersAfter3Days, result.FollowersAfter30Days));
        Assert.Equal(new DateTimeOffset(2026, 10, 28, 11, 0, 0, TimeSpan.FromHours(1)), result.CreatedTime);
    }

    [Fact]
    public void A_post_created_at_local_midnight_is_new_on_that_day_not_the_day_before()
    {
        var midnight = Berlin.StartOf(Day);
        var rows = new[] { Post("m", Day, 1, 0, 0, "", created: midnight) };
        var before = new[] { Post("e", Day, 1, 0, 0, "", created: midnight.AddTicks(-1)) };

        var lastLook = PageRow(Day.AddDays(-1), midnight.AddMinutes(-5));

        var summary = PageDaySummaryBuilder.Build("p", Day, Berlin, null, lastLook, [.. rows, .. before], new Dictionary<string, PostDayEntity>());

        Assert.True(summary.Posts.Single(p => p.Id == "m").New);
        Assert.False(summary.Posts.Single(p => p.Id == "e").New);
    }

    [Fact]
    public void A_post_created_after_the_last_look_at_the_Page_counts_in_full_on_the_day_it_is_first_seen()
    {
        // Posted at 23:58, first pulled at 00:05: it did not exist at the last pull of the day before.
        var lastLook = PageRow(Day.AddDays(-1), Berlin.StartOf(Day).AddMinutes(-5));
        var late = Post("late", Day, 40, 6, 2, "", created: Berlin.StartOf(Day).AddMinutes(-2));

        var summary = PageDaySummaryBuilder.Build("p", Day, Berlin, null, lastLook, [late], new Dictionary<string, PostDayEntity>());

        var post = Assert.Single(summary.Posts);
        Assert.Equal((40L, 6L, 2L), (post.Reactions.Total, post.Comments, post.Shares));
        Assert.Equal((40L, 6L, 2L), (summary.Reactions.Total, summary.Comments, summary.Shares));
    }

    [Fact]
    public void A_post_that_existed_at_the_last_look_but_is_first_seen_now_gains_nothing_unknown()
    {
        // A backfill (listening sync --since) brings a post of last month with its lifetime totals; the Page was
        // observed yesterday, the post was not among what we saw. Its totals are not this day's gain.
        var lastLook = PageRow(Day.AddDays(-1), Evening.AddDays(-1));
        var old = Post("old", Day, 5_000, 300, 120, "Gewinnspiel", created: new DateTimeOffset(2026, 10, 28, 10, 0, 0, TimeSpan.Zero));
        var known = Post("known", Day, 30, 3, 1, "");
        var knownYesterday = Post("known", Day.AddDays(-1), 20, 2, 1, "");

        var summary = PageDaySummaryBuilder.Build("p", Day, Berlin, null, lastLook, [old, known],
            new Dictionary<string, PostDayEntity> { ["known"] = knownYesterday }, ["Gewinnspiel"]);

        Assert.Equal("known", Assert.Single(summary.Posts).Id);
        Assert.Equal((10L, 1L, 0L), (summary.Reactions.Total, summary.Comments, summary.Shares));
        Assert.Equal(0, summary.Topics.Single(t => t.Topic == "Gewinnspiel").Posts);
    }

    [Fact]
    public void On_the_first_day_a_Page_is_watched_only_posts_created_that_day_count_in_full()
    {
        var before = Post("before", Day, 800, 40, 9, "");
        var today = Post("today", Day, 12, 1, 0, "", created: Morning);

        var summary = PageDaySummaryBuilder.Build("p", Day, Berlin, PageRow(Day, Evening), null, [before, today], new Dictionary<string, PostDayEntity>());

        Assert.Equal("today", Assert.Single(summary.Posts).Id);
        Assert.Equal((12L, 1L, 0L), (summary.Reactions.Total, summary.Comments, summary.Shares));
    }

    private static PostDayEntity Reached(PostDayEntity post, long? views, long? reach, string? reachSource = null)
    {
        post.Views = views;
        post.ViewsAt = views is null ? null : post.ObservedAt;
        post.ViewsSource = views is null ? null : Listening.Core.Contracts.MetricNames.PostViews;
        post.Reach = reach;
        post.ReachAt = reach is null ? null : post.ObservedAt;
        post.ReachSource = reach is null ? null : reachSource ?? Listening.Core.Contracts.MetricNames.PostReach;
        return post;
    }

    [Fact]
    public void Views_and_reach_are_the_day_end_totals_and_their_gain_over_the_day_before()
    {
        var today = Reached(Post("a", Day, 90, 30, 16, ""), views: 9_000, reach: 5_000);
        var yesterday = Reached(Post("a", Day.AddDays(-1), 80, 20, 10, ""), views: 6_000, reach: 3_800);
        var fresh = Reached(Post("b", Day, 10, 0, 0, "", created: Morning), views: 700, reach: 400);

        var summary = PageDaySummaryBuilder.Build("p", Day, Berlin, null, null, [today, fresh], new Dictionary<string, PostDayEntity> { ["a"] = yesterday });

        var a = summary.Posts.Single(p => p.Id == "a");
        Assert.Equal((3_000L, 9_000L, 1_200L, 5_000L), (a.Views!.Value, a.ViewsTotal!.Value, a.Reach!.Value, a.ReachTotal!.Value));
        Assert.Equal(0.0272, a.EngagementRate); // (90 + 30 + 16) / 5,000, totals over lifetime reach
        var b = summary.Posts.Single(p => p.Id == "b");
        Assert.Equal((700L, 400L), (b.Views!.Value, b.Reach!.Value)); // new that day: from 0
        Assert.Equal((3_700L, 1_600L), (summary.Views!.Value, summary.Reach!.Value)); // sums over the listed posts
        Assert.Null(a.Sources);
        Assert.Equal("reach", summary.TopPostBy);
    }

    [Fact]
    public void Reach_Meta_did_not_answer_that_day_is_unknown_not_zero_and_not_yesterdays()
    {
        var today = Reached(Post("a", Day, 90, 30, 16, ""), views: 9_000, reach: null);
        var yesterday = Reached(Post("a", Day.AddDays(-1), 80, 20, 10, ""), views: 6_000, reach: 3_800);
        var other = Reached(Post("b", Day, 10, 0, 0, "", created: Morning), views: 700, reach: 400);

        var summary = PageDaySummaryBuilder.Build("p", Day, Berlin, null, null, [today, other], new Dictionary<string, PostDayEntity> { ["a"] = yesterday });

        var a = summary.Posts.Single(p => p.Id == "a");
        Assert.Null(a.Reach);
        Assert.Null(a.ReachTotal);
        Assert.Null(a.EngagementRate);
        Assert.Equal(3_000, a.Views);
        Assert.Null(summary.Reach); // a listed post's reach is unknown
        Assert.Equal(3_700, summary.Views);
    }

    [Fact]
    public void Reach_unknown_the_day_before_makes_the_days_reach_unknown_but_keeps_the_total()
    {
        var today = Reached(Post("a", Day, 90, 30, 16, ""), views: null, reach: 5_000);
        var yesterday = Reached(Post("a", Day.AddDays(-1), 80, 20, 10, ""), views: null, reach: null);

        var summary = PageDaySummaryBuilder.Build("p", Day, Berlin, null, null, [today], new Dictionary<string, PostDayEntity> { ["a"] = yesterday });

        var a = Assert.Single(summary.Posts);
        Assert.Null(a.Reach);
        Assert.Equal(5_000, a.ReachTotal);
        Assert.Null(a.Views);
        Assert.Null(a.ViewsTotal);
    }

    [Fact]
    public void A_downward_revision_by_Meta_shows_as_a_negative_change_and_lists_the_post()
    {
        var today = Reached(Post("a", Day, 80, 20, 10, ""), views: 6_000, reach: 3_700);
        var yesterday = Reached(Post("a", Day.AddDays(-1), 80, 20, 10, ""), views: 6_000, reach: 3_800);

        var summary = PageDaySummaryBuilder.Build("p", Day, Berlin, null, null, [today], new Dictionary<string, PostDayEntity> { ["a"] = yesterday });

        var a = Assert.Single(summary.Posts); // no interaction gained, but the reach moved
        Assert.Equal(-100, a.Reach);
        Assert.Equal(0, a.Views);
        Assert.Equal(-100, summary.Reach);
    }

    [Fact]
    public void A_renamed_metric_names_its_source_and_engagement_rate_needs_a_positive_reach()
    {
        var today = Reached(Post("a", Day, 5, 0, 0, "", created: Morning), views: 10, reach: 0, reachSource: "post_impressions_unique");

        var summary = PageDaySummaryBuilder.Build("p", Day, Berlin, null, null, [today], new Dictionary<string, PostDayEntity>());

        var a = Assert.Single(summary.Posts);
        Assert.Equal("post_impressions_unique", a.Sources!["reach"]);
        Assert.False(a.Sources.ContainsKey("views"));
        Assert.Null(a.EngagementRate);
    }

    private static PageDayEntity PageRow(DateOnly date, DateTimeOffset observedAt) => new()
    {
        PartitionKey = "p",
        RowKey = ObservationKeys.Page(date),
        ObservedAt = observedAt,
        Followers = 1_000,
        Fans = 990,
        Observations = 1,
    };
}
