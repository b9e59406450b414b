using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Storage;

namespace Listening.Core.Aggregation;

/// <summary>
/// Builds a Page's summary of one day from the day's last observations and the baseline (the last observation
/// at or before the end of the previous day). Pure: the same rows give the same summary.
/// </summary>
public static class PageDaySummaryBuilder
{
    public const int ExcerptLength = 140;

    public static PageDaySummary Build(
        string pageId,
        DateOnly date,
        LocalCalendar calendar,
        PageDayEntity? day,
        PageDayEntity? baselineDay,
        IReadOnlyCollection<PostDayEntity> posts,
        IReadOnlyDictionary<string, PostDayEntity> baselinePosts,
        IReadOnlyList<string>? topicNames = null,
        IReadOnlyList<GiveawayFollowThrough>? giveaways = null)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(posts);
        ArgumentNullException.ThrowIfNull(baselinePosts);
        var start = calendar.StartOf(date);
        var summaries = new List<PostDaySummary>(posts.Count);
        var reactions = ReactionCounts.Zero;
        long comments = 0, shares = 0;
        long? views = 0, reach = 0;
        var generatedAt = day?.ObservedAt ?? DateTimeOffset.MinValue;

        foreach (var post in posts)
        {
            generatedAt = Max(generatedAt, post.ObservedAt);
            baselinePosts.TryGetValue(post.PostId, out var before);
            if (before is null && post.CreatedTime < start && (baselineDay is null || post.CreatedTime <= baselineDay.ObservedAt))
            {
                // The post already existed when we last looked at the Page but was not among what we saw (the first
                // day we watch the Page, a backfill of older posts, a gap longer than the look-back): what it gained
                // this day is unknown, so it counts from this observation on instead of with its whole lifetime.
                before = post;
            }

            var gainedReactions = post.Reactions - (before?.Reactions ?? ReactionCounts.Zero);
            var gainedComments = post.Comments - (before?.Comments ?? 0);
            var gainedShares = post.Shares - (before?.Shares ?? 0);
            var isNew = post.CreatedTime >= start;
            reactions += gainedReactions;
            comments += gainedComments;
            shares += gainedShares;

            // Views and reach: the day's end value minus the previous day's; a post new that day starts from 0. Unknown
            // on either side (Meta did not answer) is unknown, never 0 and never an older value.
            var gainedViews = Gained(post.Views, before, before?.Views);
            var gainedReach = Gained(post.Reach, before, before?.Reach);
            if (!isNew && gainedReactions.Total == 0 && gainedComments == 0 && gainedShares == 0 && !gainedReactions.AnyNegative
                && gainedViews is null or 0 && gainedReach is null or 0)
            {
                continue;
            }

            views += gainedViews;
            reach += gainedReach;
            Dictionary<string, string>? sources = null;
            foreach (var (field, source, series) in new[] { ("views", post.ViewsSource, MetricNames.PostViews), ("reach", post.ReachSource, MetricNames.PostReach) })
            {
                if (source is not null && source != series)
                {
                    (sources ??= new Dictionary<string, string>(StringComparer.Ordinal))[field] = source;
                }
            }

            summaries.Add(new PostDaySummary
            {
                Id = post.PostId,
                CreatedTime = calendar.ToLocal(post.CreatedTime),
                Permalink = post.Permalink,
                Excerpt = Excerpt(post.Message),
                Reactions = gainedReactions,
                ReactionsTotal = post.Reactions,
                Comments = gainedComments,
                CommentsTotal = post.Comments,
                Shares = gainedShares,
                SharesTotal = post.Shares,
                New = isNew,
                Topics = post.TopicList,
                Views = gainedViews,
                ViewsTotal = post.Views,
                Reach = gainedReach,
                ReachTotal = post.Reach,
                EngagementRate = TopPostRanking.EngagementRate(post.Reactions.Total + post.Comments + post.Shares, post.Reach),
                Sources = sources,
            });
        }

        summaries.Sort(static (a, b) =>
        {
            var byTime = b.CreatedTime.UtcTicks.CompareTo(a.CreatedTime.UtcTicks);
            return byTime != 0 ? byTime : string.CompareOrdinal(a.Id, b.Id);
        });

        return new PageDaySummary
        {
            PageId = pageId,
            Name = day?.PageName ?? baselineDay?.PageName ?? pageId,
            Demo = day?.Demo ?? baselineDay?.Demo ?? false,
            Date = date,
            GeneratedAt = generatedAt == DateTimeOffset.MinValue ? start : generatedAt.ToUniversalTime(),
            Followers = Change(day?.Followers ?? baselineDay?.Followers, baselineDay?.Followers),
            Likes = Change(day?.Fans ?? baselineDay?.Fans, baselineDay?.Fans),
            Reactions = reactions,
            Comments = comments,
            Shares = shares,
            Posts = summaries,
            Observations = day?.Observations ?? 0,
            Views = views,
            Reach = reach,
            Topics = Topics(summaries, topicNames ?? []),
            Giveaways = giveaways ?? [],
        };
    }

    /// <summary>Every configured topic in order (zeros included, so the shape is the same every day), then any
    /// topic found on a post that the rules no longer name.</summary>
    internal static IReadOnlyList<TopicSummary> Topics(IReadOnlyList<PostDaySummary> posts, IReadOnlyList<string> topicNames)
    {
        var names = topicNames.Concat(posts.SelectMany(p => p.Topics).Except(topicNames, StringComparer.Ordinal).Order(StringComparer.Ordinal))
            .Distinct(StringComparer.Ordinal);
        return [.. names.Select(name =>
        {
            var tagged = posts.Where(p => p.Topics.Contains(name, StringComparer.Ordinal)).ToList();
            return new TopicSummary(name, tagged.Count, tagged.Sum(p => p.Reactions.Total), tagged.Sum(p => p.Comments), tagged.Sum(p => p.Shares));
        })];
    }

    /// <summary>The first 140 characters of a post, on one line, cut at a word where possible.</summary>
    public static string Excerpt(string? message)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            return "";
        }

        var flat = string.Join(' ', message.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (flat.Length <= ExcerptLength)
        {
            return flat;
        }

        var cut = flat[..(ExcerptLength - 1)];
        var space = cut.LastIndexOf(' ');
        if (space > ExcerptLength / 2)
        {
            cut = cut[..space];
        }

        return cut.TrimEnd() + "…";
    }

    /// <summary>A lifetime value's gain over the day: from 0 for a post without a baseline row (new that day), null when either end is unknown.</summary>
    private static long? Gained(long? end, PostDayEntity? before, long? atBefore) =>
        end is { } e ? before is null ? e : atBefore is { } b ? e - b : null : null;

    private static CounterChange Change(long? end, long? before) =>
        new(end, end is { } e && before is { } b ? e - b : null);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;

    /// <summary>
    /// What a giveaway post did for the follower count, from the follower counts around its day; <paramref name="post"/>
    /// is its last row of the gain window (its reach by then).
    /// </summary>
    public static GiveawayFollowThrough GiveawayFollowThrough(
        PostDayEntity post, LocalCalendar calendar, long? before, long? after3Days, long? after30Days)
    {
        ArgumentNullException.ThrowIfNull(post);
        ArgumentNullException.ThrowIfNull(calendar);
        long? gained = before is { } b && after3Days is { } a ? Math.Max(0, a - b) : null;
        long? stillThere = gained is { } g && before is { } b2 && after30Days is { } e ? Math.Clamp(e - b2, 0, g) : null;
        return new GiveawayFollowThrough
        {
            PostId = post.PostId,
            CreatedTime = calendar.ToLocal(post.CreatedTime),
            Permalink = post.Permalink,
            Excerpt = Excerpt(post.Message),
            FollowersBefore = before,
            FollowersAfter3Days = after3Days,
            FollowersGained = gained,
            FollowersAfter30Days = after30Days,
            FollowersRetained = stillThere,
            ReachAfter3Days = post.Reach,
        };
    }
}
