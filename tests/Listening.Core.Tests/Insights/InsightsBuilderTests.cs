using System.Text.Json;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Insights;
using Listening.Core.Storage;

namespace Listening.Core.Tests.Insights;

/// <summary>What the insights report makes of a Page's rows: medians per topic and format, the posting-time cells and their threshold, giveaways.</summary>
public sealed class InsightsBuilderTests
{
    private const string PageId = "104857600000001";
    private static readonly LocalCalendar Calendar = new("Europe/Berlin");

    /// <summary>Monday, 2 November 2026 (UTC+1 in Berlin).</summary>
    private static readonly DateOnly Monday = new(2026, 11, 2);

    private readonly ObservationRows _rows = new();

    [Fact]
    public void Topics_get_the_median_reach_and_interactions_of_their_posts_against_the_Page()
    {
        Post("a", Monday, 9, reach: 1000, reactions: 10, topics: ["Ausbildung"]);
        Post("b", Monday, 10, reach: 3000, reactions: 30, topics: ["Ausbildung"]);
        Post("c", Monday, 11, reach: 8000, reactions: 40, topics: ["Ausbildung"]);
        Post("d", Monday.AddDays(1), 9, reach: 500, reactions: 5, topics: ["Service"]);

        var page = Build(Monday, Monday.AddDays(6));

        Assert.Equal(4, page.Page.Posts);
        Assert.Equal(2000, page.Page.MedianReach); // (1000 + 3000) / 2
        var apprenticeship = page.Topics[0];
        Assert.Equal("Ausbildung", apprenticeship.Name);
        Assert.Equal(3, apprenticeship.Figures.Posts);
        Assert.Equal(3000, apprenticeship.Figures.MedianReach);
        Assert.Equal(30, apprenticeship.Figures.MedianInteractions);
        Assert.Equal(1.5, apprenticeship.ReachVsPage);
        Assert.Equal("Service", page.Topics[1].Name);
        Assert.Equal(1, page.Topics[1].Figures.Posts);
    }

    [Fact]
    public void A_post_whose_reach_Meta_never_answered_counts_as_a_post_but_not_as_zero_reach()
    {
        Post("a", Monday, 9, reach: 1000, reactions: 10, topics: ["Umwelt"]);
        Post("b", Monday, 10, reach: null, reactions: 50, topics: ["Umwelt"]);

        var topic = Assert.Single(Build(Monday, Monday).Topics);

        Assert.Equal(2, topic.Figures.Posts);
        Assert.Equal(1, topic.Figures.PostsWithReach);
        Assert.Equal(1000, topic.Figures.MedianReach);
        Assert.Equal(30, topic.Figures.MedianInteractions);
    }

    [Fact]
    public void Formats_group_posts_and_a_format_never_read_is_its_own_group()
    {
        Post("a", Monday, 9, reach: 9000, reactions: 10, format: PostFormats.Reel);
        Post("b", Monday, 10, reach: 1000, reactions: 10, format: PostFormats.Link);
        Post("c", Monday, 11, reach: 2000, reactions: 10, format: null);

        var formats = Build(Monday, Monday).Formats;

        Assert.Equal([PostFormats.Reel, null, PostFormats.Link], formats.Select(f => f.Name));
        Assert.All(formats, f => Assert.Equal(1, f.Figures.Posts));
    }

    [Fact]
    public void A_cell_with_fewer_posts_than_the_minimum_shows_no_figure_and_is_never_a_best_slot()
    {
        for (var week = 0; week < 3; week++)
        {
            Post("m" + week, Monday.AddDays(7 * week), 8, reach: 4000 + week, reactions: 10);
        }

        Post("evening1", Monday, 20, reach: 90_000, reactions: 900);
        Post("evening2", Monday.AddDays(7), 20, reach: 80_000, reactions: 900);

        var timing = Build(Monday, Monday.AddDays(20), minPosts: 3).PostingTime;

        var morning = Assert.Single(timing.Cells, c => c.Hour == 8);
        Assert.Equal((1, 3, true, 4001.0), (morning.Weekday, morning.Posts, morning.Enough, morning.MedianReach24h));
        var evening = Assert.Single(timing.Cells, c => c.Hour == 20);
        Assert.False(evening.Enough);
        Assert.Equal(2, evening.Posts);
        Assert.Null(evening.MedianReach24h);
        Assert.Null(evening.MedianInteractions24h);
        var best = Assert.Single(timing.BestSlots);
        Assert.Equal(8, best.Hour);
    }

    [Fact]
    public void The_same_posts_with_a_minimum_of_two_make_the_evening_the_best_slot()
    {
        for (var week = 0; week < 3; week++)
        {
            Post("m" + week, Monday.AddDays(7 * week), 8, reach: 4000 + week, reactions: 10);
        }

        Post("evening1", Monday, 20, reach: 90_000, reactions: 900);
        Post("evening2", Monday.AddDays(7), 20, reach: 80_000, reactions: 900);

        var best = Build(Monday, Monday.AddDays(20), minPosts: 2).PostingTime.BestSlots;

        Assert.Equal([20, 8], best.Select(b => b.Hour));
        Assert.Equal(85_000, best[0].MedianReach24h);
    }

    [Fact]
    public void Posting_time_takes_what_a_post_had_within_24_hours_not_its_later_reach()
    {
        Post("a", Monday, 9, reach: 100, reactions: 1);
        Observe("a", Monday, 9, at: Monday.AddDays(5), reach: 50_000, reactions: 300);

        var page = Build(Monday, Monday, minPosts: 1);

        var cell = Assert.Single(page.PostingTime.Cells);
        Assert.Equal(100, cell.MedianReach24h);
        Assert.Equal(1, cell.MedianInteractions24h);
        Assert.Equal(50_000, page.Page.MedianReach);
    }

    [Fact]
    public void A_post_first_seen_days_after_its_creation_is_counted_apart_from_the_posting_times()
    {
        Observe("late", Monday, 9, at: Monday.AddDays(3), reach: 5000, reactions: 20);

        var timing = Build(Monday, Monday, minPosts: 1).PostingTime;

        Assert.Empty(timing.Cells);
        Assert.Equal(1, timing.PostsWithoutFirstDay);
        Assert.Empty(timing.BestSlots);
    }

    [Fact]
    public void Weekday_and_hour_are_local_time_across_the_clock_change()
    {
        // Sunday 25 October 2026, 01:30 UTC = 02:30 CET (after the change back), a Sunday in Berlin.
        var created = new DateTimeOffset(2026, 10, 25, 1, 30, 0, TimeSpan.Zero);
        Add(PostRow("s", created, created.AddHours(1), 700, 3, [], null));

        var cell = Assert.Single(Build(new DateOnly(2026, 10, 25), new DateOnly(2026, 10, 25), minPosts: 1).PostingTime.Cells);

        Assert.Equal((7, 2), (cell.Weekday, cell.Hour));
    }

    [Fact]
    public void Posts_created_outside_the_period_are_left_out_even_when_observed_in_it()
    {
        Post("before", Monday.AddDays(-1), 9, reach: 100, reactions: 1);
        Observe("before", Monday.AddDays(-1), 9, at: Monday, reach: 200, reactions: 2);
        Post("in", Monday, 9, reach: 300, reactions: 3);

        var page = Build(Monday, Monday);

        Assert.Equal(1, page.Page.Posts);
        Assert.Equal(300, page.Page.MedianReach);
    }

    [Fact]
    public void A_giveaway_shows_its_reach_and_the_followers_gained_and_kept()
    {
        Followers(Monday.AddDays(-1), 1000);
        Followers(Monday.AddDays(3), 1060);
        Post("g", Monday, 12, reach: 52_000, reactions: 800, topics: ["Gewinnspiel"], giveaway: true);

        var open = Assert.Single(Build(Monday, Monday).Giveaways);
        Assert.Equal((52_000L, 60L), (open.Reach!.Value, open.FollowersGained!.Value));
        Assert.Null(open.FollowersKept);

        Followers(Monday.AddDays(30), 1045);
        var done = Assert.Single(Build(Monday, Monday).Giveaways);
        Assert.Equal(45, done.FollowersKept);
        Assert.Equal(1, done.Posts);
    }

    [Fact]
    public void The_rows_needed_reach_30_days_past_the_period_but_never_past_today()
    {
        Assert.Equal((Monday.AddDays(-1), Monday.AddDays(40)), InsightsBuilder.RowsNeeded(Monday, Monday.AddDays(10), Monday.AddDays(100)));
        Assert.Equal((Monday.AddDays(-1), Monday.AddDays(12)), InsightsBuilder.RowsNeeded(Monday, Monday.AddDays(10), Monday.AddDays(12)));
    }

    [Fact]
    public void The_json_names_every_figure_with_its_posts()
    {
        Post("a", Monday, 9, reach: 1000, reactions: 10, topics: ["Ausbildung"], format: PostFormats.Photo);
        var report = new InsightsReport
        {
            From = Monday, To = Monday, TimeZone = "Europe/Berlin", GeneratedAt = DateTimeOffset.UnixEpoch, MinPostsPerCell = 3,
            Pages = [Build(Monday, Monday)],
        };

        var json = JsonDocument.Parse(JsonSerializer.Serialize(report, InsightsJsonContext.Default.InsightsReport)).RootElement;

        var page = json.GetProperty("pages")[0];
        Assert.Equal(1, page.GetProperty("page").GetProperty("posts").GetInt32());
        Assert.Equal(1, page.GetProperty("topics")[0].GetProperty("figures").GetProperty("posts").GetInt32());
        Assert.Equal("photo", page.GetProperty("formats")[0].GetProperty("name").GetString());
        Assert.Equal(1, page.GetProperty("postingTime").GetProperty("cells")[0].GetProperty("posts").GetInt32());
        Assert.Equal(3, json.GetProperty("minPostsPerCell").GetInt32());
    }

    private PageInsights Build(DateOnly from, DateOnly to, int minPosts = 3) =>
        InsightsBuilder.Build(PageId, "Kreis", _rows, from, to, Calendar, minPosts);

    /// <summary>A post created on <paramref name="day"/> at <paramref name="hour"/>:30 local, observed an hour later.</summary>
    private void Post(string id, DateOnly day, int hour, long? reach, long reactions, string[]? topics = null, string? format = PostFormats.Photo, bool giveaway = false)
    {
        var created = Calendar.StartOf(day).AddHours(hour).AddMinutes(30);
        Add(PostRow(id, created, created.AddHours(1), reach, reactions, topics ?? [], format, giveaway));
    }

    /// <summary>A later observation (end of <paramref name="at"/>'s day, 23:00 local) of a post created as in <see cref="Post"/>.</summary>
    private void Observe(string id, DateOnly day, int hour, DateOnly at, long? reach, long reactions)
    {
        var created = Calendar.StartOf(day).AddHours(hour).AddMinutes(30);
        Add(PostRow(id, created, Calendar.StartOf(at).AddHours(23), reach, reactions, [], PostFormats.Photo));
    }

    private void Followers(DateOnly day, long followers) => _rows.Pages.Add(new PageDayEntity
    {
        PartitionKey = PageId, RowKey = ObservationKeys.Page(day), ObservedAt = Calendar.StartOf(day).AddHours(23), Followers = followers,
    });

    private void Add(PostDayEntity row) => _rows.Posts.Add(row);

    private static PostDayEntity PostRow(
        string id, DateTimeOffset created, DateTimeOffset observed, long? reach, long reactions, string[] topics, string? format, bool giveaway = false) => new()
    {
        PartitionKey = PageId,
        RowKey = ObservationKeys.Post(Calendar.DateOf(observed), id),
        PostId = id,
        CreatedTime = created,
        ObservedAt = observed,
        Like = reactions,
        Reach = reach,
        ReachAt = reach is null ? null : observed,
        Topics = string.Join('|', topics),
        Giveaway = giveaway,
        Format = format,
        Message = "Beitrag " + id,
    };
}
