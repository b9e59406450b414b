using Azure;
using Azure.Data.Tables;

namespace Listening.Core.Storage;

/// <summary>Crisis mode per Page (table <c>alertstate</c>, partition <c>crisis</c>, RowKey = Page id).</summary>
public interface ICrisisStateStore
{
    Task<CrisisStateEntity?> GetAsync(string pageId, CancellationToken cancellationToken);

    /// <summary>The episodes (the last one per Page) that ran at some time in [start, until).</summary>
    Task<IReadOnlyList<CrisisStateEntity>> OverlappingAsync(DateTimeOffset start, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>
    /// Reads the Page's state, lets <paramref name="decide"/> choose what to write (null: nothing) and what to
    /// answer, and writes it only if nobody changed the state in between; else reads and decides again.
    /// </summary>
    Task<T> UpdateAsync<T>(string pageId, Func<CrisisStateEntity?, (CrisisStateEntity? Write, T Result)> decide, CancellationToken cancellationToken);
}

public sealed class CrisisStateStore(ListeningStorage storage) : ICrisisStateStore
{
    private const int MaxAttempts = 10;

    public async Task<CrisisStateEntity?> GetAsync(string pageId, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var row = await storage.Tables.AlertState.GetEntityIfExistsAsync<CrisisStateEntity>(NotificationKeys.CrisisPartition, pageId, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    public async Task<IReadOnlyList<CrisisStateEntity>> OverlappingAsync(DateTimeOffset start, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {NotificationKeys.CrisisPartition} and Until gt {start.ToUniversalTime()}");
        var result = new List<CrisisStateEntity>();
        await foreach (var row in storage.Tables.AlertState.QueryAsync<CrisisStateEntity>(filter, cancellationToken: cancellationToken))
        {
            if (row.Since < until)
            {
                result.Add(row);
            }
        }

        return result;
    }

    public async Task<T> UpdateAsync<T>(string pageId, Func<CrisisStateEntity?, (CrisisStateEntity? Write, T Result)> decide, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decide);
        await storage.EnsureCreatedAsync(cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var existing = await GetAsync(pageId, cancellationToken);
            var etag = existing?.ETag;
            var (write, result) = decide(existing);
            if (write is null)
            {
                return result;
            }

            write.PartitionKey = NotificationKeys.CrisisPartition;
            write.RowKey = pageId;
            try
            {
                if (etag is not { } expected)
                {
                    await storage.Tables.AlertState.AddEntityAsync(write, cancellationToken);
                }
                else
                {
                    await storage.Tables.AlertState.UpdateEntityAsync(write, expected, TableUpdateMode.Replace, cancellationToken);
                }

                return result;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Another writer changed the state: read again and decide again.
            }
        }
    }
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
