using Listening.Core.Contracts;
using Listening.Core.Summaries;
using Listening.Core.Aggregation;

namespace Listening.Core.Tests.Summaries;

/// <summary>
/// The summaries behind the golden pages, built by hand. Its own file so that the html-render benchmark
/// (tests/Listening.Benchmarks) renders the same pages: it compiles this file in as a link.
/// </summary>
public sealed partial class HtmlGoldenTests
{
    private const string Script = "<script>alert(1)</script>";
    private const string Zone = "Europe/Berlin";
    private static readonly DateOnly Day = new(2026, 11, 27);
    private static readonly DateTimeOffset GeneratedAt = new(2026, 11, 28, 5, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset At(DateOnly date, int hour, int minute = 0) => new(date.ToDateTime(new TimeOnly(hour, minute)), TimeSpan.Zero);

    private static PostDaySummary Post(string id, string excerpt, long like, long comments, long shares, bool isNew, int hour, IReadOnlyList<string>? topics = null,
        string? permalink = "", ReactionCounts? reactions = null, long? reach = null, long? reachTotal = null) => new()
    {
        Id = id,
        Reach = reach,
        ReachTotal = reachTotal,
        Views = reach is { } r ? r * 3 / 2 : null,
        ViewsTotal = reachTotal is { } t ? t * 3 / 2 : null,
        EngagementRate = TopPostRanking.EngagementRate(like + 312 + comments + 10 + shares + 2, reachTotal),
        CreatedTime = At(Day, hour, 15),
        Permalink = permalink == "" ? "https://www.facebook.com/104857600000001/posts/" + id : permalink,
        Excerpt = excerpt,
        Reactions = reactions ?? new ReactionCounts { Like = like },
        ReactionsTotal = new ReactionCounts { Like = like + 300, Love = 12 },
        Comments = comments,
        CommentsTotal = comments + 10,
        Shares = shares,
        SharesTotal = shares + 2,
        New = isNew,
        Topics = topics ?? [],
    };

    /// <summary>A storm day like the demo's: warning post, giveaway, alerts, milestone, topics, Meta's day and every card.</summary>
    private static PageDaySummary RichPage() => new()
    {
        PageId = "104857600000001",
        Name = "Kreis Soest",
        Date = Day,
        GeneratedAt = At(Day, 22, 45),
        Followers = new CounterChange(52_000, 412),
        Likes = new CounterChange(48_310, -3),
        Reactions = new ReactionCounts { Like = 2_180, Love = 64, Care = 9, Haha = 21, Wow = 305, Sad = 42, Angry = 11 },
        Comments = 387,
        Shares = 519,
        Observations = 96,
        Posts =
        [
            Post("104857600000001_9", "Unwetterwarnung: Orkanböen bis 120 km/h ab 18 Uhr. Bitte meiden Sie Waldgebiete und sichern Sie lose Gegenstände!",
                1_900, 300, 480, true, 7, ["Unwetter", "Sicherheit"], reactions: new ReactionCounts { Like = 1_500, Wow = 300, Sad = 40, Care = 9, Angry = 11, Love = 40 }, reach: 31_000, reachTotal: 31_000),
            Post("104857600000001_8", "Gewinnspiel: Wir verlosen 3 × 2 Karten für das Weihnachtskonzert 🎄 – einfach kommentieren!", 600, 80, 30, true, 10, ["Gewinnspiel"], reach: 52_000, reachTotal: 52_000),
            Post("104857600000001_7", "", 10, 0, 0, false, 6, permalink: null, reach: 120, reachTotal: 2_400),
            Post("104857600000001_6", "Ausbildung beim Kreis: Jetzt bewerben für 2027!", 30, 7, 9, false, 5, ["Ausbildung"], permalink: "facebook.com/kreis/posts/6", reach: -15, reachTotal: 3_100),
            Post("104857600000001_5", "Sprechzeiten zwischen den Jahren", 0, 0, 0, false, 4, reach: 40, reachTotal: 900),
        ],
        Reach = 83_145,
        Views = 124_717,
        Topics =
        [
            new TopicSummary("Unwetter", 1, 1_900, 300, 480),
            new TopicSummary("Sicherheit", 1, 1_900, 300, 480),
            new TopicSummary("Gewinnspiel", 1, 600, 80, 30),
            new TopicSummary("Ausbildung", 1, 30, 7, 9),
        ],
        MetaDay = new MetaDaySummary
        {
            Date = Day.AddDays(-1),
            Metrics = new Dictionary<string, long>(StringComparer.Ordinal)
            {
                ["page_follows"] = 52_010,
                ["page_media_view"] = 181_234,
                ["page_total_media_view_unique"] = 90_500,
                ["page_post_engagements"] = 4_321,
                ["page_daily_follows_unique"] = 420,
                ["page_new_metric"] = 7,
            },
            Sources = new Dictionary<string, string>(StringComparer.Ordinal) { ["page_media_view"] = "page_impressions" },
        },
        Giveaways =
        [
            new GiveawayFollowThrough
            {
                PostId = "104857600000001_3",
                CreatedTime = At(Day.AddDays(-30), 9),
                Excerpt = "Gewinnspiel im Oktober: Wir verlosen einen Korb mit regionalen Spezialitäten aus dem Kreis – mitmachen lohnt sich!",
                Permalink = "https://www.facebook.com/104857600000001/posts/3",
                FollowersBefore = 50_000,
                FollowersAfter3Days = 50_300,
                FollowersGained = 300,
                FollowersAfter30Days = 50_200,
                FollowersRetained = 200,
                ReachAfter3Days = 52_000,
            },
            new GiveawayFollowThrough { PostId = "104857600000001_8", Excerpt = "Gewinnspiel: Karten", FollowersGained = 0 },
        ],
        Alerts =
        [
            new SummaryAlert("crisis", "Ungewöhnlich viele Kommentare zum Beitrag „Unwetterwarnung“ (300 in einer Stunde).", At(Day, 19, 5)),
            new SummaryAlert("spike", "Reaktionen deutlich über dem Durchschnitt."),
        ],
        PreviousDay = new DayTotals { Date = Day.AddDays(-1), Reactions = 800, Comments = 387, Shares = 600, NewPosts = 0, Reach = 20_000, MetaReach = 88_000 },
        Milestones = [new Milestone(Milestones.Followers, 52_000, Day)],
    };

    internal static DailySummary RichDay() => new()
    {
        Date = Day,
        TimeZone = Zone,
        Demo = false,
        GeneratedAt = GeneratedAt,
        Pages =
        [
            RichPage(),
            QuietPage() with { PageId = "2", Name = "Demo-Seite", Demo = true },
        ],
    };

    private static PageDaySummary QuietPage() => new()
    {
        PageId = "104857600000001",
        Name = "Kreis Soest",
        Date = Day,
        GeneratedAt = At(Day, 22, 45),
        Followers = new CounterChange(52_000, 0),
        Likes = new CounterChange(null, null),
        Reactions = ReactionCounts.Zero,
        Comments = 0,
        Shares = 0,
        Observations = 0,
        Posts = [],
    };

    private static DailySummary QuietDay() => new() { Date = Day, TimeZone = Zone, Demo = false, GeneratedAt = GeneratedAt, Pages = [QuietPage() with { Observations = 1 }] };

    internal static DailySummary HostileDay()
    {
        var bidi = "\u202Egnimmargorp\u202C \u2066isolated\u2069 \u200F\u061C";
        var quotes = "\"double\" 'single' `back` & &amp; +1 <b>bold</b> =x";
        var longText = string.Concat(Enumerable.Repeat("Sehr langer Text ohne Ende " + bidi + " 🎄 ", 200));
        var page = RichPage() with
        {
            Name = "Kreis " + Script + quotes,
            Posts =
            [
                Post("h1", "Hallo " + Script + "\" onmouseover=\"x " + quotes, 50, 1, 1, true, 7, [Script, quotes, bidi],
                    permalink: "https://www.facebook.com/story.php?a=1&b=2\"><img src=x>"),
                Post("h2", longText, 40, 1, 1, true, 8, permalink: "javascript:alert(1)"),
                Post("h3", bidi + "\u0000\u0007 tab\tnew\nline", 30, 1, 1, false, 9, permalink: " data:text/html,<script>"),
            ],
            Topics = [new TopicSummary(Script, 1, 50, 1, 1), new TopicSummary(bidi, 1, 40, 1, 1)],
            Alerts = [new SummaryAlert("crisis", "Warnung " + Script + quotes + bidi, At(Day, 19, 5))],
            MetaDay = new MetaDaySummary
            {
                Date = Day,
                Metrics = new Dictionary<string, long>(StringComparer.Ordinal) { [Script] = 1, ["page_media_view"] = 2 },
                Sources = new Dictionary<string, string>(StringComparer.Ordinal) { [Script] = quotes, ["page_media_view"] = Script },
            },
            Giveaways = [new GiveawayFollowThrough { PostId = "g", Excerpt = longText, Permalink = "https://x.example/\"<>", FollowersGained = 10, FollowersRetained = 5 }],
        };
        return new DailySummary
        {
            Date = Day,
            TimeZone = Zone,
            Demo = false,
            GeneratedAt = GeneratedAt,
            Pages = [page, QuietPage() with { PageId = "2", Name = bidi + quotes }],
        };
    }

    private static PeriodDay PeriodDayOf(DateOnly date, long followers, long change, long like, long comments, long shares, int newPosts) => new()
    {
        Date = date,
        Followers = new CounterChange(followers, change),
        Likes = new CounterChange(followers - 500, change - 1),
        Reactions = new ReactionCounts { Like = like, Love = like / 10 },
        Comments = comments,
        Shares = shares,
        NewPosts = newPosts,
        Observations = 96,
        Reach = like * 20,
        Views = like * 31,
    };

    private static PeriodPost PeriodPostOf(string id, DateOnly created, string excerpt, long like, long comments, long shares, IReadOnlyList<string>? topics, bool isNew = true,
        string? permalink = "") => new()
    {
        Id = id,
        CreatedTime = new DateTimeOffset(created.ToDateTime(new TimeOnly(9, 15)), TimeSpan.FromHours(1)),
        Permalink = permalink == "" ? "https://www.facebook.com/104857600000001/posts/" + id : permalink,
        Excerpt = excerpt,
        New = isNew,
        Reactions = new ReactionCounts { Like = like, Haha = like / 20 },
        Comments = comments,
        Shares = shares,
        ReactionsTotal = new ReactionCounts { Like = like * 2 },
        CommentsTotal = comments * 2,
        SharesTotal = shares * 2,
        Topics = topics,
        Reach = like * 25,
        ReachTotal = like * 40,
        Views = like * 38,
        ViewsTotal = like * 61,
        EngagementRate = TopPostRanking.EngagementRate((like * 2) + (like / 20 * 0) + (comments * 2) + (shares * 2), like * 40),
    };

    /// <summary>November 2026, data on every day: a Monatsbericht with all sections.</summary>
    internal static PeriodSummary Month()
    {
        var from = new DateOnly(2026, 11, 1);
        var to = new DateOnly(2026, 11, 30);
        var days = Enumerable.Range(0, 30)
            .Select(i => PeriodDayOf(from.AddDays(i), 51_000 + (i * 37) - (i % 7 == 3 ? 90 : 0), i % 7 == 3 ? -53 : 37, 100 + (i * 13), i * 3, i % 5, i % 3))
            .ToList();
        var posts = Enumerable.Range(1, 14)
            .Select(i => PeriodPostOf("p" + i, from.AddDays(i * 2), "Beitrag Nummer " + i + " im November", 1_000 - (i * 60), 40 - i, i % 4,
                i % 3 == 0 ? ["Ausbildung"] : i % 3 == 1 ? ["Unwetter", "Sicherheit"] : null, isNew: i % 2 == 0, permalink: i == 5 ? null : ""))
            .Append(PeriodPostOf("p0", from.AddDays(-3), "Ohne Interaktionen", 0, 0, 0, null, isNew: false))
            .ToList();
        var page = new PagePeriodSummary
        {
            PageId = "104857600000001",
            Name = "Kreis Soest",
            Followers = new PeriodCounter(50_963, days[^1].Followers.End, days[^1].Followers.End - 50_963, 1_020),
            Likes = new PeriodCounter(50_000, 50_100, 100, null),
            Totals = new PeriodTotals
            {
                Reactions = new ReactionCounts { Like = 8_655, Love = 850, Haha = 120 }, Comments = 1_305, Shares = 60, NewPosts = 29, DaysWithData = 30,
                Reach = days.Sum(d => d.Reach), Views = days.Sum(d => d.Views),
            },
            PreviousTotals = new PeriodTotals { Reactions = new ReactionCounts { Like = 9_000 }, Comments = 1_305, Shares = 75, NewPosts = 29, DaysWithData = 31, Reach = 150_000, Views = 240_000 },
            Days = days,
            Posts = posts,
            Milestones = [new Milestone(Milestones.Followers, 52_000, to), new Milestone(Milestones.Likes, 50_000, from.AddDays(3))],
            Topics = [new TopicSummary("Unwetter", 5, 3_000, 120, 6), new TopicSummary("Ausbildung", 4, 2_000, 80, 4)],
            MetaDays = Enumerable.Range(0, 30).Select(i => new MetaDaySummary
            {
                Date = from.AddDays(i - 1),
                Metrics = i == 4
                    ? new Dictionary<string, long>(StringComparer.Ordinal) { ["page_follows"] = 51_100 }
                    : new Dictionary<string, long>(StringComparer.Ordinal) { ["page_media_view"] = 10_000 + i, ["page_follows"] = 51_000 + i, ["page_post_engagements"] = 300 + i },
                Sources = i < 10 ? new Dictionary<string, string>(StringComparer.Ordinal) { ["page_media_view"] = "page_impressions" } : null,
            }).ToList(),
            Giveaways =
            [
                new GiveawayFollowThrough
                {
                    PostId = "p8",
                    CreatedTime = new DateTimeOffset(2026, 11, 17, 8, 15, 0, TimeSpan.Zero),
                    Excerpt = "Beitrag Nummer 8 im November",
                    Permalink = "https://www.facebook.com/104857600000001/posts/p8",
                    FollowersGained = 120,
                },
            ],
            Alerts = [new SummaryAlert("crisis", "Viele Kommentare am 12.11.2026.", new DateTimeOffset(2026, 11, 12, 16, 30, 0, TimeSpan.Zero))],
        };
        return new PeriodSummary
        {
            From = from,
            To = to,
            DayCount = 30,
            PreviousFrom = new DateOnly(2026, 10, 2),
            PreviousTo = new DateOnly(2026, 10, 31),
            TimeZone = Zone,
            Demo = false,
            GeneratedAt = GeneratedAt,
            Pages = [page],
        };
    }

    /// <summary>A demo week with data on 23., 24. and 29.11. (one run of two days, one single day), two Pages, nothing before.</summary>
    private static PeriodSummary WeekWithGaps()
    {
        var from = new DateOnly(2026, 11, 23);
        var to = new DateOnly(2026, 11, 29);
        var first = new PagePeriodSummary
        {
            PageId = "104857600000001",
            Name = "Kreis Soest",
            Demo = true,
            Followers = new PeriodCounter(910, 1_005, 95, null),
            Likes = new PeriodCounter(null, null, null, null),
            Totals = new PeriodTotals { Reactions = new ReactionCounts { Like = 1_060 }, Comments = 12, Shares = 3, NewPosts = 1, DaysWithData = 3 },
            PreviousTotals = PeriodTotals.Empty,
            Days =
            [
                PeriodDayOf(from, 920, 10, 1_010, 3, 2, 1),
                PeriodDayOf(from.AddDays(1), 960, 40, 30, 4, 1, 0),
                PeriodDayOf(to, 1_005, 45, 20, 5, 0, 0),
            ],
            Posts = [PeriodPostOf("1", from, "Ausbildung beim Kreis", 1_000, 0, 0, ["Ausbildung"])],
            Milestones = [new Milestone(Milestones.Followers, 1_000, to)],
        };
        var second = new PagePeriodSummary
        {
            PageId = "2",
            Name = "Zweite Seite",
            Followers = new PeriodCounter(null, 500, null, null),
            Likes = new PeriodCounter(null, 400, null, null),
            Totals = new PeriodTotals { Reactions = ReactionCounts.Zero, DaysWithData = 1 },
            PreviousTotals = new PeriodTotals { Reactions = ReactionCounts.Zero, DaysWithData = 1 },
            Days = [PeriodDayOf(from.AddDays(3), 500, 0, 0, 0, 0, 0)],
            Posts = [],
            Milestones = [],
            Topics = [],
            MetaDays = [],
            Giveaways = [],
            Alerts = [],
        };
        return new PeriodSummary
        {
            From = from,
            To = to,
            DayCount = 7,
            PreviousFrom = new DateOnly(2026, 11, 16),
            PreviousTo = new DateOnly(2026, 11, 22),
            TimeZone = Zone,
            Demo = true,
            GeneratedAt = GeneratedAt,
            Pages = [first, second],
        };
    }

    private static PeriodSummary HostilePeriod()
    {
        var week = WeekWithGaps();
        var hostile = HostileDay().Pages[0];
        var page = week.Pages[0] with
        {
            Name = hostile.Name,
            Demo = false,
            Posts = [PeriodPostOf("h", week.From, hostile.Posts[0].Excerpt, 5, 1, 1, hostile.Posts[0].Topics, permalink: hostile.Posts[0].Permalink)],
            Topics = hostile.Topics,
            Alerts = hostile.Alerts,
            MetaDays = [hostile.MetaDay!, hostile.MetaDay! with { Date = week.From.AddDays(1) }],
            Giveaways = hostile.Giveaways,
        };
        return week with { Demo = false, Pages = [page, week.Pages[1] with { Name = Script }] };
    }

    private static PeriodSummary EmptyPeriod() => new()
    {
        From = new DateOnly(2026, 11, 2),
        To = new DateOnly(2026, 11, 2),
        DayCount = 1,
        PreviousFrom = new DateOnly(2026, 11, 1),
        PreviousTo = new DateOnly(2026, 11, 1),
        TimeZone = Zone,
        Demo = false,
        GeneratedAt = GeneratedAt,
        Pages = [],
    };
}
