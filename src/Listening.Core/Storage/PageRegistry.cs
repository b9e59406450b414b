using Azure;
using Azure.Data.Tables;

namespace Listening.Core.Storage;

/// <summary>
/// The Page registry (<c>pages</c> table): Pages added with <c>listening pages add</c>, beside the ones configured in
/// <c>Listening:Pages</c>. A row holds the Page's id, name, whether its pulls are paused, and the <em>name</em> of the
/// secret its token is kept under (Key Vault or the local secret store) — never the token.
/// Removing a Page removes its row only: its observations, summaries and archive stay until retention deletes them.
/// </summary>
public sealed class PageRegistry(ListeningStorage storage)
{
    public const string Partition = "page";

    /// <summary>Every registered Page, paused ones included, ordered by id.</summary>
    /// <remarks>Creates no table: a fresh installation's readers (summaries, health) find no registry and no Pages in it.</remarks>
    public async Task<IReadOnlyList<RegisteredPage>> AllAsync(CancellationToken cancellationToken)
    {
        var result = new List<RegisteredPage>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition}");
        try
        {
            await foreach (var row in storage.Tables.Pages.QueryAsync<RegisteredPageEntity>(filter, cancellationToken: cancellationToken))
            {
                result.Add(row.ToPage());
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return [];
        }

        return [.. result.OrderBy(p => p.Id, StringComparer.Ordinal)];
    }

    public async Task<RegisteredPage?> FindAsync(string pageId, CancellationToken cancellationToken)
    {
        try
        {
            var row = await storage.Tables.Pages.GetEntityIfExistsAsync<RegisteredPageEntity>(Partition, pageId, cancellationToken: cancellationToken);
            return row.HasValue ? row.Value!.ToPage() : null;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Adds the Page, or replaces its name and secret name when it is registered already (its pause stays).</summary>
    public async Task SaveAsync(RegisteredPage page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        await storage.EnsureCreatedAsync(cancellationToken);
        var existing = await FindAsync(page.Id, cancellationToken);
        var entity = new RegisteredPageEntity
        {
            PartitionKey = Partition,
            RowKey = page.Id,
            Name = page.Name,
            TokenSecret = page.TokenSecret,
            Paused = existing?.Paused ?? page.Paused,
            AddedAt = existing?.AddedAt ?? page.AddedAt,
        };
        await storage.Tables.Pages.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Pauses or resumes the Page's pulls; false when it is not registered.</summary>
    public async Task<bool> SetPausedAsync(string pageId, bool paused, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        try
        {
            await storage.Tables.Pages.UpdateEntityAsync(
                new TableEntity(Partition, pageId) { [nameof(RegisteredPageEntity.Paused)] = paused }, ETag.All, TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    /// <summary>Removes the Page from the registry (its history stays until retention); false when it was not registered.</summary>
    public async Task<bool> RemoveAsync(string pageId, CancellationToken cancellationToken)
    {
        // DeleteEntity answers a missing row with success: look first, so the operator hears about a wrong id.
        if (await FindAsync(pageId, cancellationToken) is null)
        {
            return false;
        }

        await storage.Tables.Pages.DeleteEntityAsync(Partition, pageId, ETag.All, cancellationToken);
        return true;
    }
}

/// <summary>A Page of the registry: its token is under <see cref="TokenSecret"/> in the token store.</summary>
public sealed record RegisteredPage(string Id, string? Name, string TokenSecret, bool Paused, DateTimeOffset AddedAt);

internal sealed class RegisteredPageEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string? Name { get; set; }

    /// <summary>The name of the secret that holds the token; the token itself is never stored in a table.</summary>
    public string TokenSecret { get; set; } = "";

    public bool Paused { get; set; }

    public DateTimeOffset AddedAt { get; set; }

    public RegisteredPage ToPage() => new(RowKey, Name, TokenSecret, Paused, AddedAt);
}
