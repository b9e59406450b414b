using Listening.Core.Storage;

namespace Listening.Core.Aggregation;

/// <summary>
/// The rule "which summaries does a changed day affect", written once and forward: from a day whose observations
/// changed to the later days whose summaries read it. <see cref="SummaryMaterializer"/> reads by the same constants,
/// <see cref="SnapshotAggregator"/> rebuilds what <see cref="AffectedBy"/> names, replay rebuilds the whole
/// <see cref="MaxDependentOffset"/> window. docs/data-model.md, "How a summary is materialized".
/// </summary>
public static class SummaryDependencies
{
    /// <summary>How far back a post or the Page is looked for when the previous day has no observation of it.</summary>
    public const int BaselineLookbackDays = 14;

    /// <summary>Days from a giveaway post's day to the end of its follow-through (the summary that reports it).</summary>
    public const int GiveawayRetentionDays = 30;

    /// <summary>Days after a giveaway post's day whose end counts the followers it gained.</summary>
    public const int GiveawayGainDays = 3;

    /// <summary>Why a later day's summary reads a changed day, each with the offsets (days after the change) it covers.</summary>
    private static readonly Dependency[] Dependencies =
    [
        // Baselines: the day before, always; up to two weeks back when the days in between have no observation of
        // the Page or of a post (an outage, a lost snapshot part).
        new(Reason.DayBefore, 1, 1),
        new(Reason.BaselineOverGap, 2, BaselineLookbackDays),

        // A giveaway's follow-through, reported 30 days after the post's day: the changed day may be the end of the
        // gain window (followers; the post's reach by then), a day of the gain window (the post's row: first seen
        // after midnight, its reach), the post's day, or the day before it.
        new(Reason.GiveawayGainEnd, GiveawayRetentionDays - GiveawayGainDays, GiveawayRetentionDays - GiveawayGainDays),
        new(Reason.GiveawayPostDay, GiveawayRetentionDays - GiveawayGainDays + 1, GiveawayRetentionDays),
        new(Reason.GiveawayFollowersBefore, GiveawayRetentionDays + 1, GiveawayRetentionDays + 1),
    ];

    /// <summary>The furthest a summary reads back: the day before a giveaway post, 30 days before the report.</summary>
    public const int MaxDependentOffset = GiveawayRetentionDays + 1;

    /// <summary>
    /// The later days whose summaries read rows a snapshot may have changed on <paramref name="changed"/>, given the
    /// row keys stored in the <see cref="MaxDependentOffset"/> days after it: the next day; a day up to 14 days on
    /// whose baseline (the Page, or one of <paramref name="postIds"/>) skips back over a gap to this day; and the
    /// days whose giveaway follow-through reads this day.
    /// </summary>
    public static IReadOnlyList<DateOnly> AffectedBy(
        DateOnly changed, IEnumerable<string> postIds, bool hasGiveaway, IReadOnlyList<ObservationKey> laterKeys)
    {
        ArgumentNullException.ThrowIfNull(laterKeys);
        var pageDays = laterKeys.Where(k => k.IsPage).Select(k => k.Date).Where(d => d > changed).Distinct().Order().ToList();
        var ids = postIds.ToHashSet(StringComparer.Ordinal);
        var postDays = laterKeys.Where(k => k.PostId is { } id && ids.Contains(id))
            .GroupBy(k => k.PostId!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(k => k.Date).ToHashSet(), StringComparer.Ordinal);
        var giveawayDays = laterKeys.Where(k => k.Giveaway).Select(k => k.Date).ToHashSet();
        var result = new List<DateOnly>();
        foreach (var day in pageDays)
        {
            var offset = day.DayNumber - changed.DayNumber;
            bool GapSince(Func<DateOnly, bool> hasData) =>
                Enumerable.Range(1, offset - 1).All(i => !hasData(changed.AddDays(i)));
            var reads = ReasonAt(offset) switch
            {
                Reason.DayBefore => true,
                Reason.BaselineOverGap =>
                    GapSince(d => pageDays.Contains(d))
                    || postDays.Values.Any(days => days.Contains(day) && GapSince(days.Contains)),
                Reason.GiveawayGainEnd => true,
                Reason.GiveawayPostDay => hasGiveaway,
                Reason.GiveawayFollowersBefore => giveawayDays.Contains(changed.AddDays(1)) || giveawayDays.Contains(changed.AddDays(2)),
                _ => false,
            };
            if (reads)
            {
                result.Add(day);
            }
        }

        return result;
    }

    /// <summary>
    /// Whether the summary of <paramref name="day"/> may read observations of <paramref name="changed"/> at all (its
    /// own day, or any offset of the rule above, whatever the data): what a materialization reads, seen from the day.
    /// </summary>
    public static bool Reads(DateOnly day, DateOnly changed)
    {
        var offset = day.DayNumber - changed.DayNumber;
        return offset == 0 || ReasonAt(offset) is not null;
    }

    private static Reason? ReasonAt(int offset) =>
        Array.Find(Dependencies, d => offset >= d.FirstOffset && offset <= d.LastOffset)?.Why;

    private enum Reason
    {
        DayBefore,
        BaselineOverGap,
        GiveawayGainEnd,
        GiveawayPostDay,
        GiveawayFollowersBefore,
    }

    private sealed record Dependency(Reason Why, int FirstOffset, int LastOffset);
}
