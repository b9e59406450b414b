using Azure.Data.Tables;
using Listening.Core.Storage;

namespace Listening.Core.Aggregation;

/// <summary>Reads observation rows of one Page for a range of days: one partition range query.</summary>
public sealed class ObservationReader(ListeningTables tables)
{
    public async Task<ObservationRows> ReadAsync(string pageId, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        var from = ObservationKeys.DayPrefix(first);
        var to = ObservationKeys.DayEnd(last);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {pageId} and RowKey ge {from} and RowKey lt {to}");
        var rows = new ObservationRows();
        await foreach (var entity in tables.Observations.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            if (ObservationKeys.IsPage(entity.RowKey))
            {
                rows.Pages.Add(ObservationMapping.ToPageDay(entity));
            }
            else if (ObservationKeys.IsPost(entity.RowKey))
            {
                rows.Posts.Add(ObservationMapping.ToPostDay(entity));
            }
        }

        return rows;
    }

    /// <summary>The days in [first, last] on which the Page has observations (keys only).</summary>
    public async Task<IReadOnlyList<DateOnly>> DaysWithDataAsync(string pageId, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        var from = ObservationKeys.DayPrefix(first);
        var to = ObservationKeys.DayEnd(last);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {pageId} and RowKey ge {from} and RowKey lt {to}");
        var days = new List<DateOnly>();
        await foreach (var entity in tables.Observations.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            if (ObservationKeys.IsPage(entity.RowKey))
            {
                days.Add(ObservationKeys.DateOf(entity.RowKey));
            }
        }

        return days;
    }

    /// <summary>Row keys (and giveaway flags) of the Page's observations in [first, last]: no counters are read.</summary>
    public async Task<IReadOnlyList<ObservationKey>> KeysAsync(string pageId, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        var from = ObservationKeys.DayPrefix(first);
        var to = ObservationKeys.DayEnd(last);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {pageId} and RowKey ge {from} and RowKey lt {to}");
        var keys = new List<ObservationKey>();
        await foreach (var entity in tables.Observations.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["RowKey", nameof(PostDayEntity.Giveaway)], cancellationToken: cancellationToken))
        {
            keys.Add(new ObservationKey(entity.RowKey, entity.GetBoolean(nameof(PostDayEntity.Giveaway)) ?? false));
        }

        return keys;
    }

    /// <summary>Rows of posts tagged with the giveaway topic observed in [first, last]: a filtered range query.</summary>
    public async Task<IReadOnlyList<PostDayEntity>> GiveawayPostsAsync(string pageId, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        var from = ObservationKeys.DayPrefix(first);
        var to = ObservationKeys.DayEnd(last);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {pageId} and RowKey ge {from} and RowKey lt {to} and Giveaway eq {true}");
        var posts = new List<PostDayEntity>();
        await foreach (var entity in tables.Observations.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            posts.Add(ObservationMapping.ToPostDay(entity));
        }

        return posts;
    }

    /// <summary>The Page's row of one day: a point read.</summary>
    public async Task<PageDayEntity?> PageDayAsync(string pageId, DateOnly date, CancellationToken cancellationToken)
    {
        var response = await tables.Observations.GetEntityIfExistsAsync<TableEntity>(pageId, ObservationKeys.Page(date), cancellationToken: cancellationToken);
        return response.HasValue ? ObservationMapping.ToPageDay(response.Value!) : null;
    }
}

/// <summary>An observation row's key and whether it is a giveaway post.</summary>
public sealed record ObservationKey(string RowKey, bool Giveaway)
{
    public DateOnly Date => ObservationKeys.DateOf(RowKey);

    public bool IsPage => ObservationKeys.IsPage(RowKey);

    /// <summary>The post id of a post row; null for other rows.</summary>
    public string? PostId => ObservationKeys.IsPost(RowKey) ? RowKey[16..] : null;
}

public sealed class ObservationRows
{
    public List<PageDayEntity> Pages { get; } = [];

    public List<PostDayEntity> Posts { get; } = [];

    public PageDayEntity? PageOn(DateOnly date) => Pages.Find(p => ObservationKeys.DateOf(p.RowKey) == date);

    public IEnumerable<PostDayEntity> PostsOn(DateOnly date) => Posts.Where(p => ObservationKeys.DateOf(p.RowKey) == date);
}

/// <summary>Maps untyped rows (one query returns both kinds) to the typed entities.</summary>
internal static class ObservationMapping
{
    public static PageDayEntity ToPageDay(TableEntity e) => new()
    {
        PartitionKey = e.PartitionKey,
        RowKey = e.RowKey,
        ETag = e.ETag,
        Timestamp = e.Timestamp,
        ObservedAt = e.GetDateTimeOffset(nameof(PageDayEntity.ObservedAt)) ?? DateTimeOffset.MinValue,
        PageName = e.GetString(nameof(PageDayEntity.PageName)) ?? "",
        Demo = e.GetBoolean(nameof(PageDayEntity.Demo)) ?? false,
        Followers = e.GetInt64(nameof(PageDayEntity.Followers)),
        FollowersAt = e.GetDateTimeOffset(nameof(PageDayEntity.FollowersAt)),
        Fans = e.GetInt64(nameof(PageDayEntity.Fans)),
        FansAt = e.GetDateTimeOffset(nameof(PageDayEntity.FansAt)),
        Observations = e.GetInt32(nameof(PageDayEntity.Observations)) ?? 0,
        CaptureTimes = e.GetString(nameof(PageDayEntity.CaptureTimes)) ?? "",
    };

    public static PostDayEntity ToPostDay(TableEntity e) => new()
    {
        PartitionKey = e.PartitionKey,
        RowKey = e.RowKey,
        ETag = e.ETag,
        Timestamp = e.Timestamp,
        PostId = e.GetString(nameof(PostDayEntity.PostId)) ?? "",
        ObservedAt = e.GetDateTimeOffset(nameof(PostDayEntity.ObservedAt)) ?? DateTimeOffset.MinValue,
        CreatedTime = e.GetDateTimeOffset(nameof(PostDayEntity.CreatedTime)) ?? DateTimeOffset.MinValue,
        Permalink = e.GetString(nameof(PostDayEntity.Permalink)),
        Message = e.GetString(nameof(PostDayEntity.Message)),
        Like = e.GetInt64(nameof(PostDayEntity.Like)) ?? 0,
        Love = e.GetInt64(nameof(PostDayEntity.Love)) ?? 0,
        Care = e.GetInt64(nameof(PostDayEntity.Care)) ?? 0,
        Haha = e.GetInt64(nameof(PostDayEntity.Haha)) ?? 0,
        Wow = e.GetInt64(nameof(PostDayEntity.Wow)) ?? 0,
        Sad = e.GetInt64(nameof(PostDayEntity.Sad)) ?? 0,
        Angry = e.GetInt64(nameof(PostDayEntity.Angry)) ?? 0,
        Comments = e.GetInt64(nameof(PostDayEntity.Comments)) ?? 0,
        Shares = e.GetInt64(nameof(PostDayEntity.Shares)) ?? 0,
        Topics = e.GetString(nameof(PostDayEntity.Topics)) ?? "",
        Giveaway = e.GetBoolean(nameof(PostDayEntity.Giveaway)) ?? false,
    };
}
