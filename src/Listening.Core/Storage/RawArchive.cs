using System.IO.Compression;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Listening.Core.Contracts;

namespace Listening.Core.Storage;

/// <summary>
/// Every snapshot as it arrived, GZip-compressed, keyed so that a duplicate lands on the same row: the archive rows
/// of the <c>pagedays</c> table, PartitionKey = Page id, RowKey = <c>a_</c> + capture time (UTC, sortable) + part
/// (<see cref="RawArchiveKeys"/>). The first store the aggregation touches: it creates the tables on first use.
/// </summary>
public sealed class RawArchive(ListeningStorage storage)
{
    public static string RowKeyOf(PageSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return RawArchiveKeys.Row(snapshot.CapturedAt, snapshot.Part);
    }

    /// <summary>
    /// The archive row of a snapshot, to be written in the snapshot's transaction (upsert-replace: a retry of the same
    /// snapshot writes the same row and cannot conflict). Creates the tables on first use.
    /// </summary>
    public async Task<TableTransactionAction> EntryAsync(PageSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        await storage.EnsureCreatedAsync(cancellationToken);
        var entity = new RawSnapshotEntity
        {
            PartitionKey = snapshot.PageId,
            RowKey = RowKeyOf(snapshot),
            CapturedAt = snapshot.CapturedAt.ToUniversalTime(),
            // The trace id differs per delivery path; the archive keeps only the data, so replays compare equal.
            Payload = Compress(MessageCodec.Encode(snapshot with { TraceParent = null })),
        };
        return new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity);
    }

    /// <summary>Archived snapshots of one Page captured in [from, to), oldest first.</summary>
    public async IAsyncEnumerable<PageSnapshot> ReadAsync(
        string pageId, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var fromKey = RawArchiveKeys.Before(from);
        var toKey = RawArchiveKeys.Before(to);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {pageId} and RowKey ge {fromKey} and RowKey lt {toKey}");
        await foreach (var row in storage.Tables.PageDays.QueryAsync<RawSnapshotEntity>(filter, cancellationToken: cancellationToken))
        {
            yield return MessageCodec.DecodeSnapshot(Decompress(row.Payload), now);
        }
    }

    /// <summary>
    /// Archived snapshots of one Page captured in [from, to), oldest first, each decoded on its own: a row that no
    /// longer decodes comes back with the reason instead of stopping the read.
    /// </summary>
    public async IAsyncEnumerable<ArchivedSnapshot> ReadEachAsync(
        string pageId, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {pageId} and RowKey ge {RawArchiveKeys.Before(from)} and RowKey lt {RawArchiveKeys.Before(to)}");
        await foreach (var row in storage.Tables.PageDays.QueryAsync<RawSnapshotEntity>(filter, cancellationToken: cancellationToken))
        {
            if (!RawArchiveKeys.IsPageSnapshot(row.RowKey))
            {
                continue; // another kind of snapshot archived beside the Page snapshots
            }

            PageSnapshot? snapshot = null;
            string? error = null;
            try
            {
                snapshot = MessageCodec.DecodeSnapshot(Decompress(row.Payload), now);
            }
            catch (InvalidMessageException ex)
            {
                error = ex.Message;
            }
            catch (InvalidDataException ex)
            {
                error = "the archived payload is not valid gzip: " + ex.Message;
            }

            yield return new ArchivedSnapshot(row.RowKey, snapshot, error);
        }
    }

    /// <summary>Pages that have archived snapshots.</summary>
    public async Task<IReadOnlyList<string>> PagesAsync(CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var pages = new SortedSet<string>(StringComparer.Ordinal);
        // Across partitions: a scan, as on the old archive table, but over the archive rows' range only.
        var filter = TableClient.CreateQueryFilter($"RowKey ge {PageDayKinds.Archive} and RowKey lt {PageDayKinds.End(PageDayKinds.Archive)}");
        await foreach (var row in storage.Tables.PageDays.QueryAsync<TableEntity>(filter, select: ["PartitionKey"], cancellationToken: cancellationToken))
        {
            pages.Add(row.PartitionKey);
        }

        return [.. pages];
    }

    internal static byte[] Compress(string json)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(json));
        }

        return buffer.ToArray();
    }

    internal static string Decompress(byte[] payload)
    {
        using var input = new GZipStream(new MemoryStream(payload), CompressionMode.Decompress);
        using var reader = new StreamReader(input, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}

public sealed class RawSnapshotEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public DateTimeOffset CapturedAt { get; set; }

    public byte[] Payload { get; set; } = [];
}

/// <summary>One archived row: its snapshot, or why it could not be read.</summary>
public sealed record ArchivedSnapshot(string RowKey, PageSnapshot? Snapshot, string? Error);
