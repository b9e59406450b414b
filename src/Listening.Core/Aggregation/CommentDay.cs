using System.Globalization;
using Listening.Core.Contracts;
using Listening.Core.Storage;

namespace Listening.Core.Aggregation;

/// <summary>
/// A day's comment triage from its hourly counts (<see cref="CommentHourEntity"/>): per Page and per post, with the
/// median response time over the answered questions. The counts live as long as the aggregates, so a summary
/// rebuilt months later still has them.
/// </summary>
public static class CommentDay
{
    public static (CommentTriage? Page, IReadOnlyDictionary<string, CommentTriage> Posts) Build(IReadOnlyCollection<CommentHourEntity> hours)
    {
        ArgumentNullException.ThrowIfNull(hours);
        if (hours.Count == 0)
        {
            return (null, new Dictionary<string, CommentTriage>(StringComparer.Ordinal));
        }

        var posts = hours.GroupBy(h => h.PostId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Triage([.. g]), StringComparer.Ordinal);
        return (Triage(hours), posts);
    }

    /// <summary>The day's questions, urgent and abusive comments, oldest first; null when the hours keep none (any more).</summary>
    public static IReadOnlyList<TrackedComment>? Tracked(IEnumerable<CommentHourEntity> hours, Configuration.LocalCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var tracked = hours
            .SelectMany(h => TrackedEntry.Split(h.Tracked).Select(e => (h.PostId, Entry: e)))
            .OrderBy(t => t.Entry.CreatedAt)
            .ThenBy(t => t.Entry.CommentId, StringComparer.Ordinal)
            .Select(t => new TrackedComment
            {
                CommentId = t.Entry.CommentId,
                PostId = t.PostId,
                Category = t.Entry.Category,
                CreatedTime = calendar.ToLocal(t.Entry.CreatedAt),
                AnsweredAt = t.Entry.AnsweredAt is { } a ? calendar.ToLocal(a) : null,
                Hidden = t.Entry.Hidden,
                Link = CommentLink.To(t.PostId, t.Entry.CommentId),
            })
            .ToList();
        return tracked.Count == 0 ? null : tracked;
    }

    /// <summary>Grows whenever an hour row is written again (its service timestamp moves on) or added.</summary>
    public static long Stamp(IEnumerable<CommentHourEntity> hours) =>
        hours.Sum(h => h.Timestamp?.ToUnixTimeMilliseconds() ?? 0);

    private static CommentTriage Triage(IReadOnlyCollection<CommentHourEntity> hours)
    {
        var questions = hours.Sum(h => h.Questions);
        var answered = hours.Sum(h => h.Answered);
        var minutes = hours.SelectMany(h => h.ResponseMinutes.Split(',', StringSplitOptions.RemoveEmptyEntries))
            .Select(m => int.Parse(m, NumberStyles.None, CultureInfo.InvariantCulture))
            .Order()
            .ToList();
        return new CommentTriage
        {
            Questions = questions,
            Urgent = hours.Sum(h => h.Urgent),
            Abusive = hours.Sum(h => h.Abusive),
            Answered = answered,
            Unanswered = questions - answered,
            MedianResponseMinutes = Median(minutes),
        };
    }

    internal static double? Median(IReadOnlyList<int> sorted) => sorted.Count switch
    {
        0 => null,
        _ when sorted.Count % 2 == 1 => sorted[sorted.Count / 2],
        _ => (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2.0,
    };
}
