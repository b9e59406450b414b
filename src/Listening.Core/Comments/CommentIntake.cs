using System.Globalization;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Storage;
using Microsoft.Extensions.Options;

namespace Listening.Core.Comments;

/// <summary>
/// Applies comment events to the comments table: one row per top-level comment (category, time, answered; no
/// author, no text), the Page's replies as answers, and the hourly counts per post recomputed from the rows.
/// Idempotent and order-independent: an event applied twice changes nothing; an older edit never overwrites a newer
/// one; a removed comment stays removed (a late copy of its <c>add</c> is not counted again); a reply of the Page
/// that arrives before the question still answers it. The Page's own comments are replies, never counted.
/// A comment created before the retention cutoff (<see cref="DataRetention.CommentCutoff"/>) is ignored: its hour's
/// rows are gone, and counting it again would rebuild that hour's counts from what is left.
/// A message that comes back after a failure (<c>retry</c>) finds its rows written: its events then report the
/// comments they concern as they stand, so the counts, the summaries and the alerts the failed try did not reach are
/// done now (the alert log raises each alert once). A first try reports only what it changed, so a duplicate of a
/// delivery handled beside the original raises nothing twice.
/// </summary>
public sealed class CommentIntake(ICommentStore store, CommentRules rules, LocalCalendar calendar, TimeProvider time, IOptions<ListeningOptions> options)
{
    private const int MaxAttempts = 10;

    public Task<TriageResult> ApplyAsync(IEnumerable<CommentEvent> events, CancellationToken cancellationToken) =>
        ApplyAsync(events, retry: false, cancellationToken);

    /// <param name="retry">The message failed before (its dequeue count is above 1): report what stands, not only what changed.</param>
    public async Task<TriageResult> ApplyAsync(IEnumerable<CommentEvent> events, bool retry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var buckets = new HashSet<Bucket>();
        var triaged = new List<TriagedComment>();
        var ignored = 0;
        var cutoff = DataRetention.CommentCutoff(time.GetUtcNow(), options.Value.Comments.RetentionDays);
        foreach (var e in events)
        {
            if (e.CreatedTime is { } created && created < cutoff)
            {
                ignored++;
                continue;
            }

            if (e.ByPage)
            {
                if (!e.IsTopLevel && e.Verb is CommentVerb.Add or CommentVerb.Edited)
                {
                    await AnswerAsync(e.PageId, e.ParentId!, e.CreatedTime ?? e.EventTime, retry, buckets, cancellationToken);
                }
                else
                {
                    ignored++;
                }

                continue;
            }

            if (!e.IsTopLevel)
            {
                // A reply by someone else: triage counts the top-level comments only.
                ignored++;
                continue;
            }

            var (before, after) = await UpdateAsync(e.PageId, e.CommentId, existing => Decide(existing, e), cancellationToken);
            if (after is null)
            {
                if (retry && before is not null)
                {
                    // The failed try may have written this row and stopped before its counts, summary or alert.
                    Touch(before, buckets);
                    if (e.Verb is CommentVerb.Add or CommentVerb.Edited && Counts(before) && before.Category is CommentRules.Urgent or CommentRules.Abusive)
                    {
                        triaged.Add(new TriagedComment(e.PageId, e.PostId, e.CommentId, before.Category, before.CreatedAt, e.Message, before.Hidden));
                    }
                }

                continue;
            }

            Touch(before, buckets);
            Touch(after, buckets);
            if (before?.TextAt is null && after.TextAt is not null)
            {
                // New: the Page may have answered before the comment reached us (another message, another order).
                var answeredAt = await store.AnsweredAtAsync(e.PageId, e.CommentId, cancellationToken);
                if (answeredAt is { } at)
                {
                    await UpdateAsync(e.PageId, e.CommentId, r => WithAnswer(r, at), cancellationToken);
                }
            }

            if (e.Verb is CommentVerb.Add or CommentVerb.Edited && Counts(after) && after.Category != CommentRules.Other
                && (before is null || !Counts(before) || before.Category != after.Category))
            {
                triaged.Add(new TriagedComment(e.PageId, e.PostId, e.CommentId, after.Category, after.CreatedAt, e.Message, after.Hidden));
            }
        }

        foreach (var bucket in buckets)
        {
            await RecountAsync(bucket, cancellationToken);
        }

        return new TriageResult(triaged, [.. buckets.Select(b => (b.PageId, b.Date)).Distinct().Order()], ignored);
    }

    /// <summary>Whether a row counts: its text was triaged and it was not removed.</summary>
    public static bool Counts(CommentEntity row) => row is { Removed: false, TextAt: not null };

    private CommentEntity? Decide(CommentEntity? existing, CommentEvent e)
    {
        if (existing is { Removed: true })
        {
            return null;
        }

        var row = existing is null ? New(e) : Copy(existing);
        switch (e.Verb)
        {
            case CommentVerb.Add or CommentVerb.Edited:
                // An add fills a row once; an edit replaces the text of an older one (an edit as old or older changes nothing).
                if (row.TextAt is { } textAt && (e.Verb == CommentVerb.Add || e.EventTime <= textAt))
                {
                    return null;
                }

                row.Category = rules.Triage(e.Message);
                row.TextAt = e.EventTime;
                if (e.CreatedTime is { } created && existing?.TextAt is null)
                {
                    Place(row, created);
                }

                break;
            case CommentVerb.Remove:
                row.Removed = true;
                break;
            case CommentVerb.Hide or CommentVerb.Unhide:
                if (row.HiddenAt is { } hiddenAt && e.EventTime < hiddenAt)
                {
                    return null;
                }

                row.Hidden = e.Verb == CommentVerb.Hide;
                row.HiddenAt = e.EventTime;
                break;
        }

        // Only a comment worth an action keeps its id (for the link to it), and only while it counts.
        row.CommentId = !row.Removed && row.Category is CommentRules.Question or CommentRules.Urgent or CommentRules.Abusive ? e.CommentId : null;
        return existing is not null && Same(existing, row) ? null : row;
    }

    private async Task AnswerAsync(string pageId, string commentId, DateTimeOffset repliedAt, bool retry, HashSet<Bucket> buckets, CancellationToken cancellationToken)
    {
        // The marker first, then the row: a question stored meanwhile reads the marker after its own write (above).
        await store.RecordAnswerAsync(pageId, commentId, repliedAt, cancellationToken);
        var (before, after) = await UpdateAsync(pageId, commentId, r => r is null ? null : WithAnswer(r, repliedAt), cancellationToken);
        if (after is not null || retry)
        {
            Touch(before, buckets);
        }
    }

    private static CommentEntity? WithAnswer(CommentEntity? row, DateTimeOffset at) =>
        row is null || (row.AnsweredAt is { } known && known <= at) ? null : Copy(row, a => a.AnsweredAt = at.ToUniversalTime());

    /// <summary>Reads the row, lets <paramref name="decide"/> say what to write (null: nothing), writes on the ETag read.</summary>
    private async Task<(CommentEntity? Before, CommentEntity? After)> UpdateAsync(
        string pageId, string commentId, Func<CommentEntity?, CommentEntity?> decide, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var existing = await store.GetAsync(pageId, commentId, cancellationToken);
            var write = decide(existing);
            if (write is null)
            {
                return (existing, null);
            }

            write.PartitionKey = pageId;
            write.RowKey = CommentKeys.Comment(commentId);
            write.ETag = existing?.ETag ?? default;
            if ((await store.TryWriteAsync(write, cancellationToken)).Stored)
            {
                return (existing, write);
            }
        }

        throw new WriteConflictException($"comment triage of Page {pageId} kept losing to other writers");
    }

    private async Task RecountAsync(Bucket bucket, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            // The counts' ETag before the rows: a writer that changes a row after this read also recounts, and one
            // of the two conditional writes loses and counts again.
            var existing = await store.GetHourAsync(bucket.PageId, bucket.Date, bucket.Hour, bucket.PostId, cancellationToken);
            var rows = await store.InHourAsync(bucket.PageId, bucket.Date, bucket.Hour, bucket.PostId, cancellationToken);
            var counted = rows.Where(Counts).ToList();
            var questions = counted.Where(r => r.Category == CommentRules.Question).ToList();
            var counts = new CommentHourEntity
            {
                PartitionKey = bucket.PageId,
                RowKey = CommentKeys.Hour(bucket.Date, bucket.Hour, bucket.PostId),
                PostId = bucket.PostId,
                Questions = questions.Count,
                Urgent = counted.Count(r => r.Category == CommentRules.Urgent),
                Abusive = counted.Count(r => r.Category == CommentRules.Abusive),
                Other = counted.Count(r => r.Category == CommentRules.Other),
                Answered = questions.Count(r => r.AnsweredAt is not null),
                ResponseMinutes = string.Join(',', questions.Where(r => r.AnsweredAt is not null)
                    .Select(r => Math.Max(0, (int)Math.Round((r.AnsweredAt!.Value - r.CreatedAt).TotalMinutes)))
                    .Order()
                    .Select(m => m.ToString(CultureInfo.InvariantCulture))),
                Tracked = TrackedEntry.Join(counted
                    .Where(r => r.CommentId is not null)
                    .OrderBy(r => r.CreatedAt)
                    .ThenBy(r => r.CommentId, StringComparer.Ordinal)
                    .Take(CommentHourEntity.MaxTracked)
                    .Select(r => new TrackedEntry(r.Category, r.CommentId!, r.CreatedAt, r.AnsweredAt, r.Hidden))),
                ETag = existing?.ETag ?? default,
            };
            if (existing is not null && SameCounts(existing, counts))
            {
                return;
            }

            if ((await store.TryWriteHourAsync(counts, cancellationToken)).Stored)
            {
                return;
            }
        }

        throw new WriteConflictException($"comment counts of Page {bucket.PageId} kept losing to other writers");
    }

    private CommentEntity New(CommentEvent e)
    {
        var row = new CommentEntity { PostId = e.PostId };
        Place(row, e.CreatedTime ?? e.EventTime);
        return row;
    }

    private void Place(CommentEntity row, DateTimeOffset created)
    {
        var local = calendar.ToLocal(created);
        row.CreatedAt = created.ToUniversalTime();
        row.Date = DayKey.Of(DateOnly.FromDateTime(local.DateTime));
        row.Hour = local.Hour;
    }

    private static void Touch(CommentEntity? row, HashSet<Bucket> buckets)
    {
        if (row is not null && DayKey.TryParse(row.Date, out var date))
        {
            buckets.Add(new Bucket(row.PartitionKey, date, row.Hour, row.PostId));
        }
    }

    private static CommentEntity Copy(CommentEntity row, Action<CommentEntity>? change = null)
    {
        var copy = new CommentEntity
        {
            PartitionKey = row.PartitionKey,
            RowKey = row.RowKey,
            ETag = row.ETag,
            PostId = row.PostId,
            CommentId = row.CommentId,
            CreatedAt = row.CreatedAt,
            Date = row.Date,
            Hour = row.Hour,
            Category = row.Category,
            TextAt = row.TextAt,
            Hidden = row.Hidden,
            HiddenAt = row.HiddenAt,
            Removed = row.Removed,
            AnsweredAt = row.AnsweredAt,
        };
        change?.Invoke(copy);
        return copy;
    }

    private static bool Same(CommentEntity a, CommentEntity b) =>
        a.PostId == b.PostId && a.CommentId == b.CommentId && a.CreatedAt == b.CreatedAt && a.Date == b.Date && a.Hour == b.Hour
        && a.Category == b.Category && a.TextAt == b.TextAt && a.Hidden == b.Hidden && a.HiddenAt == b.HiddenAt
        && a.Removed == b.Removed && a.AnsweredAt == b.AnsweredAt;

    private static bool SameCounts(CommentHourEntity a, CommentHourEntity b) =>
        a.PostId == b.PostId && a.Questions == b.Questions && a.Urgent == b.Urgent && a.Abusive == b.Abusive && a.Other == b.Other
        && a.Answered == b.Answered && a.ResponseMinutes == b.ResponseMinutes && a.Tracked == b.Tracked;

    private readonly record struct Bucket(string PageId, DateOnly Date, int Hour, string PostId);
}

/// <summary>
/// What a batch of events did: the comments that became a question, urgent or abusive (with their text, for the
/// alerts; the text goes no further), the (Page, local day) pairs whose counts changed, and the events ignored.
/// </summary>
public sealed record TriageResult(IReadOnlyList<TriagedComment> Triaged, IReadOnlyList<(string PageId, DateOnly Date)> AffectedDays, int Ignored);

public sealed record TriagedComment(string PageId, string PostId, string CommentId, string Category, DateTimeOffset CreatedAt, string? Text, bool Hidden);
