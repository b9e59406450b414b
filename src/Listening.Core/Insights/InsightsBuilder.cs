using Listening.Core.Aggregation;
using Listening.Core.Configuration;
using Listening.Core.Storage;

namespace Listening.Core.Insights;

/// <summary>
/// Builds one Page's insights from its observation rows (one partition range query, <see cref="InsightsReader"/>):
/// each post created in the period is measured from its own rows, then grouped. Pure: rows in, figures out.
/// </summary>
public static class InsightsBuilder
{
    /// <summary>A post is measured at its last observation within this many days of its creation.</summary>
    public const int MeasureDays = SummaryDependencies.GiveawayRetentionDays;

    public const int BestSlotCount = 3;

    /// <summary>The local days the rows must cover: the day before the period (followers before a giveaway) to 30 days after it.</summary>
    public static (DateOnly First, DateOnly Last) RowsNeeded(DateOnly from, DateOnly to, DateOnly today)
    {
        var last = to.AddDays(MeasureDays);
        return (from.AddDays(-1), last > today ? today : last);
    }

    public static PageInsights Build(
        string pageId, string name, ObservationRows rows, DateOnly from, DateOnly to, LocalCalendar calendar, int minPostsPerCell)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(calendar);
        var posts = Measure(rows, from, to, calendar);
        var page = Figures(posts);
        return new PageInsights
        {
            PageId = pageId,
            Name = name,
            Page = page,
            Topics = Groups(posts.SelectMany(p => p.Topics.Count == 0 ? [(Key: (string?)null, Post: p)] : p.Topics.Select(t => (Key: (string?)t, Post: p))), page),
            Formats = Groups(posts.Select(p => (Key: p.Format, Post: p)), page),
            PostingTime = PostingTime(posts, minPostsPerCell),
            Giveaways = Giveaways(posts, rows, calendar),
            Accessibility = Accessibility(posts),
        };
    }

    /// <summary>One post as measured: its lifetime figures and what it had within 24 hours of its creation.</summary>
    internal sealed record MeasuredPost(
        PostDayEntity Last, DateTimeOffset CreatedLocal, IReadOnlyList<string> Topics, string? Format,
        long? Reach, long Interactions, PostDayEntity? FirstDay)
    {
        public double? EngagementRate => Reach is > 0 ? (double)Interactions / Reach.Value : null;

        /// <summary>Reach within 24 hours: only when the first-day row's reach was captured in that window.</summary>
        public long? Reach24h => FirstDay?.Reach is { } r && FirstDay.ReachAt is { } at && at <= Last.CreatedTime.AddHours(24) ? r : null;

        public long? Interactions24h => FirstDay is { } f ? f.CounterSum : null;
    }

    internal static List<MeasuredPost> Measure(ObservationRows rows, DateOnly from, DateOnly to, LocalCalendar calendar)
    {
        var measured = new List<MeasuredPost>();
        foreach (var group in rows.Posts.GroupBy(p => p.PostId, StringComparer.Ordinal))
        {
            var any = group.First();
            var created = calendar.DateOf(any.CreatedTime);
            if (created < from || created > to)
            {
                continue;
            }

            var limit = any.CreatedTime.AddDays(MeasureDays);
            var dayFirst = group.OrderBy(r => r.ObservedAt).ToList();
            var last = dayFirst.LastOrDefault(r => r.ObservedAt <= limit) ?? dayFirst[0];
            var reachRow = dayFirst.LastOrDefault(r => r.ObservedAt <= limit && r.Reach is not null);
            var firstDay = dayFirst.LastOrDefault(r => r.ObservedAt <= any.CreatedTime.AddHours(24));
            measured.Add(new MeasuredPost(
                last, calendar.ToLocal(last.CreatedTime), last.TopicList, last.Format ?? dayFirst.LastOrDefault(r => r.Format is not null)?.Format,
                reachRow?.Reach, last.CounterSum, firstDay));
        }

        return [.. measured.OrderBy(p => p.CreatedLocal).ThenBy(p => p.Last.PostId, StringComparer.Ordinal)];
    }

    internal static InsightFigures Figures(IReadOnlyCollection<MeasuredPost> posts)
    {
        var reach = posts.Where(p => p.Reach is not null).Select(p => (double)p.Reach!.Value).ToList();
        return new InsightFigures
        {
            Posts = posts.Count,
            PostsWithReach = reach.Count,
            MedianReach = Median(reach),
            MedianInteractions = Median([.. posts.Select(p => (double)p.Interactions)]),
            MedianEngagementRate = Round(Median([.. posts.Where(p => p.EngagementRate is not null).Select(p => p.EngagementRate!.Value)]), 4),
        };
    }

    private static List<GroupInsights> Groups(IEnumerable<(string? Key, MeasuredPost Post)> members, InsightFigures page) =>
    [
        .. members.GroupBy(m => m.Key)
            .Select(g =>
            {
                var figures = Figures([.. g.Select(m => m.Post)]);
                return new GroupInsights
                {
                    Name = g.Key,
                    Figures = figures,
                    ReachVsPage = Ratio(figures.MedianReach, page.MedianReach),
                    EngagementRateVsPage = Ratio(figures.MedianEngagementRate, page.MedianEngagementRate),
                };
            })
            .OrderByDescending(g => g.Figures.MedianReach ?? -1)
            .ThenByDescending(g => g.Figures.Posts)
            .ThenBy(g => g.Name, StringComparer.Ordinal),
    ];

    internal static PostingTimeInsights PostingTime(IReadOnlyCollection<MeasuredPost> posts, int minPostsPerCell)
    {
        var timed = posts.Where(p => p.FirstDay is not null).ToList();
        var cells = timed
            .GroupBy(p => (Weekday: IsoWeekday(p.CreatedLocal.DayOfWeek), p.CreatedLocal.Hour))
            .OrderBy(g => g.Key.Weekday).ThenBy(g => g.Key.Hour)
            .Select(g =>
            {
                var enough = g.Count() >= minPostsPerCell;
                return new PostingTimeCell
                {
                    Weekday = g.Key.Weekday,
                    Hour = g.Key.Hour,
                    Posts = g.Count(),
                    Enough = enough,
                    MedianReach24h = enough ? Median([.. g.Where(p => p.Reach24h is not null).Select(p => (double)p.Reach24h!.Value)]) : null,
                    MedianInteractions24h = enough ? Median([.. g.Select(p => (double)p.Interactions24h!.Value)]) : null,
                };
            })
            .ToList();
        return new PostingTimeInsights
        {
            Posts = timed.Count,
            PostsWithoutFirstDay = posts.Count - timed.Count,
            Cells = cells,
            BestSlots =
            [
                .. cells.Where(c => c.Enough && c.MedianReach24h is not null)
                    .OrderByDescending(c => c.MedianReach24h)
                    .ThenByDescending(c => c.MedianInteractions24h)
                    .ThenByDescending(c => c.Posts)
                    .ThenBy(c => c.Weekday).ThenBy(c => c.Hour)
                    .Take(BestSlotCount),
            ],
        };
    }

    private static List<GiveawayInsights> Giveaways(IEnumerable<MeasuredPost> posts, ObservationRows rows, LocalCalendar calendar)
    {
        long? FollowersOn(DateOnly day) => rows.PageOn(day)?.Followers;
        return
        [
            .. posts.Where(p => p.Last.Giveaway).Select(p =>
            {
                var day = DateOnly.FromDateTime(p.CreatedLocal.DateTime);
                var through = PageDaySummaryBuilder.GiveawayFollowThrough(
                    p.Last, calendar, FollowersOn(day.AddDays(-1)),
                    FollowersOn(day.AddDays(SummaryDependencies.GiveawayGainDays)),
                    FollowersOn(day.AddDays(SummaryDependencies.GiveawayRetentionDays)));
                return new GiveawayInsights
                {
                    PostId = p.Last.PostId,
                    CreatedTime = p.CreatedLocal,
                    Excerpt = through.Excerpt,
                    Permalink = p.Last.Permalink,
                    Reach = p.Reach,
                    Interactions = p.Interactions,
                    FollowersBefore = through.FollowersBefore,
                    FollowersGained = through.FollowersGained,
                    FollowersKept = through.FollowersRetained,
                };
            }),
        ];
    }

    internal static List<MonthAccessibility> Accessibility(IEnumerable<MeasuredPost> posts) =>
    [
        .. posts.Where(p => p.Last.Accessibility is { Images: > 0, ImagesWithAltText: not null })
            .GroupBy(p => p.CreatedLocal.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture))
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var images = g.Sum(p => p.Last.Accessibility!.Images);
                var with = g.Sum(p => p.Last.Accessibility!.ImagesWithAltText!.Value);
                return new MonthAccessibility
                {
                    Month = g.Key,
                    Posts = g.Count(),
                    Images = images,
                    ImagesWithAltText = with,
                    Share = Math.Round((double)with / images, 4),
                    PostsLackingAltText = g.Count(p => p.Last.Accessibility!.ImagesWithoutAltText > 0),
                };
            }),
    ];

    internal static int IsoWeekday(DayOfWeek day) => day == DayOfWeek.Sunday ? 7 : (int)day;

    internal static double? Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static double? Ratio(double? value, double? page) =>
        value is { } v && page is { } p && p > 0 ? Round(v / p, 2) : null;

    private static double? Round(double? value, int decimals) => value is { } v ? Math.Round(v, decimals, MidpointRounding.AwayFromZero) : null;
}
