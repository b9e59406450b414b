using System.Globalization;
using Listening.Core.Configuration;
using Listening.Core.Contracts;

namespace Listening.Core.Meta.Sample;

/// <summary>
/// The embedded demo Page: what the Graph API would show of "Kreis Musterstadt" at any instant, following the
/// 30-day story in <see cref="DemoScript"/> that starts on <see cref="FirstDay"/>. Everything is a function of
/// the first day and the instant, so captures repeat byte for byte and counters never run backwards.
/// </summary>
public sealed class DemoPage
{
    public const string PageId = "100000000000001";
    public const string PageName = "Kreis Musterstadt (Demo)";

    /// <summary>Days of the story (giveaway, 1,000 followers, storm); the Page's history lies before them.</summary>
    public const int StoryDays = DemoScript.StoryDays;

    private readonly LocalCalendar _calendar;
    private readonly DateTimeOffset _start;
    private readonly DateTimeOffset _giveawayAt;
    private readonly DateTimeOffset _stormAt;
    private readonly DateTimeOffset _unfollowFrom;
    private readonly DateTimeOffset _unfollowTo;
    private readonly DateTimeOffset _historyGiveawayAt;

    /// <param name="historyDays">Days of history before the story (at most <see cref="DemoScript.HistoryDays"/>): their posts
    /// and follower growth; with 0 the Page has no posts before the story and its starting followers.</param>
    public DemoPage(DateOnly firstDay, LocalCalendar calendar, int historyDays = DemoScript.HistoryDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(historyDays);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(historyDays, DemoScript.HistoryDays);
        HistoryDays = historyDays;
        ArgumentNullException.ThrowIfNull(calendar);
        FirstDay = firstDay;
        _calendar = calendar;
        _start = calendar.StartOf(firstDay);
        StoryPosts = DemoScript.Posts.Select((p, i) => new DemoPost(
            i + 1, p.Topic, LocalInstant(p.Day, p.LocalTime), p.Text, p.Mix.Split(p.Reactions), p.Comments, p.Shares, p.TauHours)
        {
            FinalReach = p.Reach,
        }).ToList();
        HistoryPosts =
        [
            .. Enumerable.Range(-historyDays, historyDays)
                .SelectMany(day => DemoScript.HistoryOn(day, firstDay.AddDays(day).DayOfWeek).Select((h, slot) => new DemoPost(
                    1000 + (10 * (day + DemoScript.HistoryDays)) + slot, h.Topic, LocalInstant(h.Day, h.LocalTime), h.Text, h.Mix.Split(h.Reactions),
                    h.Comments, h.Shares, h.TauHours)
                {
                    FinalReach = h.Reach,
                    FormatOverride = h.Format,
                })),
        ];
        _historyGiveawayAt = LocalInstant(DemoScript.HistoryGiveawayDay, new TimeOnly(11, 0));
        StoryComments = [.. DemoScript.Comments.SelectMany((c, i) => CommentsOf(c, i))];
        Instagram = new DemoInstagram(this);
        _giveawayAt = StoryPosts[DemoScript.NumberOf(DemoScript.Giveaway) - 1].CreatedTime;
        _stormAt = StoryPosts[DemoScript.NumberOf(DemoScript.StormWarning) - 1].CreatedTime;
        _unfollowFrom = LocalInstant(DemoScript.UnfollowFromDay, DemoScript.UnfollowTime);
        _unfollowTo = LocalInstant(DemoScript.UnfollowToDay, DemoScript.UnfollowTime);
    }

    public DateOnly FirstDay { get; }

    /// <summary>Days of history before <see cref="FirstDay"/>.</summary>
    public int HistoryDays { get; }

    /// <summary>The scripted posts of the 30 days, numbered and placed in time.</summary>
    internal IReadOnlyList<DemoPost> StoryPosts { get; }

    /// <summary>The posts of the <see cref="DemoScript.HistoryDays"/> days before the story (numbers from 1000 on), by the weekly plan.</summary>
    internal IReadOnlyList<DemoPost> HistoryPosts { get; }

    /// <summary>The Instagram account linked to the Page.</summary>
    internal DemoInstagram Instagram { get; }

    /// <summary>The start of the story's first day.</summary>
    internal DateTimeOffset StartInstant => _start;

    /// <summary>The scripted comments and the Page's replies, in the order of the script.</summary>
    internal IReadOnlyList<DemoComment> StoryComments { get; }

    /// <summary>
    /// What the Page shows at <paramref name="at"/>: posts created in (at − lookback, at], newest first, and, when
    /// <paramref name="commentsSince"/> is given, the comments created in [commentsSince, at] on those posts (as the
    /// pull reads them: verb <c>add</c>, no author, only whether the Page wrote it). With <paramref name="instagramInsightDays"/>
    /// the linked Instagram account too, with its daily insights for those Meta days.
    /// </summary>
    public PageCapture Observe(
        DateTimeOffset at, int lookbackDays, DateTimeOffset? commentsSince = null, IReadOnlyList<DateOnly>? instagramInsightDays = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lookbackDays);
        at = at.ToUniversalTime();
        var since = at.AddDays(-lookbackDays);
        var posts = HistoryPosts.Concat(StoryPosts).Concat(QuietPostsBetween(since, at))
            .Where(p => p.CreatedTime > since && p.CreatedTime <= at)
            .OrderByDescending(p => p.CreatedTime)
            .Select(p => p.ObservedAt(at))
            .ToList();
        var followers = FollowersAt(at);
        return new PageCapture
        {
            PageId = PageId,
            PageName = PageName,
            Demo = true,
            CapturedAt = at,
            Followers = followers,
            Fans = followers - FanGapAt(at),
            Posts = posts,
            Comments = commentsSince is { } from ? CommentsBetween(from, at, posts) : [],
            Instagram = instagramInsightDays is null ? null : Instagram.Observe(at, lookbackDays, instagramInsightDays),
            InstagramNote = instagramInsightDays is null ? null : $"linked: @{DemoInstagramScript.Username} ({DemoInstagramScript.AccountId})",
        };
    }

    private List<CommentEvent> CommentsBetween(DateTimeOffset from, DateTimeOffset at, IReadOnlyList<PostObservation> posts)
    {
        var visible = posts.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        return
        [
            .. StoryComments
                .Where(c => c.CreatedTime >= from && c.CreatedTime <= at && visible.Contains(c.PostId))
                .OrderBy(c => c.CreatedTime)
                .ThenBy(c => c.Id, StringComparer.Ordinal)
                .Select(c => new CommentEvent
                {
                    PageId = PageId,
                    PostId = c.PostId,
                    CommentId = c.Id,
                    ParentId = c.ParentId,
                    Verb = CommentVerb.Add,
                    CreatedTime = c.CreatedTime,
                    EventTime = at,
                    ByPage = c.ByPage,
                    Message = MessageSchema.Cut(c.Text, MessageSchema.MaxCommentLength),
                }),
        ];
    }

    /// <summary>A scripted comment (id <c>{post}_{7001 + index}</c>) and the Page's reply in its thread (<c>{post}_{8001 + index}</c>).</summary>
    private IEnumerable<DemoComment> CommentsOf(ScriptedComment comment, int index)
    {
        var post = StoryPosts.Single(p => p.CreatedTime == LocalInstant(comment.PostDay, comment.PostTime));
        var id = string.Create(CultureInfo.InvariantCulture, $"{post.Number}_{7001 + index}");
        yield return new DemoComment(id, post.Id, post.Id, LocalInstant(comment.Day, comment.LocalTime), comment.Text, ByPage: false);
        if (comment.Reply is { } reply)
        {
            yield return new DemoComment(
                string.Create(CultureInfo.InvariantCulture, $"{post.Number}_{8001 + index}"), post.Id, id, LocalInstant(reply.Day, reply.LocalTime), reply.Text, ByPage: true);
        }
    }

    internal static string PostId(int number) => string.Create(CultureInfo.InvariantCulture, $"{PageId}_{number}");

    internal DateTimeOffset LocalInstant(int day, TimeOnly time)
    {
        // Scripted times lie between 07:30 and 18:00, never in a daylight-saving gap or overlap.
        var local = FirstDay.AddDays(day).ToDateTime(time, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, _calendar.Zone.GetUtcOffset(local)).ToUniversalTime();
    }

    private IEnumerable<DemoPost> QuietPostsBetween(DateTimeOffset since, DateTimeOffset at)
    {
        var from = Math.Max(DemoScript.StoryDays, DayIndex(since));
        var to = DayIndex(at);
        for (var day = from; day <= to; day++)
        {
            var k = day - DemoScript.StoryDays;
            if (k % 2 != 0)
            {
                continue;
            }

            var (topic, text) = DemoScript.QuietPosts[k / 2 % DemoScript.QuietPosts.Count];
            var mix = topic switch
            {
                DemoTopic.Ausbildung => ReactionMix.Ausbildung,
                DemoTopic.Umwelt => ReactionMix.Umwelt,
                _ => ReactionMix.Service,
            };
            yield return new DemoPost(
                DemoScript.Posts.Count + 1 + (k / 2), topic, LocalInstant(day, DemoScript.QuietPostTime), text,
                mix.Split(14 + Roll(day, 1, 32)), Roll(day, 2, 6), Roll(day, 3, 5), 4)
            {
                FinalReach = 600 + (40 * Roll(day, 4, 30)),
            };
        }
    }

    private long FollowersAt(DateTimeOffset at)
    {
        if (at < _start)
        {
            return HistoryDays == 0 ? DemoScript.StartFollowers : DemoScript.StartFollowers - HistoryFollowersToCome(at);
        }

        // Organic growth: a few new followers a day, spread over the local day.
        var today = DayIndex(at);
        double organic = 0;
        for (var day = 0; day < today; day++)
        {
            organic += OrganicFollowers(day);
        }

        var dayStart = _calendar.StartOf(FirstDay.AddDays(today));
        var dayEnd = _calendar.EndOf(FirstDay.AddDays(today));
        organic += OrganicFollowers(today) * ((at - dayStart) / (dayEnd - dayStart));

        var giveaway = Settled(DemoScript.GiveawayFollowers, (at - _giveawayAt).TotalHours, DemoScript.GiveawayFollowersTauHours);
        var storm = Settled(DemoScript.StormFollowers, (at - _stormAt).TotalHours, DemoScript.StormFollowersTauHours);
        var unfollowed = DemoScript.Unfollowers * Math.Clamp((at - _unfollowFrom) / (_unfollowTo - _unfollowFrom), 0, 1);
        return DemoScript.StartFollowers + (long)Math.Floor(organic + giveaway + storm - unfollowed);
    }

    /// <summary>
    /// The followers the history still brings between <paramref name="at"/> and the story's start: one every other day or so, and
    /// the history giveaway's, so the Page grows from about 890 to <see cref="DemoScript.StartFollowers"/>.
    /// </summary>
    private long HistoryFollowersToCome(DateTimeOffset at)
    {
        var today = Math.Max(DayIndex(at), -HistoryDays - 1);
        double toCome = 0;
        for (var day = today + 1; day < 0; day++)
        {
            toCome += OrganicFollowers(day);
        }

        if (today >= -HistoryDays)
        {
            var dayStart = _calendar.StartOf(FirstDay.AddDays(today));
            var dayEnd = _calendar.EndOf(FirstDay.AddDays(today));
            toCome += OrganicFollowers(today) * (1 - Math.Clamp((at - dayStart) / (dayEnd - dayStart), 0, 1));
        }

        if (HistoryPosts.Any(p => p.Topic == DemoTopic.Gewinnspiel))
        {
            toCome += Settled(DemoScript.HistoryGiveawayFollowers, (_start - _historyGiveawayAt).TotalHours, DemoScript.GiveawayFollowersTauHours)
                - Settled(DemoScript.HistoryGiveawayFollowers, (at - _historyGiveawayAt).TotalHours, DemoScript.GiveawayFollowersTauHours);
        }
        return (long)Math.Ceiling(toCome - 1e-9);
    }

    private long FanGapAt(DateTimeOffset at)
    {
        var progress = Math.Clamp((at - _start).TotalDays / DemoScript.StoryDays, 0, 1);
        return (long)Math.Round(DemoScript.StartFanGap - ((DemoScript.StartFanGap - DemoScript.EndFanGap) * progress), MidpointRounding.AwayFromZero);
    }

    private static int OrganicFollowers(int day) => day is >= 0 and < DemoScript.StoryDays ? Roll(day, 0, 3) : Roll(day, 0, 2);

    internal int DayIndexOf(DateTimeOffset at) => DayIndex(at);

    private int DayIndex(DateTimeOffset at) => _calendar.DateOf(at).DayNumber - FirstDay.DayNumber;

    /// <summary>How much of <paramref name="final"/> has arrived <paramref name="ageHours"/> after the start.</summary>
    internal static double Settled(double final, double ageHours, double tauHours) =>
        ageHours <= 0 ? 0 : final * (1 - Math.Exp(-ageHours / tauHours));

    /// <summary>
    /// A number in [0, max) fixed by the day and a salt. SplitMix64 rather than System.Random: its sequence is part
    /// of the story and must not change with the runtime.
    /// </summary>
    internal static int Roll(int day, int salt, int max)
    {
        var x = ((ulong)unchecked((uint)day) << 8 | (uint)salt) + 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return (int)(x % (ulong)max);
    }
}

/// <summary>One post of the demo Page with its final counters; <see cref="ObservedAt"/> gives them at an instant.</summary>
internal sealed record DemoPost(
    int Number, DemoTopic Topic, DateTimeOffset CreatedTime, string Text, ReactionCounts FinalReactions, long FinalComments,
    long FinalShares, double TauHours)
{
    /// <summary>Comments and shares keep trickling in after the reactions have settled.</summary>
    private const double CommentLag = 1.3;

    private const double ShareLag = 1.8;

    /// <summary>Reach keeps growing a while after the reactions (shares carry the post on): the giveaway gets to its
    /// 52,000 people within about three days, the storm warning's reach jumps within hours.</summary>
    private const double ReachLag = 1.5;

    /// <summary>Views per person reached: some people see a post more than once.</summary>
    private const double ViewsPerPerson = 1.6;

    /// <summary>People the post reaches in the end (<c>post_total_media_view_unique</c>); 0 shows no reach.</summary>
    public long FinalReach { get; init; }

    /// <summary>The format when the script names it (the history's weekly plan); else it follows from the topic.</summary>
    public string? FormatOverride { get; init; }

    public string Id => DemoPage.PostId(Number);

    public PostObservation ObservedAt(DateTimeOffset at)
    {
        var age = (at - CreatedTime).TotalHours;
        var r = FinalReactions;
        return new PostObservation
        {
            Id = Id,
            CreatedTime = CreatedTime,
            Permalink = string.Create(CultureInfo.InvariantCulture, $"https://www.facebook.com/{DemoPage.PageId}/posts/{Number}"),
            Message = Text,
            Reactions = new ReactionCounts
            {
                Like = Grown(r.Like, age, TauHours),
                Love = Grown(r.Love, age, TauHours),
                Care = Grown(r.Care, age, TauHours),
                Haha = Grown(r.Haha, age, TauHours),
                Wow = Grown(r.Wow, age, TauHours),
                Sad = Grown(r.Sad, age, TauHours),
                Angry = Grown(r.Angry, age, TauHours),
            },
            Comments = Grown(FinalComments, age, TauHours * CommentLag),
            Shares = Grown(FinalShares, age, TauHours * ShareLag),
            Metrics = FinalReach <= 0 ? null : new Dictionary<string, long>(StringComparer.Ordinal)
            {
                [MetricNames.PostViews] = Grown((long)Math.Round(FinalReach * ViewsPerPerson), age, TauHours * ReachLag),
                [MetricNames.PostReach] = Grown(FinalReach, age, TauHours * ReachLag),
            },
            Format = Format,
            Accessibility = Accessibility,
        };
    }

    /// <summary>The story's two images without a written alternative text: the horse plates and the clean-up call.</summary>
    internal static readonly IReadOnlySet<int> WithoutAltText = new HashSet<int> { 4, 7 };

    /// <summary>
    /// Photos have a written alternative text except <see cref="WithoutAltText"/>; the giveaway shows three prizes
    /// (an album); Meta does not tell about captions, so videos and Reels have <c>videoCaptions</c> null.
    /// </summary>
    public PostAccessibility? Accessibility => Format switch
    {
        PostFormats.Photo when Topic == DemoTopic.Gewinnspiel => new PostAccessibility { Images = 3, ImagesWithAltText = 3 },
        PostFormats.Photo => new PostAccessibility { Images = 1, ImagesWithAltText = WithoutAltText.Contains(Number) ? 0 : 1 },
        PostFormats.Video or PostFormats.Reel => new PostAccessibility { Images = 0 },
        _ => null,
    };

    /// <summary>
    /// What the county posts as what: apprenticeships as Reels (every other one a photo), service topics as links,
    /// the giveaway and horse plates as photos, warnings as text, the environment as photos and videos.
    /// </summary>
    public string Format => FormatOverride ?? Topic switch
    {
        DemoTopic.Ausbildung => Number % 2 == 0 ? PostFormats.Photo : PostFormats.Reel,
        DemoTopic.SchuelerBafoeg or DemoTopic.Service => PostFormats.Link,
        DemoTopic.Reitkennzeichen or DemoTopic.Gewinnspiel => PostFormats.Photo,
        DemoTopic.Umwelt => Number % 3 == 0 ? PostFormats.Video : PostFormats.Photo,
        _ => PostFormats.Text,
    };

    // Rounding a non-decreasing curve keeps it non-decreasing, so counters never run backwards.
    private static long Grown(long final, double ageHours, double tauHours) =>
        (long)Math.Round(DemoPage.Settled(final, ageHours, tauHours), MidpointRounding.AwayFromZero);
}

/// <summary>One comment of the demo Page: a top-level comment (its parent is the post) or the Page's reply to one.</summary>
internal sealed record DemoComment(string Id, string PostId, string ParentId, DateTimeOffset CreatedTime, string Text, bool ByPage);

/// <summary>The demo Page as a source: what it shows at the current time, with the comments the plan asks for.</summary>
public sealed class DemoPageSource(DemoPage demo, TimeProvider time, Microsoft.Extensions.Options.IOptions<ListeningOptions> options) : IPageSource
{
    public Task<PullResult> CaptureAsync(PageOptions page, PullPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var facebook = options.Value.Facebook;
        return Task.FromResult<PullResult>(new PullResult.Ok(demo.Observe(
            time.GetUtcNow(), facebook.PostLookbackDays, plan.CommentsSince, plan.Instagram ? InstagramInsightDays(plan, facebook.InsightsLookbackDays) : null)));
    }

    /// <summary>The Meta days whose account insights the regular cycle reads, as the Graph reader picks them: the last <c>InsightsLookbackDays</c> of the plan's range.</summary>
    private static List<DateOnly> InstagramInsightDays(PullPlan plan, int lookbackDays)
    {
        var days = new List<DateOnly>();
        if (plan.Insights is { } range)
        {
            var from = range.To.AddDays(1 - lookbackDays);
            for (var day = from > range.From ? from : range.From; day <= range.To; day = day.AddDays(1))
            {
                days.Add(day);
            }
        }

        return days;
    }
}
