using Listening.Core.Configuration;
using Listening.Core.Contracts;

namespace Listening.IntegrationTests.Aggregation;

/// <summary>
/// A deterministic set of snapshots: Pages, days and capture times chosen by the test (midnight edges included),
/// posts whose counters grow with time, pulls that lack the Page fields now and then, captures split into parts.
/// </summary>
internal static class SnapshotStory
{
    public static readonly string[] PageIds = ["104857600000001", "104857600000002"];

    private static readonly string[] Texts =
    [
        "Jetzt für eine Ausbildung beim Kreis bewerben! #Ausbildung",
        "Schüler-BAföG: Anträge bis Ende Dezember",
        "Reitkennzeichen: ein Nummernschild fürs Pferd",
        "Blühwiesen für Wildbienen #Umwelt",
        "GEWINNSPIEL: Wir verlosen Tickets! #Gewinnspiel",
        "Unwetterwarnung: Sturm ab heute Abend",
        "Kfz-Zulassung: Termine online buchen",
    ];

    /// <summary>Captures at these local times of each day: both midnight edges and the ambiguous hour of October.</summary>
    public static readonly TimeOnly[] LocalTimes = [new(0, 0, 0), new(2, 30), new(9, 15), new(14, 40), new(23, 59, 59)];

    public static List<PageSnapshot> Build(LocalCalendar calendar, DateOnly first, int days, Func<string, DateOnly, bool>? skipDay = null)
    {
        var snapshots = new List<PageSnapshot>();
        foreach (var (pageId, pageIndex) in PageIds.Select((p, i) => (p, i)))
        {
            for (var d = 0; d < days; d++)
            {
                var date = first.AddDays(d);
                if (skipDay?.Invoke(pageId, date) == true)
                {
                    continue;
                }

                foreach (var time in LocalTimes)
                {
                    var at = At(calendar, date, time);
                    snapshots.AddRange(Capture(pageId, pageIndex, at, first));
                }
            }
        }

        return snapshots;
    }

    /// <summary>The local time on the date as an instant (the first one when the hour repeats, the next valid one when it is skipped).</summary>
    public static DateTimeOffset At(LocalCalendar calendar, DateOnly date, TimeOnly time)
    {
        var local = date.ToDateTime(time);
        while (calendar.Zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }

        var offset = calendar.Zone.IsAmbiguousTime(local) ? calendar.Zone.GetAmbiguousTimeOffsets(local).Max() : calendar.Zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    public static IEnumerable<PageSnapshot> Capture(string pageId, int pageIndex, DateTimeOffset at, DateOnly first)
    {
        var hours = (at - new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)).TotalHours;
        var posts = new List<PostObservation>();
        for (var n = 0; n < 12; n++)
        {
            // A post every 10 hours from the start; pulls see the last 3 days of posts (the look-back window).
            var created = new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddHours(-20 + (10 * n) + pageIndex);
            if (created > at || at - created > TimeSpan.FromDays(3))
            {
                continue;
            }

            var age = (at - created).TotalHours;
            var grown = (long)(40 * (1 - Math.Exp(-age / 6))) + n;
            posts.Add(new PostObservation
            {
                Id = $"{pageId}_{n + 1}",
                CreatedTime = created,
                Permalink = $"https://www.facebook.com/{pageId}/posts/{n + 1}",
                Message = Texts[n % Texts.Length],
                Reactions = new ReactionCounts { Like = grown, Love = grown / 4, Angry = n % 3 == 0 ? grown / 10 : 0 },
                Comments = grown / 3,
                Shares = grown / 7,
            });
        }

        var followers = 1_000 + (pageIndex * 500) + (long)(hours / 3);
        var withoutPageFields = (int)hours % 7 == 3; // now and then Meta answers without the Page fields
        var parts = posts.Count > 3 ? 2 : 1;
        var half = (posts.Count + 1) / 2;
        for (var part = 0; part < parts; part++)
        {
            yield return new PageSnapshot
            {
                PageId = pageId,
                PageName = pageIndex == 0 ? "Kreis Soest" : "Kreis Musterstadt",
                CapturedAt = at,
                Followers = withoutPageFields ? null : followers,
                Fans = withoutPageFields ? null : followers - 40,
                Part = part,
                Parts = parts,
                Posts = parts == 1 ? posts : part == 0 ? posts[..half] : posts[half..],
            };
        }
    }
}
