using System.Globalization;
using Azure.Data.Tables;
using Listening.Core.Aggregation;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Microsoft.Extensions.Options;
using Listening.Core.Storage;

namespace Listening.Core.Tests.Aggregation;

/// <summary>
/// The merge rule without storage: snapshots applied in every order to an in-memory table give the same rows.
/// (The same on Azurite, with duplicates and concurrency: the integration tests.)
/// </summary>
public sealed class MergePlanTests
{
    private static readonly DateOnly Day = new(2026, 10, 25);
    private static readonly DateTimeOffset Noon = new(2026, 10, 25, 11, 0, 0, TimeSpan.Zero);
    private static readonly TopicRules Topics = new(Options.Create(new ListeningOptions()));

    private static PageSnapshot Snapshot(DateTimeOffset at, long? followers, long? fans, long likes, string name = "Kreis Soest") => new()
    {
        PageId = "104857600000001",
        PageName = name,
        CapturedAt = at,
        Followers = followers,
        Fans = fans,
        Posts =
        [
            new PostObservation
            {
                Id = "104857600000001_7",
                CreatedTime = Noon.AddHours(-20),
                Message = "Gewinnspiel: Wir verlosen Tickets",
                Reactions = new ReactionCounts { Like = likes },
                Comments = likes / 2,
            },
        ],
    };

    [Fact]
    public void Every_order_of_snapshots_gives_the_same_rows()
    {
        PageSnapshot[] snapshots =
        [
            Snapshot(Noon, 1000, 950, 10),
            Snapshot(Noon.AddHours(2), null, null, 14), // Page fields missing in this pull
            Snapshot(Noon.AddHours(1), 1004, null, 12),
            Snapshot(Noon.AddHours(1), 1004, null, 13, name: "Kreis Soest (neu)"), // same capture time, other counters
            Snapshot(Noon.AddHours(-1), 998, 949, 9),
        ];

        var results = Permutations(snapshots).Select(order => Apply(order)).Distinct().ToList();

        var only = Assert.Single(results);
        Assert.Contains("Followers=1004|FollowersAt=2026-10-25T12:00:00.0000000+00:00", only, StringComparison.Ordinal);
        Assert.Contains("Fans=950|FansAt=2026-10-25T11:00:00.0000000+00:00", only, StringComparison.Ordinal);
        Assert.Contains("Observations=4", only, StringComparison.Ordinal); // distinct capture times
        Assert.Contains("Like=14", only, StringComparison.Ordinal);
        Assert.Contains("|Giveaway=True|", only, StringComparison.Ordinal);
        Assert.Contains("|Topics=Gewinnspiel", only, StringComparison.Ordinal);
    }

    private static PageSnapshot WithMetrics(PageSnapshot snapshot, long? views, long? reach, string reachName = MetricNames.PostReach)
    {
        var metrics = new Dictionary<string, long>(StringComparer.Ordinal);
        if (views is { } v)
        {
            metrics[MetricNames.PostViews] = v;
        }

        if (reach is { } r)
        {
            metrics[reachName] = r;
        }

        return snapshot with { Posts = [snapshot.Posts[0] with { Metrics = metrics.Count == 0 ? null : metrics }] };
    }

    [Fact]
    public void Views_and_reach_keep_the_last_capture_of_the_day_that_carried_them_in_every_order()
    {
        PageSnapshot[] snapshots =
        [
            WithMetrics(Snapshot(Noon, 1000, 950, 10), 800, 500),
            WithMetrics(Snapshot(Noon.AddHours(1), 1001, 950, 12), 1200, 700),
            WithMetrics(Snapshot(Noon.AddHours(2), 1002, 950, 14), views: 1500, reach: null), // Meta stopped answering reach
            WithMetrics(Snapshot(Noon.AddHours(-1), 999, 950, 9), 600, 400),
        ];

        var results = Permutations(snapshots).Select(order => Apply(order)).Distinct().ToList();

        var only = Assert.Single(results);
        Assert.Contains("|Like=14|", only, StringComparison.Ordinal); // counters of the latest capture
        Assert.Contains("|Reach=700|ReachAt=2026-10-25T12:00:00.0000000+00:00|ReachSource=post_total_media_view_unique|", only, StringComparison.Ordinal);
        Assert.Contains("|Views=1500|ViewsAt=2026-10-25T13:00:00.0000000+00:00|ViewsSource=post_media_view", only, StringComparison.Ordinal);
    }

    [Fact]
    public void A_day_no_capture_of_which_carried_reach_stores_it_unknown_not_zero()
    {
        var rows = new Dictionary<string, ITableEntity>(StringComparer.Ordinal);
        Run(rows, WithMetrics(Snapshot(Noon, 1000, 950, 10), views: 300, reach: null));

        var post = Assert.Single(rows.Values.OfType<PostDayEntity>());
        Assert.Null(post.Reach);
        Assert.Null(post.ReachAt);
        Assert.Equal(300, post.Views);
    }

    [Fact]
    public void An_older_capture_that_carried_reach_fills_it_in_and_a_renamed_metric_names_its_source()
    {
        var rows = new Dictionary<string, ITableEntity>(StringComparer.Ordinal);
        Run(rows, WithMetrics(Snapshot(Noon, 1000, 950, 10), views: 300, reach: null));

        // Meta still answered the old name an hour earlier: it continues the reach series.
        var actions = SnapshotAggregator.Plan(WithMetrics(Snapshot(Noon.AddHours(-1), 999, 950, 9), 250, 180, "post_impressions_unique"), Day, Read(rows), Topics);

        var post = Assert.IsType<PostDayEntity>(actions.Select(a => a.Entity).OfType<PostDayEntity>().Single());
        Assert.Equal((10L, 300L, 180L, "post_impressions_unique"), (post.Like, post.Views!.Value, post.Reach!.Value, post.ReachSource));
    }

    [Fact]
    public void Applying_the_same_snapshot_again_plans_no_write()
    {
        var rows = new Dictionary<string, ITableEntity>(StringComparer.Ordinal);
        var snapshot = Snapshot(Noon, 1000, 950, 10);
        Run(rows, snapshot);

        var again = SnapshotAggregator.Plan(snapshot, Day, Read(rows), Topics);

        Assert.Empty(again);
    }

    [Fact]
    public void An_older_snapshot_only_adds_its_capture_time()
    {
        var rows = new Dictionary<string, ITableEntity>(StringComparer.Ordinal);
        Run(rows, Snapshot(Noon, 1000, 950, 10));

        var actions = SnapshotAggregator.Plan(Snapshot(Noon.AddHours(-3), 990, 940, 3), Day, Read(rows), Topics);

        var page = Assert.IsType<PageDayEntity>(Assert.Single(actions).Entity);
        Assert.Equal(1000, page.Followers);
        Assert.Equal(2, page.Observations);
    }

    [Fact]
    public void The_page_row_is_written_last_whenever_anything_is_written()
    {
        var rows = new Dictionary<string, ITableEntity>(StringComparer.Ordinal);
        Run(rows, Snapshot(Noon, 1000, 950, 10));

        // The second part of the same capture: the Page row does not change, yet it is written (unchanged), last.
        var part = Snapshot(Noon, 1000, 950, 10) with
        {
            Part = 1,
            Parts = 2,
            Posts = [Snapshot(Noon, 1000, 950, 10).Posts[0] with { Id = "104857600000001_8" }],
        };
        var actions = SnapshotAggregator.Plan(part, Day, Read(rows), Topics);

        Assert.Equal(2, actions.Count);
        var page = Assert.IsType<PageDayEntity>(actions[^1].Entity);
        Assert.True(page.SameAs((PageDayEntity)rows[ObservationKeys.Page(Day)]));
        Assert.Equal(TableTransactionActionType.UpdateReplace, actions[^1].ActionType);
    }

    [Theory]
    [InlineData(1, new[] { 1 })] // the next day always reads this one
    [InlineData(3, new[] { 1 })] // days 1 and 2 have the Page and the post: days 2 and 3 read them, not this one
    public void Later_summaries_are_the_next_day_and_days_whose_baseline_skips_back(int laterDay, int[] expectedOffsets)
    {
        var keys = new List<ObservationKey>();
        for (var offset = 1; offset <= laterDay; offset++)
        {
            keys.Add(Key(offset, "page"));
            keys.Add(Key(offset, "post_p1"));
        }

        var days = SummaryDependencies.AffectedBy(Day, ["p1"], hasGiveaway: false, keys);

        Assert.Equal(expectedOffsets.Select(o => Day.AddDays(o)), days);
    }

    [Fact]
    public void A_day_after_a_gap_reads_back_to_this_day()
    {
        // Nothing on day 1 (an outage): day 2's Page and post baselines are this day's rows.
        List<ObservationKey> keys = [Key(2, "page"), Key(2, "post_p1"), Key(3, "page"), Key(3, "post_p1")];

        Assert.Equal([Day.AddDays(2)], SummaryDependencies.AffectedBy(Day, ["p1"], hasGiveaway: false, keys));
    }

    [Fact]
    public void A_post_missing_in_between_makes_its_later_day_read_back()
    {
        // Day 1 has the Page but not post p1 (a lost snapshot part): day 2's baseline for p1 is this day.
        List<ObservationKey> keys = [Key(1, "page"), Key(2, "page"), Key(2, "post_p1")];

        Assert.Equal([Day.AddDays(1), Day.AddDays(2)], SummaryDependencies.AffectedBy(Day, ["p1"], hasGiveaway: false, keys));
        Assert.Equal([Day.AddDays(1)], SummaryDependencies.AffectedBy(Day, ["p2"], hasGiveaway: false, keys));
    }

    [Fact]
    public void Giveaway_follow_through_days_read_back_30_days()
    {
        List<ObservationKey> keys = [Key(27, "page"), Key(29, "page"), Key(30, "page"), Key(31, "page"), Key(1, "post_g", giveaway: true)];

        Assert.Equal([Day.AddDays(27), Day.AddDays(29), Day.AddDays(30), Day.AddDays(31)],
            SummaryDependencies.AffectedBy(Day, ["p1"], hasGiveaway: true, keys).Where(d => d > Day.AddDays(1)));
        Assert.Equal([Day.AddDays(27)],
            SummaryDependencies.AffectedBy(Day, ["p1"], hasGiveaway: false, keys.Where(k => !k.Giveaway).ToList()).Where(d => d > Day.AddDays(1)));
    }

    [Fact]
    public void What_a_summary_reads_and_what_is_rebuilt_agree()
    {
        foreach (var offset in new[] { 0, 1, 2, 14, 27, 28, 29, 30, 31 })
        {
            Assert.True(SummaryDependencies.Reads(Day.AddDays(offset), Day), $"offset {offset}");
        }

        foreach (var offset in new[] { -1, 15, 26, 32 })
        {
            Assert.False(SummaryDependencies.Reads(Day.AddDays(offset), Day), $"offset {offset}");
        }
    }

    [Fact]
    public void The_rule_rebuilds_exactly_the_days_whose_summaries_read_the_changed_day()
    {
        // One later day with data at a time (and a giveaway post the day after the change): the rule, forward,
        // names that day exactly when the day's summary reads the changed one.
        for (var offset = 1; offset <= SummaryDependencies.MaxDependentOffset + 5; offset++)
        {
            List<ObservationKey> keys = [Key(offset, "page"), Key(1, "post_g", giveaway: true)];

            var affected = SummaryDependencies.AffectedBy(Day, ["p1"], hasGiveaway: true, keys);

            Assert.Equal(SummaryDependencies.Reads(Day.AddDays(offset), Day), affected.Contains(Day.AddDays(offset)));
        }
    }

    private static ObservationKey Key(int offset, string kind, bool giveaway = false) =>
        new(ObservationKeys.DayPrefix(Day.AddDays(offset)) + kind, giveaway);

    private static string Apply(IEnumerable<PageSnapshot> order)
    {
        var rows = new Dictionary<string, ITableEntity>(StringComparer.Ordinal);
        foreach (var snapshot in order)
        {
            Run(rows, snapshot);
        }

        return string.Join('\n', rows.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => Describe(r.Value)));
    }

    private static void Run(Dictionary<string, ITableEntity> rows, PageSnapshot snapshot)
    {
        foreach (var action in SnapshotAggregator.Plan(snapshot, Day, Read(rows), Topics))
        {
            if (action.ActionType == TableTransactionActionType.Add)
            {
                Assert.True(rows.TryAdd(action.Entity.RowKey, action.Entity), "insert of an existing row");
            }
            else
            {
                Assert.True(rows.ContainsKey(action.Entity.RowKey), "replace of a missing row");
                rows[action.Entity.RowKey] = action.Entity;
            }
        }
    }

    private static ObservationRows Read(Dictionary<string, ITableEntity> rows)
    {
        var result = new ObservationRows();
        result.Pages.AddRange(rows.Values.OfType<PageDayEntity>());
        result.Posts.AddRange(rows.Values.OfType<PostDayEntity>());
        return result;
    }

    private static string Describe(ITableEntity entity) =>
        string.Join('|', entity.GetType().GetProperties()
            .Where(p => p.CanWrite && p.Name is not nameof(ITableEntity.ETag) and not nameof(ITableEntity.Timestamp))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => p.Name + "=" + Convert.ToString(p.GetValue(entity) is DateTimeOffset d ? d.ToString("O", CultureInfo.InvariantCulture) : p.GetValue(entity), CultureInfo.InvariantCulture)));

    private static IEnumerable<List<T>> Permutations<T>(IReadOnlyList<T> items)
    {
        if (items.Count <= 1)
        {
            yield return [.. items];
            yield break;
        }

        for (var i = 0; i < items.Count; i++)
        {
            var rest = items.Where((_, j) => j != i).ToList();
            foreach (var tail in Permutations(rest))
            {
                yield return [items[i], .. tail];
            }
        }
    }
}
