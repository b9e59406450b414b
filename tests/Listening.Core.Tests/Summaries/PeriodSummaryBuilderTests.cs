using Listening.Core.Contracts;
using Listening.Core.Summaries;
using Listening.Core.Aggregation;

namespace Listening.Core.Tests.Summaries;

public sealed class PeriodSummaryBuilderTests
{
    private static readonly DateOnly From = new(2026, 11, 23);
    private static readonly DateOnly To = new(2026, 11, 29);

    [Fact]
    public void Previous_period_has_the_same_length_and_ends_the_day_before()
    {
        Assert.Equal((new DateOnly(2026, 11, 16), new DateOnly(2026, 11, 22)), PeriodSummaryBuilder.PreviousOf(From, To));
        Assert.Equal((new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 31)), PeriodSummaryBuilder.PreviousOf(new DateOnly(2026, 11, 1), new DateOnly(2026, 12, 1)));
        Assert.Equal((new DateOnly(2026, 11, 26), new DateOnly(2026, 11, 26)), PeriodSummaryBuilder.PreviousOf(new DateOnly(2026, 11, 27), new DateOnly(2026, 11, 27)));
    }

    [Fact]
    public void Totals_sum_the_days_of_the_period_and_of_the_period_before()
    {
        var days = new List<PageDaySummary>
        {
            SampleSummary.DayOf(From.AddDays(-7), 900, 2, likes: 5, comments: 1, shares: 1),
            SampleSummary.DayOf(From.AddDays(-1), 910, 10, likes: 15, comments: 2),
            SampleSummary.DayOf(From, 920, 10, likes: 10, comments: 3, shares: 2),
            SampleSummary.DayOf(From.AddDays(3), 960, 40, likes: 30, comments: 4, shares: 1),
            SampleSummary.DayOf(To, 1_005, 45, likes: 20, comments: 5),
            SampleSummary.DayOf(To.AddDays(1), 2_000, 995, likes: 999), // after the period: ignored
        };

        var period = Build(days);

        var page = Assert.Single(period.Pages);
        Assert.Equal(7, period.DayCount);
        Assert.Equal(new DateOnly(2026, 11, 16), period.PreviousFrom);
        Assert.Equal(60, page.Totals.Reactions.Total);
        Assert.Equal(12, page.Totals.Comments);
        Assert.Equal(3, page.Totals.Shares);
        Assert.Equal(3, page.Totals.DaysWithData);
        Assert.Equal(20, page.PreviousTotals.Reactions.Total);
        Assert.Equal(3, page.PreviousTotals.Comments);
        Assert.Equal(2, page.PreviousTotals.DaysWithData);
        Assert.Equal([From, From.AddDays(3), To], page.Days.Select(d => d.Date));
    }

    [Fact]
    public void Followers_run_from_the_end_of_the_day_before_the_period_to_its_last_day()
    {
        var days = new List<PageDaySummary>
        {
            SampleSummary.DayOf(From.AddDays(-7), 900, 2),
            SampleSummary.DayOf(From.AddDays(-1), 910, 10),
            SampleSummary.DayOf(From, 920, 10),
            SampleSummary.DayOf(To, 1_005, 45),
        };

        var page = Build(days).Pages[0];

        Assert.Equal(new PeriodCounter(910, 1_005, 95, 12), page.Followers);
        Assert.Equal([new Milestone(Milestones.Followers, 1_000, To)], page.Milestones);
    }

    [Fact]
    public void Counters_are_unknown_without_observations()
    {
        var page = Build([SampleSummary.DayOf(From, 920, 10) with { Followers = new CounterChange(null, null) }]).Pages[0];

        Assert.Equal(new PeriodCounter(null, null, null, null), page.Followers);
        Assert.Equal(PeriodTotals.Empty, page.PreviousTotals);
    }

    [Fact]
    public void Posts_sum_their_gains_over_the_period_and_keep_their_latest_text()
    {
        var created = From.AddDays(-2);
        var days = new List<PageDaySummary>
        {
            SampleSummary.DayOf(created, 900, 1, posts: SampleSummary.PostOn(created, "1", like: 500, isNew: true, excerpt: "vorher")),
            SampleSummary.DayOf(From, 910, 10, posts: [SampleSummary.PostOn(created, "1", like: 20, comments: 2, excerpt: "alt"), SampleSummary.PostOn(From, "2", like: 30, isNew: true)]),
            SampleSummary.DayOf(To, 920, 10, posts: SampleSummary.PostOn(created, "1", like: 15, shares: 1, excerpt: "neu")),
        };

        var posts = Build(days).Pages[0].Posts;

        Assert.Equal(["1", "2"], posts.Select(p => p.Id));
        Assert.Equal(35, posts[0].Reactions.Like);
        Assert.Equal(2, posts[0].Comments);
        Assert.Equal(1, posts[0].Shares);
        Assert.Equal("neu", posts[0].Excerpt);
        Assert.Equal(30, posts[0].ReactionsTotal.Like);
        Assert.False(posts[0].New);
        Assert.True(posts[1].New);
        Assert.Equal(1, Build(days).Pages[0].Totals.NewPosts);
    }

    [Fact]
    public void Topics_come_from_the_posts_of_the_period()
    {
        var days = new List<PageDaySummary>
        {
            SampleSummary.DayOf(From, 910, 10, posts:
            [
                SampleSummary.PostOn(From, "1", like: 20, comments: 2, topics: ["Ausbildung"]),
                SampleSummary.PostOn(From, "2", like: 50, topics: ["Umwelt", "Ausbildung"]),
            ]),
            SampleSummary.DayOf(To, 920, 10, posts: SampleSummary.PostOn(From, "1", like: 5, topics: ["Ausbildung"])),
        };

        var topics = Build(days).Pages[0].Topics;

        Assert.Equal([new TopicSummary("Ausbildung", 2, 75, 2, 0), new TopicSummary("Umwelt", 1, 50, 0, 0)], topics);
    }

    [Fact]
    public void Posts_without_topics_give_an_empty_topics_list()
    {
        var period = Build([SampleSummary.DayOf(From, 910, 10, posts: SampleSummary.PostOn(From, "1", like: 20))]);

        Assert.Empty(Assert.IsAssignableFrom<IReadOnlyList<TopicSummary>>(period.Pages[0].Topics));
    }

    [Fact]
    public void Meta_days_giveaways_and_alerts_of_the_period_are_collected()
    {
        var meta = new MetaDaySummary { Date = From, Metrics = new Dictionary<string, long> { ["page_media_view"] = 1_234 } };
        var giveaway = new GiveawayFollowThrough { PostId = "9", FollowersGained = 120, FollowersRetained = 95 };
        var alert = new SummaryAlert("milestone", "1.000 Follower erreicht");
        var days = new List<PageDaySummary>
        {
            SampleSummary.DayOf(From.AddDays(-1), 900, 1) with { MetaDay = meta with { Date = From.AddDays(-1) } },
            SampleSummary.DayOf(From, 910, 10) with { MetaDay = meta, Alerts = [alert] },
            SampleSummary.DayOf(To, 920, 10) with { Giveaways = [giveaway] },
        };

        var page = Build(days).Pages[0];

        Assert.Equal([From], page.MetaDays!.Select(m => m.Date));
        Assert.Equal([giveaway], page.Giveaways);
        Assert.Equal([alert], page.Alerts);
    }

    [Fact]
    public void The_order_of_the_days_does_not_matter()
    {
        var days = new List<PageDaySummary>
        {
            SampleSummary.DayOf(From.AddDays(-1), 910, 10, likes: 4),
            SampleSummary.DayOf(From, 920, 10, likes: 10, posts: SampleSummary.PostOn(From, "1", like: 10, isNew: true)),
            SampleSummary.DayOf(To, 1_005, 85, likes: 20, posts: SampleSummary.PostOn(From, "1", like: 20, excerpt: "später")),
        };

        var inOrder = System.Text.Json.JsonSerializer.Serialize(Build(days), PeriodJsonContext.Default.PeriodSummary);
        days.Reverse();
        var reversed = System.Text.Json.JsonSerializer.Serialize(Build(days), PeriodJsonContext.Default.PeriodSummary);

        Assert.Equal(inOrder, reversed);
        Assert.Contains("\"excerpt\": \"sp\\u00E4ter\"", inOrder, StringComparison.Ordinal);
    }

    [Fact]
    public void Demo_days_make_the_report_a_demo_and_the_newest_day_dates_it()
    {
        var period = Build([SampleSummary.DayOf(From, 910, 10) with { Demo = true }, SampleSummary.DayOf(To, 920, 10)]);

        Assert.True(period.Demo);
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 21, 45, 0, TimeSpan.Zero), period.GeneratedAt);
    }

    [Fact]
    public void A_period_that_ends_before_it_starts_is_refused()
    {
        Assert.Throws<ArgumentException>(() => PeriodSummaryBuilder.Build(To, From, "Europe/Berlin", false, []));
    }

    private static PeriodSummary Build(IReadOnlyList<PageDaySummary> days) =>
        PeriodSummaryBuilder.Build(From, To, "Europe/Berlin", demo: false, [new PageDays("104857600000001", "Kreis Soest", days)]);

    [Fact]
    public void Reactions_of_all_types_add_up()
    {
        var day = SampleSummary.DayOf(From, 910, 10) with { Reactions = new ReactionCounts { Like = 1, Love = 2, Care = 3, Haha = 4, Wow = 5, Sad = 6, Angry = 7 } };

        var totals = Build([day, day with { Date = To }]).Pages[0].Totals.Reactions;

        Assert.Equal(new ReactionCounts { Like = 2, Love = 4, Care = 6, Haha = 8, Wow = 10, Sad = 12, Angry = 14 }, totals);
    }
}
