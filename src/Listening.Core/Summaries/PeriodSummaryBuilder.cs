using Listening.Core.Contracts;
using Listening.Core.Aggregation;

namespace Listening.Core.Summaries;

/// <summary>
/// Builds a period report from stored daily summaries. Pure: the same days give the same report, whatever order
/// they come in. Days outside the period and its predecessor are ignored.
/// </summary>
public static class PeriodSummaryBuilder
{
    public const int MaxDays = 366;

    /// <summary>The period of the same length that ends the day before <paramref name="from"/>.</summary>
    public static (DateOnly From, DateOnly To) PreviousOf(DateOnly from, DateOnly to)
    {
        var length = to.DayNumber - from.DayNumber + 1;
        return (from.AddDays(-length), from.AddDays(-1));
    }

    /// <summary>
    /// The report of <paramref name="from"/> to <paramref name="to"/>; <paramref name="pages"/> holds per Page the
    /// daily summaries of the period and of the previous period of the same length.
    /// </summary>
    public static PeriodSummary Build(
        DateOnly from,
        DateOnly to,
        string timeZone,
        bool demo,
        IReadOnlyList<PageDays> pages,
        string topPostBy = TopPostRanking.Reach)
    {
        ArgumentNullException.ThrowIfNull(pages);
        if (to < from)
        {
            throw new ArgumentException("The period ends before it starts.", nameof(to));
        }

        var (previousFrom, previousTo) = PreviousOf(from, to);
        var built = new List<PagePeriodSummary>(pages.Count);
        var generatedAt = DateTimeOffset.MinValue;
        foreach (var page in pages)
        {
            var current = page.Days.Where(d => d.Date >= from && d.Date <= to).OrderBy(d => d.Date).ToList();
            var previous = page.Days.Where(d => d.Date >= previousFrom && d.Date <= previousTo).OrderBy(d => d.Date).ToList();
            foreach (var day in current)
            {
                generatedAt = day.GeneratedAt > generatedAt ? day.GeneratedAt : generatedAt;
            }

            built.Add(BuildPage(page, current, previous, topPostBy));
        }

        return new PeriodSummary
        {
            From = from,
            To = to,
            DayCount = to.DayNumber - from.DayNumber + 1,
            PreviousFrom = previousFrom,
            PreviousTo = previousTo,
            TimeZone = timeZone,
            Demo = demo || built.Any(p => p.Demo),
            GeneratedAt = generatedAt == DateTimeOffset.MinValue ? DateTimeOffset.UnixEpoch : generatedAt.ToUniversalTime(),
            Pages = built,
        };
    }

    private static PagePeriodSummary BuildPage(PageDays page, List<PageDaySummary> current, List<PageDaySummary> previous, string topPostBy)
    {
        var posts = Posts(current, topPostBy);
        var milestones = current.SelectMany(d => d.Milestones ?? Milestones.Of(d)).ToList();
        var metaDays = current.Where(d => d.MetaDay is not null).Select(d => d.MetaDay!)
            .GroupBy(m => m.Date).Select(g => g.Last()).OrderBy(m => m.Date).ToList();
        var giveaways = current.Where(d => d.Giveaways is not null).SelectMany(d => d.Giveaways!)
            .GroupBy(g => g.PostId, StringComparer.Ordinal).Select(g => g.Last()).ToList();
        var alerts = current.Where(d => d.Alerts is not null).SelectMany(d => d.Alerts!).ToList();
        var latest = current.LastOrDefault() ?? previous.LastOrDefault();

        return new PagePeriodSummary
        {
            PageId = page.PageId,
            Name = latest?.Name ?? page.Name ?? page.PageId,
            Demo = current.Concat(previous).Any(d => d.Demo),
            Followers = Counter(current, previous, static d => d.Followers),
            Likes = Counter(current, previous, static d => d.Likes),
            Totals = Totals(current),
            PreviousTotals = Totals(previous),
            Days = current.Select(d => new PeriodDay
            {
                Date = d.Date,
                Followers = d.Followers,
                Likes = d.Likes,
                Reactions = d.Reactions,
                Comments = d.Comments,
                Shares = d.Shares,
                NewPosts = d.Posts.Count(p => p.New),
                Observations = d.Observations,
                Views = d.Views,
                Reach = d.Reach,
                CommentTriage = d.CommentTriage,
                Instagram = d.Instagram is { } ig ? new InstagramPeriodDay { Followers = ig.Followers, Views = ig.Views, Reach = ig.Reach } : null,
            }).ToList(),
            Posts = posts,
            TopPostBy = topPostBy,
            Milestones = milestones,
            Topics = Topics(posts),
            MetaDays = metaDays.Count > 0 ? metaDays : null,
            Giveaways = giveaways.Count > 0 ? giveaways : null,
            Alerts = alerts.Count > 0 ? alerts : null,
            Instagram = Instagram(current, previous),
        };
    }

    /// <summary>The linked Instagram account over the period: days without the account count as unknown for its counter, not as 0.</summary>
    private static InstagramPeriodSummary? Instagram(List<PageDaySummary> current, List<PageDaySummary> previous)
    {
        var latest = current.LastOrDefault(static d => d.Instagram is not null)?.Instagram ?? previous.LastOrDefault(static d => d.Instagram is not null)?.Instagram;
        if (latest is null)
        {
            return null;
        }

        static CounterChange Followers(PageDaySummary d) => d.Instagram?.Followers ?? new CounterChange(null, null);
        var now = current.Where(static d => d.Instagram is not null).ToList();
        var before = previous.Where(static d => d.Instagram is not null).ToList();
        return new InstagramPeriodSummary
        {
            AccountId = latest.AccountId,
            Username = latest.Username,
            Followers = Counter(current, previous, Followers),
            Views = now.Count == 0 ? null : Sum(now, static d => d.Instagram!.Views),
            Reach = now.Count == 0 ? null : Sum(now, static d => d.Instagram!.Reach),
            PreviousViews = before.Count == 0 ? null : Sum(before, static d => d.Instagram!.Views),
            PreviousReach = before.Count == 0 ? null : Sum(before, static d => d.Instagram!.Reach),
        };
    }

    private static PeriodTotals Totals(List<PageDaySummary> days) => days.Count == 0
        ? PeriodTotals.Empty
        : new PeriodTotals
        {
            Reactions = days.Aggregate(ReactionCounts.Zero, static (sum, d) => sum + d.Reactions),
            Comments = days.Sum(static d => d.Comments),
            Shares = days.Sum(static d => d.Shares),
            NewPosts = days.Sum(static d => d.Posts.Count(p => p.New)),
            DaysWithData = days.Count,
            Views = Sum(days, static d => d.Views),
            Reach = Sum(days, static d => d.Reach),
        };

    /// <summary>Start = end of the day before the first observed day; end = end of the last observed day.</summary>
    private static PeriodCounter Counter(List<PageDaySummary> current, List<PageDaySummary> previous, Func<PageDaySummary, CounterChange> counter)
    {
        var (start, end) = Span(current, counter);
        var (previousStart, previousEnd) = Span(previous, counter);
        return new PeriodCounter(start, end, end - start, previousEnd - previousStart);
    }

    private static (long? Start, long? End) Span(List<PageDaySummary> days, Func<PageDaySummary, CounterChange> counter)
    {
        var known = days.Select(counter).Where(static c => c.End is not null).ToList();
        if (known.Count == 0)
        {
            return (null, null);
        }

        var first = known[0];
        return (first.End - (first.Change ?? 0), known[^1].End);
    }

    /// <summary>The sum of a nullable value over the days; null as soon as one is unknown.</summary>
    private static long? Sum<T>(IEnumerable<T> items, Func<T, long?> value)
    {
        long sum = 0;
        foreach (var item in items)
        {
            if (value(item) is not { } v)
            {
                return null;
            }

            sum += v;
        }

        return sum;
    }

    private static List<PeriodPost> Posts(List<PageDaySummary> days, string topPostBy)
    {
        var byId = new Dictionary<string, PeriodPost>(StringComparer.Ordinal);
        foreach (var day in days)
        {
            foreach (var post in day.Posts)
            {
                byId[post.Id] = byId.TryGetValue(post.Id, out var sum)
                    ? sum with
                    {
                        Reactions = sum.Reactions + post.Reactions,
                        Comments = sum.Comments + post.Comments,
                        Shares = sum.Shares + post.Shares,
                        Excerpt = post.Excerpt,
                        Permalink = post.Permalink ?? sum.Permalink,
                        ReactionsTotal = post.ReactionsTotal,
                        CommentsTotal = post.CommentsTotal,
                        SharesTotal = post.SharesTotal,
                        Topics = post.Topics ?? sum.Topics,
                        New = sum.New || post.New,
                        Views = sum.Views + post.Views,
                        Reach = sum.Reach + post.Reach,
                        ViewsTotal = post.ViewsTotal,
                        ReachTotal = post.ReachTotal,
                        EngagementRate = post.EngagementRate,
                    }
                    : new PeriodPost
                    {
                        Id = post.Id,
                        CreatedTime = post.CreatedTime,
                        Permalink = post.Permalink,
                        Excerpt = post.Excerpt,
                        New = post.New,
                        Reactions = post.Reactions,
                        Comments = post.Comments,
                        Shares = post.Shares,
                        ReactionsTotal = post.ReactionsTotal,
                        CommentsTotal = post.CommentsTotal,
                        SharesTotal = post.SharesTotal,
                        Topics = post.Topics,
                        Views = post.Views,
                        Reach = post.Reach,
                        ViewsTotal = post.ViewsTotal,
                        ReachTotal = post.ReachTotal,
                        EngagementRate = post.EngagementRate,
                    };
            }
        }

        // Every post, ranked as the top posts are (those that neither reached anyone nor drew anything last).
        var ranked = TopPostRanking.Top(byId.Values, topPostBy, int.MaxValue, static p => p.Interactions, static p => p.Reach, static p => p.CreatedTime, static p => p.Id);
        var rest = byId.Values.Except(ranked)
            .OrderByDescending(static p => p.CreatedTime.UtcTicks)
            .ThenBy(static p => p.Id, StringComparer.Ordinal);
        return [.. ranked, .. rest];
    }

    /// <summary>Per topic over the period's posts: distinct posts and what they gained in the period.</summary>
    private static List<TopicSummary>? Topics(List<PeriodPost> posts)
    {
        if (!posts.Any(static p => p.Topics is not null))
        {
            return null;
        }

        return posts
            .SelectMany(static p => (p.Topics ?? []).Distinct(StringComparer.Ordinal).Select(t => (Topic: t, Post: p)))
            .GroupBy(static x => x.Topic, StringComparer.Ordinal)
            .Select(static g => new TopicSummary(
                g.Key,
                g.Count(),
                g.Sum(static x => x.Post.Reactions.Total),
                g.Sum(static x => x.Post.Comments),
                g.Sum(static x => x.Post.Shares)))
            .OrderByDescending(static t => t.Reactions + t.Comments + t.Shares)
            .ThenBy(static t => t.Topic, StringComparer.Ordinal)
            .ToList();
    }
}

/// <summary>A Page's stored daily summaries, as read for a period.</summary>
public sealed record PageDays(string PageId, string? Name, IReadOnlyList<PageDaySummary> Days);
