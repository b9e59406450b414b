using Azure;
using Azure.Data.Tables;
using Listening.Core.Storage;

namespace Listening.Core.Notifications.Alerts;

/// <summary>
/// Crisis mode per Page (table <c>alertstate</c>, partition <c>crisis</c>, RowKey = Page id). A crisis post starts
/// an episode, or extends the running one to its own creation time plus the duration; times come from the posts,
/// so the same posts give the same state whatever order and how often they arrive.
/// </summary>
public sealed class CrisisMode(ListeningTables tables)
{
    public const string Partition = "crisis";

    private const int MaxAttempts = 10;

    public async Task<CrisisStateEntity?> GetAsync(string pageId, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken);
        var row = await tables.AlertState.GetEntityIfExistsAsync<CrisisStateEntity>(Partition, pageId, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>Pages whose crisis mode runs at <paramref name="now"/>.</summary>
    public Task<IReadOnlyList<CrisisStateEntity>> ActiveAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        OverlappingAsync(now, now.AddTicks(1), cancellationToken);

    /// <summary>Crisis episodes (the last one per Page) that ran at some time in [from, to).</summary>
    public async Task<IReadOnlyList<CrisisStateEntity>> OverlappingAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and Until gt {from.ToUniversalTime()}");
        var result = new List<CrisisStateEntity>();
        await foreach (var row in tables.AlertState.QueryAsync<CrisisStateEntity>(filter, cancellationToken: cancellationToken))
        {
            if (row.Since < to)
            {
                result.Add(row);
            }
        }

        return result;
    }

    /// <summary>
    /// Applies a crisis post. Returns the state after it and whether this post started the episode (a post that
    /// falls into a running episode only extends it).
    /// </summary>
    public async Task<(CrisisStateEntity State, bool Started)> ApplyAsync(
        string pageId, string postId, DateTimeOffset postCreated, string keyword, string? permalink, TimeSpan duration, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken);
        var until = (postCreated + duration).ToUniversalTime();
        for (var attempt = 1; ; attempt++)
        {
            var existing = await GetAsync(pageId, cancellationToken);
            CrisisStateEntity next;
            bool started;
            if (existing is null || existing.Until <= postCreated)
            {
                next = NewEpisode(pageId, postId, postCreated, until, keyword, permalink);
                started = true;
            }
            else if (postCreated < existing.Since)
            {
                if (until <= existing.Since)
                {
                    // An older episode, long over: nothing to change.
                    return (existing, false);
                }

                // An earlier post arrived late: it starts the episode, so the state is the same whichever came first.
                next = NewEpisode(pageId, postId, postCreated, until > existing.Until ? until : existing.Until, keyword, permalink);
                started = true;
            }
            else
            {
                started = string.Equals(existing.PostId, postId, StringComparison.Ordinal);
                if (until <= existing.Until)
                {
                    return (existing, started);
                }

                existing.Until = until;
                next = existing;
            }

            try
            {
                if (existing is null)
                {
                    await tables.AlertState.AddEntityAsync(next, cancellationToken);
                }
                else
                {
                    await tables.AlertState.UpdateEntityAsync(next, existing.ETag, TableUpdateMode.Replace, cancellationToken);
                }

                return (next, started);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Another snapshot changed the state: read again and decide again.
            }
        }
    }

    private static CrisisStateEntity NewEpisode(string pageId, string postId, DateTimeOffset since, DateTimeOffset until, string keyword, string? permalink) => new()
    {
        PartitionKey = Partition,
        RowKey = pageId,
        Since = since.ToUniversalTime(),
        Until = until.ToUniversalTime(),
        PostId = postId,
        Keyword = keyword,
        Permalink = permalink,
    };
}

public sealed class CrisisStateEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    /// <summary>Creation time of the post that started the episode.</summary>
    public DateTimeOffset Since { get; set; }

    /// <summary>When crisis mode ends unless another crisis post extends it.</summary>
    public DateTimeOffset Until { get; set; }

    public string PostId { get; set; } = "";

    public string Keyword { get; set; } = "";

    public string? Permalink { get; set; }

    public bool IsActive(DateTimeOffset at) => Since <= at && at < Until;
}
