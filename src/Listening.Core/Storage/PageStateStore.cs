using Azure;
using Azure.Data.Tables;

namespace Listening.Core.Storage;

/// <summary>Per Page: last successful pull (and later token state, rejected metrics). Read by health.</summary>
public sealed class PageStateStore(ListeningTables tables)
{
    public const string Partition = "page";

    public async Task RecordPullAsync(string pageId, string pageName, DateTimeOffset capturedAt, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var existing = await tables.PageState.GetEntityIfExistsAsync<PageStateEntity>(Partition, pageId, cancellationToken: cancellationToken);
            if (existing.HasValue && existing.Value!.LastSuccessfulPull >= capturedAt)
            {
                return;
            }

            var entity = existing.HasValue ? existing.Value! : new PageStateEntity { PartitionKey = Partition, RowKey = pageId };
            entity.PageName = pageName;
            entity.LastSuccessfulPull = capturedAt.ToUniversalTime();
            try
            {
                if (existing.HasValue)
                {
                    await tables.PageState.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await tables.PageState.AddEntityAsync(entity, cancellationToken);
                }

                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Another instance recorded a pull at the same time: read again and keep the later one.
            }
        }
    }

    public async Task<IReadOnlyList<PageStateEntity>> AllAsync(CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken);
        var result = new List<PageStateEntity>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition}");
        await foreach (var row in tables.PageState.QueryAsync<PageStateEntity>(filter, cancellationToken: cancellationToken))
        {
            result.Add(row);
        }

        return result;
    }
}

public sealed class PageStateEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string PageName { get; set; } = "";

    public DateTimeOffset? LastSuccessfulPull { get; set; }

    /// <summary>"valid", "invalid" (code 190) or empty when unknown.</summary>
    public string TokenState { get; set; } = "";

    /// <summary>Metrics Meta rejected for this Page (code 100), comma-separated; empty when none.</summary>
    public string RejectedMetrics { get; set; } = "";
    /// <summary>When the Page token expires (<c>debug_token</c> <c>expires_at</c>); null when it never does or is unknown.</summary>
    public DateTimeOffset? TokenExpiresAt { get; set; }

    /// <summary>When the token's data access lapses (<c>data_access_expires_at</c>); null when unknown.</summary>
    public DateTimeOffset? DataAccessExpiresAt { get; set; }
}
