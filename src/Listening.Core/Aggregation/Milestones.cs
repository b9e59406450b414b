using Listening.Core.Contracts;
namespace Listening.Core.Aggregation;

/// <summary>
/// Round numbers of followers and likes worth a word: 1.000, 2.500, 5.000, 10.000, 25.000, 50.000, 100.000, ...
/// Only crossings upwards count; a Page that drops below a mark and climbs back has crossed it again.
/// </summary>
public static class Milestones
{
    public const string Followers = "followers";

    public const string Likes = "likes";

    /// <summary>Followers of the Instagram account linked to the Page (issue 14).</summary>
    public const string InstagramFollowers = "instagramFollowers";

    /// <summary>The marks passed going from <paramref name="before"/> to <paramref name="after"/> (before &lt; mark ≤ after), ascending.</summary>
    public static IReadOnlyList<long> Crossed(long? before, long? after)
    {
        if (before is not { } from || after is not { } to || to <= from)
        {
            return [];
        }

        var crossed = new List<long>();
        foreach (var mark in Marks())
        {
            if (mark > to)
            {
                break;
            }

            if (mark > from)
            {
                crossed.Add(mark);
            }
        }

        return crossed;
    }

    /// <summary>The milestones of one day, from the end-of-day counters and their change against the day before.</summary>
    public static IReadOnlyList<Milestone> Of(PageDaySummary page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var found = new List<Milestone>();
        Add(found, Followers, page.Followers, page.Date);
        Add(found, Likes, page.Likes, page.Date);
        if (page.Instagram is { } instagram)
        {
            Add(found, InstagramFollowers, instagram.Followers, page.Date);
        }

        return found;
    }

    private static void Add(List<Milestone> found, string kind, CounterChange counter, DateOnly date)
    {
        if (counter is { End: { } end, Change: { } change })
        {
            found.AddRange(Crossed(end - change, end).Select(mark => new Milestone(kind, mark, date)));
        }
    }

    private static IEnumerable<long> Marks()
    {
        for (long decade = 1_000; decade <= 1_000_000_000_000; decade *= 10)
        {
            yield return decade;
            yield return decade * 5 / 2;
            yield return decade * 5;
        }
    }
}
