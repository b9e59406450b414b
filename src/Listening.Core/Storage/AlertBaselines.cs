using Azure.Data.Tables;
using Listening.Core.Contracts;

namespace Listening.Core.Storage;

/// <summary>
/// What the snapshot alerts compare with: the stored summaries of earlier days and the reactions earlier posts
/// were last seen with. Reads only.
/// </summary>
public interface IAlertBaselines
{
    /// <summary>The Page's stored day summaries in [first, before).</summary>
    Task<IReadOnlyList<PageDaySummary>> DaySummariesAsync(string pageId, DateOnly first, DateOnly before, CancellationToken cancellationToken);

    /// <summary>Every post observation of the Page on the days [first, last]: one row per post and day.</summary>
    Task<IReadOnlyList<PostReactionsSeen>> PostReactionsAsync(string pageId, DateOnly first, DateOnly last, CancellationToken cancellationToken);
}

/// <summary>A post's reactions as observed on one day; <see cref="RowKey"/> sorts by that day.</summary>
public sealed record PostReactionsSeen(string PostId, string RowKey, DateTimeOffset CreatedTime, long Reactions);

public sealed class AlertBaselines(ListeningStorage storage) : IAlertBaselines
{
    private static readonly string[] ReactionColumns =
    [
        nameof(PostDayEntity.Like), nameof(PostDayEntity.Love), nameof(PostDayEntity.Care), nameof(PostDayEntity.Haha),
        nameof(PostDayEntity.Wow), nameof(PostDayEntity.Sad), nameof(PostDayEntity.Angry),
    ];

    public async Task<IReadOnlyList<PageDaySummary>> DaySummariesAsync(string pageId, DateOnly first, DateOnly before, CancellationToken cancellationToken)
    {
        var from = SummaryKeys.Day(first);
        var to = SummaryKeys.Day(before);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {pageId} and RowKey ge {from} and RowKey lt {to}");
        var days = new List<PageDaySummary>();
        await foreach (var row in storage.Tables.PageDays.QueryAsync<SummaryEntity>(filter, cancellationToken: cancellationToken))
        {
            days.Add(row.ToSummary());
        }

        return days;
    }

    public async Task<IReadOnlyList<PostReactionsSeen>> PostReactionsAsync(string pageId, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        var from = ObservationKeys.DayPrefix(first);
        var to = ObservationKeys.DayEnd(last);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {pageId} and RowKey ge {from} and RowKey lt {to}");
        var posts = new List<PostReactionsSeen>();
        await foreach (var entity in storage.Tables.PageDays.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            if (!ObservationKeys.IsPost(entity.RowKey))
            {
                continue;
            }

            var reactions = ReactionColumns.Sum(c => entity.GetInt64(c) ?? 0);
            posts.Add(new PostReactionsSeen(
                entity.GetString(nameof(PostDayEntity.PostId)) ?? "",
                entity.RowKey,
                entity.GetDateTimeOffset(nameof(PostDayEntity.CreatedTime)) ?? DateTimeOffset.MinValue,
                reactions));
        }

        return posts;
    }
}
