using Listening.Core.Contracts;
using Listening.Core.Summaries;

namespace Listening.Core.Tests.Summaries;

/// <summary>Hand-built summaries for the renderers: a county Page on 27.11.2026 (Berlin is UTC+1 then).</summary>
internal static class SampleSummary
{
    public static readonly DateOnly Day = new(2026, 11, 27);

    /// <summary>06:00 Uhr in Berlin on the next morning.</summary>
    public static readonly DateTimeOffset GeneratedAt = new(2026, 11, 28, 5, 0, 0, TimeSpan.Zero);

    public static DailySummary Create(bool demo = false, params PageDaySummary[] pages) => new()
    {
        Date = Day,
        TimeZone = "Europe/Berlin",
        Demo = demo,
        GeneratedAt = GeneratedAt,
        Pages = pages.Length > 0 ? pages : [Page()],
    };

    public static PageDaySummary Page(string name = "Kreis Soest", string id = "104857600000001", params PostDaySummary[] posts) => new()
    {
        PageId = id,
        Name = name,
        Date = Day,
        GeneratedAt = new DateTimeOffset(2026, 11, 27, 22, 45, 0, TimeSpan.Zero),
        Followers = new CounterChange(52_000, 12),
        Likes = new CounterChange(48_310, -3),
        Reactions = new ReactionCounts { Like = 1_180, Love = 64, Care = 9, Haha = 21, Wow = 5, Sad = 2, Angry = 1 },
        Comments = 87,
        Shares = 19,
        Observations = 96,
        Posts = posts.Length > 0 ? posts : [Post()],
    };

    /// <summary>Created 09:15 Uhr Berlin time on the sample day.</summary>
    public static PostDaySummary Post(
        string excerpt = "Ausbildung beim Kreis: Jetzt bewerben für 2027!",
        string? permalink = "https://www.facebook.com/104857600000001/posts/1",
        string id = "104857600000001_1",
        long reactions = 1_200,
        long comments = 80,
        long shares = 15,
        bool isNew = true,
        int hour = 8) => new()
    {
        Id = id,
        CreatedTime = new DateTimeOffset(2026, 11, 27, hour, 15, 0, TimeSpan.Zero),
        Permalink = permalink,
        Excerpt = excerpt,
        Reactions = new ReactionCounts { Like = reactions },
        ReactionsTotal = new ReactionCounts { Like = reactions + 300 },
        Comments = comments,
        CommentsTotal = comments + 10,
        Shares = shares,
        SharesTotal = shares + 2,
        New = isNew,
    };

    /// <summary>A Page's day with the given headline numbers (reactions all "Gefällt mir").</summary>
    public static PageDaySummary DayOf(
        DateOnly date, long followers, long? followerChange, long likes = 0, long comments = 0, long shares = 0, params PostDaySummary[] posts) => new()
    {
        PageId = "104857600000001",
        Name = "Kreis Soest",
        Date = date,
        GeneratedAt = new DateTimeOffset(date.ToDateTime(new TimeOnly(21, 45)), TimeSpan.Zero),
        Followers = new CounterChange(followers, followerChange),
        Likes = new CounterChange(followers - 50, followerChange),
        Reactions = new ReactionCounts { Like = likes },
        Comments = comments,
        Shares = shares,
        Observations = 96,
        Posts = posts,
    };

    /// <summary>A post's gains on one day, created at 09:15 Uhr Berlin time on <paramref name="created"/>.</summary>
    public static PostDaySummary PostOn(DateOnly created, string id, long like, long comments = 0, long shares = 0, bool isNew = false, IReadOnlyList<string>? topics = null, string? excerpt = null) => new()
    {
        Id = id,
        CreatedTime = new DateTimeOffset(created.ToDateTime(new TimeOnly(9, 15)), TimeSpan.FromHours(1)),
        Permalink = "https://www.facebook.com/104857600000001/posts/" + id,
        Excerpt = excerpt ?? "Beitrag " + id,
        Reactions = new ReactionCounts { Like = like },
        ReactionsTotal = new ReactionCounts { Like = like * 2 },
        Comments = comments,
        CommentsTotal = comments * 2,
        Shares = shares,
        SharesTotal = shares * 2,
        New = isNew,
        Topics = topics ?? [],
    };

    public static PageDaySummary QuietPage() => Page() with
    {
        Reactions = ReactionCounts.Zero,
        Comments = 0,
        Shares = 0,
        Followers = new CounterChange(52_000, 0),
        Posts = [],
    };
}
