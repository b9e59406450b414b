using Azure;
using Azure.Data.Tables;

namespace Listening.Core.Storage;

/// <summary>
/// The comments table (<see cref="CommentKeys"/>): never an author, never a comment's text (docs/privacy.md).
/// Writes are conditional on what was read (<see cref="ConditionalWrite"/>): the caller reads again on a conflict.
/// </summary>
public interface ICommentStore
{
    Task<CommentEntity?> GetAsync(string pageId, string commentId, CancellationToken cancellationToken);

    /// <summary>Inserts (no ETag) or replaces (on the ETag it was read with) one comment's triage.</summary>
    Task<ConditionalWrite> TryWriteAsync(CommentEntity comment, CancellationToken cancellationToken);

    /// <summary>The time of the Page's first reply in the thread of <paramref name="commentId"/>, if one came.</summary>
    Task<DateTimeOffset?> AnsweredAtAsync(string pageId, string commentId, CancellationToken cancellationToken);

    /// <summary>Records a reply of the Page in the thread of <paramref name="commentId"/>, keeping the earliest.</summary>
    Task RecordAnswerAsync(string pageId, string commentId, DateTimeOffset repliedAt, CancellationToken cancellationToken);

    /// <summary>The comments of one post created in one local hour (for its counts).</summary>
    Task<IReadOnlyList<CommentEntity>> InHourAsync(string pageId, DateOnly day, int hour, string postId, CancellationToken cancellationToken);

    Task<CommentHourEntity?> GetHourAsync(string pageId, DateOnly day, int hour, string postId, CancellationToken cancellationToken);

    Task<ConditionalWrite> TryWriteHourAsync(CommentHourEntity counts, CancellationToken cancellationToken);

    /// <summary>One local day's hourly counts of a Page, every post.</summary>
    Task<IReadOnlyList<CommentHourEntity>> HoursOfDayAsync(string pageId, DateOnly day, CancellationToken cancellationToken);

    /// <summary>The comments of a Page with a category worth an action (questions, urgent, abusive) created in [from, until).</summary>
    Task<IReadOnlyList<CommentEntity>> TrackedAsync(string pageId, DateTimeOffset from, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Records that a webhook event of the Page arrived (for health).</summary>
    Task RecordWebhookEventAsync(string pageId, DateTimeOffset at, CancellationToken cancellationToken);

    Task<WebhookStateEntity?> WebhookStateAsync(string pageId, CancellationToken cancellationToken);

    /// <summary>Records the daily subscription check: when, and whether the app receives the Page's feed (null: unknown, left as it was).</summary>
    Task RecordSubscriptionCheckAsync(string pageId, DateTimeOffset at, bool? subscribed, CancellationToken cancellationToken);
}

public sealed class CommentStore(ListeningStorage storage) : ICommentStore
{
    private ListeningTables Tables => storage.Tables;

    private TableClient Table => Tables.Comments;

    public async Task<CommentEntity?> GetAsync(string pageId, string commentId, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var row = await Table.GetEntityIfExistsAsync<CommentEntity>(pageId, CommentKeys.Comment(commentId), cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    public async Task<ConditionalWrite> TryWriteAsync(CommentEntity comment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(comment);
        await storage.EnsureCreatedAsync(cancellationToken);
        return await WriteAsync(comment, cancellationToken);
    }

    public async Task<DateTimeOffset?> AnsweredAtAsync(string pageId, string commentId, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var row = await Table.GetEntityIfExistsAsync<CommentAnswerEntity>(pageId, CommentKeys.Answer(commentId), cancellationToken: cancellationToken);
        return row.HasValue ? row.Value!.RepliedAt : null;
    }

    public async Task RecordAnswerAsync(string pageId, string commentId, DateTimeOffset repliedAt, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var row = await Table.GetEntityIfExistsAsync<CommentAnswerEntity>(pageId, CommentKeys.Answer(commentId), cancellationToken: cancellationToken);
            var existing = row.HasValue ? row.Value : null;
            if (existing is not null && existing.RepliedAt <= repliedAt)
            {
                return;
            }

            var write = await WriteAsync(
                new CommentAnswerEntity { PartitionKey = pageId, RowKey = CommentKeys.Answer(commentId), RepliedAt = repliedAt.ToUniversalTime(), ETag = existing?.ETag ?? default },
                cancellationToken);
            if (write.Stored)
            {
                return;
            }
        }

        throw new WriteConflictException($"the answer record of a comment of Page {pageId} kept changing");
    }

    public async Task<IReadOnlyList<CommentEntity>> InHourAsync(string pageId, DateOnly day, int hour, string postId, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var dayKey = DayKey.Of(day);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {pageId} and RowKey ge {CommentKeys.CommentPrefix} and RowKey lt {"c`"} and Date eq {dayKey} and Hour eq {hour} and PostId eq {postId}");
        return await QueryAsync<CommentEntity>(filter, cancellationToken);
    }

    public async Task<CommentHourEntity?> GetHourAsync(string pageId, DateOnly day, int hour, string postId, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var row = await Table.GetEntityIfExistsAsync<CommentHourEntity>(pageId, CommentKeys.Hour(day, hour, postId), cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    public async Task<ConditionalWrite> TryWriteHourAsync(CommentHourEntity counts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counts);
        await storage.EnsureCreatedAsync(cancellationToken);
        return await WriteAsync(counts, cancellationToken);
    }

    public async Task<IReadOnlyList<CommentHourEntity>> HoursOfDayAsync(string pageId, DateOnly day, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {pageId} and RowKey ge {CommentKeys.HoursFrom(day)} and RowKey lt {CommentKeys.HoursThrough(day)}");
        return await QueryAsync<CommentHourEntity>(filter, cancellationToken);
    }

    public async Task<IReadOnlyList<CommentEntity>> TrackedAsync(string pageId, DateTimeOffset from, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {pageId} and RowKey ge {CommentKeys.CommentPrefix} and RowKey lt {"c`"} and CreatedAt ge {from.ToUniversalTime()} and CreatedAt lt {until.ToUniversalTime()}");
        var rows = await QueryAsync<CommentEntity>(filter, cancellationToken);
        return [.. rows.Where(r => r.CommentId is not null).OrderBy(r => r.CreatedAt).ThenBy(r => r.CommentId, StringComparer.Ordinal)];
    }

    public async Task RecordWebhookEventAsync(string pageId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        // Merge: only the time of the last event, not the subscription check's fields; a later event may lose the
        // race to an earlier one by a few milliseconds, which health does not need to know.
        await Table.UpsertEntityAsync(new TableEntity(pageId, CommentKeys.Webhook) { ["LastEventAt"] = at.ToUniversalTime() }, TableUpdateMode.Merge, cancellationToken);
    }

    public async Task RecordSubscriptionCheckAsync(string pageId, DateTimeOffset at, bool? subscribed, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var row = new TableEntity(pageId, CommentKeys.Webhook) { ["CheckedAt"] = at.ToUniversalTime() };
        if (subscribed is { } s)
        {
            row["Subscribed"] = s;
        }

        await Table.UpsertEntityAsync(row, TableUpdateMode.Merge, cancellationToken);
    }

    public async Task<WebhookStateEntity?> WebhookStateAsync(string pageId, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var row = await Table.GetEntityIfExistsAsync<WebhookStateEntity>(pageId, CommentKeys.Webhook, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    private async Task<ConditionalWrite> WriteAsync<T>(T entity, CancellationToken cancellationToken)
        where T : class, ITableEntity
    {
        try
        {
            var response = entity.ETag == default
                ? await Table.AddEntityAsync(entity, cancellationToken)
                : await Table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
            return ConditionalWrite.Done(response.Headers.ETag);
        }
        catch (RequestFailedException ex) when (ConditionalWrite.IsConflict(ex.Status))
        {
            return ConditionalWrite.Conflict;
        }
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string filter, CancellationToken cancellationToken)
        where T : class, ITableEntity, new()
    {
        var rows = new List<T>();
        await foreach (var row in Table.QueryAsync<T>(filter, cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        return rows;
    }
}

/// <summary>
/// One top-level comment's triage (RowKey <c>c_{hash of its id}</c>). <see cref="CommentId"/> is kept only for
/// questions, urgent and abusive comments (to link to them), and only for <c>Listening:Comments:RetentionDays</c>.
/// </summary>
public sealed class CommentEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string PostId { get; set; } = "";

    /// <summary>Only for <c>frage</c>, <c>dringend</c>, <c>beleidigung</c>; null for <c>sonstiges</c>.</summary>
    public string? CommentId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The local day (<see cref="DayKey"/>) and hour the comment was created in: the counts it belongs to.</summary>
    public string Date { get; set; } = "";

    public int Hour { get; set; }

    public string Category { get; set; } = "";

    /// <summary>When the text the category came from was written (the event time of its add or last edit); null until its text came.</summary>
    public DateTimeOffset? TextAt { get; set; }

    public bool Hidden { get; set; }

    /// <summary>Event time of the last hide or unhide applied.</summary>
    public DateTimeOffset? HiddenAt { get; set; }

    /// <summary>Removed on Facebook: it counts no more; the row stays so that a late copy of its add is not counted again.</summary>
    public bool Removed { get; set; }

    /// <summary>The Page's first reply in the comment's thread.</summary>
    public DateTimeOffset? AnsweredAt { get; set; }
}

/// <summary>The Page's first reply in a thread (RowKey <c>a_{hash of the comment id}</c>).</summary>
public sealed class CommentAnswerEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public DateTimeOffset RepliedAt { get; set; }
}

/// <summary>One post's comments of one local hour by category (RowKey <c>h_{date}_{HH}_{postId}</c>); lives as long as the aggregates.</summary>
public sealed class CommentHourEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string PostId { get; set; } = "";

    public int Questions { get; set; }

    public int Urgent { get; set; }

    public int Abusive { get; set; }

    public int Other { get; set; }

    /// <summary>Questions the Page answered.</summary>
    public int Answered { get; set; }

    /// <summary>Minutes to the Page's first reply, one per answered question, comma-separated (for the median).</summary>
    public string ResponseMinutes { get; set; } = "";

    /// <summary>
    /// The hour's questions, urgent and abusive comments (<see cref="TrackedEntry"/>; at most <see cref="MaxTracked"/>):
    /// emptied by the retention after <c>Listening:Comments:RetentionDays</c>, while the counts stay.
    /// </summary>
    public string Tracked { get; set; } = "";

    /// <summary>Keeps <see cref="Tracked"/> far below the 64 KiB of a string property.</summary>
    public const int MaxTracked = 400;
}

/// <summary>One tracked comment in <see cref="CommentHourEntity.Tracked"/>: <c>category|commentId|created|answered|hidden</c> (Unix seconds), joined by ';'.</summary>
public sealed record TrackedEntry(string Category, string CommentId, DateTimeOffset CreatedAt, DateTimeOffset? AnsweredAt, bool Hidden)
{
    public static string Join(IEnumerable<TrackedEntry> entries) => string.Join(';', entries.Select(e =>
        string.Join('|', e.Category, e.CommentId, e.CreatedAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            e.AnsweredAt?.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", e.Hidden ? "h" : "")));

    public static IReadOnlyList<TrackedEntry> Split(string? text)
    {
        var entries = new List<TrackedEntry>();
        foreach (var item in (text ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = item.Split('|');
            if (parts.Length == 5 && long.TryParse(parts[2], System.Globalization.CultureInfo.InvariantCulture, out var created))
            {
                DateTimeOffset? answered = long.TryParse(parts[3], System.Globalization.CultureInfo.InvariantCulture, out var a) ? DateTimeOffset.FromUnixTimeSeconds(a) : null;
                entries.Add(new TrackedEntry(parts[0], parts[1], DateTimeOffset.FromUnixTimeSeconds(created), answered, parts[4] == "h"));
            }
        }

        return entries;
    }
}

/// <summary>Per Page (RowKey <c>webhook</c>): the last webhook event and the last subscription check.</summary>
public sealed class WebhookStateEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public DateTimeOffset? LastEventAt { get; set; }

    public DateTimeOffset? CheckedAt { get; set; }

    /// <summary>Whether the app received the Page's <c>feed</c> at the last check.</summary>
    public bool? Subscribed { get; set; }
}
