using System.Globalization;
using Listening.Core.Configuration;
using Listening.Core.Contracts;

namespace Listening.Core.Meta.Sample;

/// <summary>
/// One media item of the demo Page's Instagram account: when (story day and local time), what (Graph's
/// <c>media_product_type</c> and <c>media_type</c>), the counters it ends with, and how fast it gets there.
/// </summary>
internal sealed record ScriptedMedia(
    int Day, TimeOnly LocalTime, string ProductType, string MediaType, int Reach, int Likes, int Comments, int Saves, int Shares,
    double TauHours, string Caption);

/// <summary>
/// The Instagram account linked to the demo Page, "@kreis.musterstadt": the county's story told to younger people.
/// Reels about apprenticeships reach far more people than the Page's posts on the same subject (one of them, three
/// tips for the application, goes viral and outreaches every Facebook post but the giveaway), feed images follow
/// the Page's environment and storm posts, two stories live for 24 hours each (the apprentice's day, the storm
/// warning), and the followers grow with every Reel past 2,500.
/// </summary>
internal static class DemoInstagramScript
{
    public const string AccountId = "17841400000000001";

    public const string Username = "kreis.musterstadt";

    public const long StartFollowers = 2_290;

    public const long Follows = 87;

    /// <summary>Feed posts and Reels published before the story (<c>media_count</c> counts no stories).</summary>
    public const long MediaBefore = 212;

    /// <summary>People reached per new follower: a Reel seen by 3,000 people brings about 10 followers.</summary>
    public const double ReachPerFollower = 300;

    public const double FollowersTauHours = 30;

    public static IReadOnlyList<ScriptedMedia> Media { get; } =
    [
        // M(day, local time, product type, media type, reach, likes, comments, saves, shares, τ in hours, caption)
        M(1, "10:00", InstagramMetrics.Reels, "VIDEO", 11_800, 640, 38, 120, 95, 30,
            "Ein Tag in der Straßenmeisterei: große Maschinen, frische Luft, jeden Tag draußen. Jetzt bewerben für die Ausbildung 2027! #Ausbildung #Straßenmeisterei"),
        M(3, "16:30", InstagramMetrics.Story, "VIDEO", 1_900, 0, 0, 0, 14, 3,
            "Azubi-Story: Lea zeigt euch ihren Tag im Kreishaus. #AzubiLeben"),
        M(5, "11:00", InstagramMetrics.Feed, "IMAGE", 1_700, 180, 12, 25, 30, 8,
            "Musterstadt räumt auf! Übermorgen sammeln wir gemeinsam Müll. Handschuhe und Säcke stellt der Kreis. #Umwelt #Müllsammeln"),
        M(6, "10:00", InstagramMetrics.Reels, "VIDEO", 13_400, 710, 52, 210, 130, 30,
            "Duales Studium beim Kreis in 30 Sekunden: Gehalt ab dem ersten Tag und gute Chancen auf Übernahme. #Ausbildung #DualesStudium"),
        M(8, "18:00", InstagramMetrics.Feed, "CAROUSEL_ALBUM", 2_300, 260, 19, 31, 22, 8,
            "412 Freiwillige, 2,3 Tonnen Müll: die Bilder von „Musterstadt räumt auf“. Danke an alle! #Umwelt"),
        M(10, "11:05", InstagramMetrics.Feed, "IMAGE", 6_800, 540, 210, 60, 140, 10,
            "Gewinnspiel auf unserer Facebook-Seite: 5 × 2 Tickets für das Musterstadt Open Air. Den Link findet ihr in der Bio. #Gewinnspiel"),
        M(12, "09:30", InstagramMetrics.Feed, "IMAGE", 1_500, 170, 9, 44, 18, 8,
            "Kostenloses Wildblumen-Saatgut für eure Blühwiese zu Hause: im Kreishaus und in allen Bürgerbüros. #Umweltschutz"),
        M(15, "12:00", InstagramMetrics.Reels, "VIDEO", 9_600, 480, 41, 95, 70, 30,
            "Tag der offenen Tür in 60 Sekunden: Unsere Azubis zeigen euch das Kreishaus und schauen eure Bewerbung an. #Ausbildung"),
        M(18, "12:00", InstagramMetrics.Reels, "VIDEO", 38_000, 2_150, 186, 1_240, 860, 36,
            "Drei Bewerbungstipps in 30 Sekunden – von unseren Azubis. Nummer 3 überrascht euch! #Ausbildung #Bewerbung #JetztBewerben"),
        M(22, "07:45", InstagramMetrics.Story, "IMAGE", 4_200, 0, 0, 0, 160, 3,
            "Unwetterwarnung: Bleibt drinnen, meidet Wälder und Alleen. Notruf nur in Notfällen: 112. #Sturm"),
        M(22, "17:30", InstagramMetrics.Feed, "IMAGE", 3_900, 310, 44, 20, 120, 6,
            "Sturm-Update: Die Feuerwehren waren mehr als 230 Mal im Einsatz. Mehrere Kreisstraßen bleiben bis morgen gesperrt. #Sturm"),
        M(25, "09:30", InstagramMetrics.Reels, "VIDEO", 14_200, 760, 61, 180, 120, 30,
            "Fachinformatik beim Kreis: Lukas zeigt, was er als Azubi programmiert. Noch Plätze frei für 2027! #Ausbildung"),
        M(27, "15:00", InstagramMetrics.Feed, "IMAGE", 1_400, 150, 7, 28, 12, 8,
            "37 Wildbienenarten auf unseren Blühwiesen, im Vorjahr waren es 21. #Umweltschutz #Blühwiese"),
        M(29, "10:00", InstagramMetrics.Reels, "VIDEO", 12_500, 690, 70, 150, 140, 30,
            "Letzte Chance! Heute endet die Bewerbungsfrist für die Ausbildung 2027. Schickt uns eure Bewerbung! #Ausbildung #JetztBewerben"),
    ];

    private static ScriptedMedia M(
        int day, string localTime, string productType, string mediaType, int reach, int likes, int comments, int saves, int shares,
        double tauHours, string caption) =>
        new(day, TimeOnly.ParseExact(localTime, "HH:mm", CultureInfo.InvariantCulture), productType, mediaType, reach, likes, comments,
            saves, shares, tauHours, caption);
}

/// <summary>The demo Page's Instagram account at any instant: a function of the demo's first day and the instant, like the Page.</summary>
internal sealed class DemoInstagram
{
    private readonly DemoPage _page;

    public DemoInstagram(DemoPage page)
    {
        _page = page;
        Media = [.. DemoInstagramScript.Media.Select((m, i) => new DemoMedia(
            string.Create(CultureInfo.InvariantCulture, $"1790000000000{i + 1:D4}"), page.LocalInstant(m.Day, m.LocalTime), m))];
    }

    public IReadOnlyList<DemoMedia> Media { get; }

    /// <summary>
    /// What the Graph API shows at <paramref name="at"/>: the account's counters, the feed posts and Reels published in
    /// the look-back window, the stories alive (24 hours), and the account's daily insights for the Meta days of
    /// <paramref name="insightDays"/>.
    /// </summary>
    public InstagramObservation Observe(DateTimeOffset at, int lookbackDays, IReadOnlyList<DateOnly> insightDays)
    {
        var since = at.AddDays(-lookbackDays);
        var media = Media
            .Where(m => m.Timestamp <= at && (m.IsStory ? at - m.Timestamp < TimeSpan.FromHours(24) : m.Timestamp > since))
            .OrderByDescending(m => m.Timestamp)
            .Select(m => m.ObservedAt(at))
            .ToList();
        return new InstagramObservation
        {
            AccountId = DemoInstagramScript.AccountId,
            Username = DemoInstagramScript.Username,
            Followers = FollowersAt(at),
            Follows = DemoInstagramScript.Follows,
            MediaCount = DemoInstagramScript.MediaBefore + Media.Count(m => !m.IsStory && m.Timestamp <= at),
            Media = media,
            Insights = [.. insightDays.SelectMany(AccountInsights)],
        };
    }

    public long FollowersAt(DateTimeOffset at)
    {
        var start = _page.StartInstant;
        double gained = 0;
        if (at > start)
        {
            var days = _page.DayIndexOf(at);
            for (var day = 0; day <= days; day++)
            {
                // Two to five new followers a day, spread evenly, as on the Page.
                var dayStart = _page.LocalInstant(day, TimeOnly.MinValue);
                var share = Math.Clamp((at - dayStart) / TimeSpan.FromHours(24), 0, 1);
                gained += (2 + DemoPage.Roll(day, 11, 4)) * share;
            }
        }

        foreach (var media in Media)
        {
            gained += DemoPage.Settled(media.Script.Reach / DemoInstagramScript.ReachPerFollower, (at - media.Timestamp).TotalHours, DemoInstagramScript.FollowersTauHours);
        }

        return DemoInstagramScript.StartFollowers + (long)Math.Floor(gained);
    }

    /// <summary>Meta's account insights of one Meta day (Pacific): what the media gained that day, plus the profile's own visits.</summary>
    private IEnumerable<InsightValue> AccountInsights(DateOnly metaDay)
    {
        var from = MetaCalendar.StartOf(metaDay);
        var to = MetaCalendar.EndOf(metaDay);
        long Gained(Func<PostCounters, long> counter) => Media.Sum(m => counter(m.CountersAt(to)) - counter(m.CountersAt(from)));
        var likes = Gained(c => c.Likes);
        var comments = Gained(c => c.Comments);
        var shares = Gained(c => c.Shares);
        var saves = Gained(c => c.Saves);
        var reach = Gained(c => c.Reach);
        var interactions = likes + comments + shares + saves;
        var visits = 120 + (DemoPage.Roll(metaDay.DayNumber, 12, 80));
        var end = to.ToUniversalTime();
        (string Metric, long Value)[] values =
        [
            ("views", Gained(c => c.Views) + (visits * 3)),
            ("reach", (long)Math.Round(reach * 0.85) + visits),
            ("accounts_engaged", (long)Math.Round(interactions * 0.7)),
            ("total_interactions", interactions),
            ("likes", likes),
            ("comments", comments),
            ("shares", shares),
            ("saves", saves),
            ("follows_and_unfollows", Math.Max(0, FollowersAt(to) - FollowersAt(from))),
        ];
        return values.Select(v => new InsightValue { Metric = v.Metric, EndTime = end, Value = v.Value });
    }
}

/// <summary>A media item's counters at an instant (0 before it was published).</summary>
internal readonly record struct PostCounters(long Reach, long Views, long Likes, long Comments, long Saves, long Shares);

/// <summary>One media item of the demo account, placed in time; <see cref="ObservedAt"/> gives what Graph shows of it.</summary>
internal sealed record DemoMedia(string Id, DateTimeOffset Timestamp, ScriptedMedia Script)
{
    /// <summary>Views per person reached: Reels are watched more than once.</summary>
    private const double ReelViewsPerPerson = 2.4;

    private const double ViewsPerPerson = 1.5;

    public bool IsStory => Script.ProductType == InstagramMetrics.Story;

    public bool IsReel => Script.ProductType == InstagramMetrics.Reels;

    public PostCounters CountersAt(DateTimeOffset at)
    {
        // A story's counters stop when it vanishes: its last values are the ones kept.
        var age = (at - Timestamp).TotalHours;
        if (IsStory)
        {
            age = Math.Min(age, 24);
        }

        var s = Script;
        var reach = Grown(s.Reach, age);
        return new PostCounters(
            reach,
            Grown((long)Math.Round(s.Reach * (IsReel ? ReelViewsPerPerson : ViewsPerPerson)), age),
            Grown(s.Likes, age),
            Grown(s.Comments, age * 0.8),
            Grown(s.Saves, age * 0.7),
            Grown(s.Shares, age * 0.8));
    }

    public InstagramMediaObservation ObservedAt(DateTimeOffset at)
    {
        var c = CountersAt(at);
        var metrics = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["views"] = c.Views,
            ["reach"] = c.Reach,
            ["shares"] = c.Shares,
        };
        if (IsStory)
        {
            // Stories accept no saved; replies are their comments.
            var replies = (long)Math.Round(c.Shares / 4.0);
            metrics["replies"] = replies;
            metrics["total_interactions"] = c.Shares + replies;
        }
        else
        {
            metrics["saved"] = c.Saves;
            metrics["total_interactions"] = c.Likes + c.Comments + c.Saves + c.Shares;
        }

        var number = Id[^4..].TrimStart('0');
        return new InstagramMediaObservation
        {
            Id = Id,
            Timestamp = Timestamp,
            Permalink = IsStory
                ? $"https://www.instagram.com/stories/{DemoInstagramScript.Username}/{Id}/"
                : $"https://www.instagram.com/{(IsReel ? "reel" : "p")}/KreisMuster{number}/",
            Caption = Script.Caption,
            MediaType = Script.MediaType,
            ProductType = Script.ProductType,
            Likes = IsStory ? null : c.Likes,
            Comments = IsStory ? null : c.Comments,
            Metrics = metrics,
        };
    }

    private long Grown(long final, double ageHours) =>
        (long)Math.Round(DemoPage.Settled(final, ageHours, Script.TauHours), MidpointRounding.AwayFromZero);
}
