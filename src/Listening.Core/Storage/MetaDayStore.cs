using Azure;
using Azure.Data.Tables;
using Listening.Core.Configuration;
using Listening.Core.Contracts;

namespace Listening.Core.Storage;

/// <summary>
/// Meta's daily Page insights (table <c>pagedays</c>, PartitionKey = Page id): one row per Meta date
/// (<see cref="MetaDayKeys.Date"/>) holding, per metric as Meta named it, its value (<c>V_{metric}</c>), its capture
/// (<c>C_</c>), Meta's end time (<c>E_</c>) and the latest capture of another value (<c>O_</c>, when known), so a pull
/// writes one row per Meta date, not one per metric (issue 16). The code works with one
/// <see cref="MetaInsightEntity"/> per metric, which this store packs and unpacks; all metrics of a date share the
/// date row's ETag. The rule of which value a row keeps lives with the aggregation (<c>Aggregation.MetaDays</c>).
/// </summary>
public sealed class MetaDayStore(ListeningStorage storage)
{
    private const string ValuePrefix = "V_";
    private const string CapturePrefix = "C_";
    private const string EndPrefix = "E_";
    private const string OtherPrefix = "O_";

    /// <summary>The Page's values of the Meta dates in [first, last], one per metric, by <see cref="MetaDayKeys.Row"/>.</summary>
    public async Task<Dictionary<string, MetaInsightEntity>> ReadDaysAsync(string pageId, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {pageId} and RowKey ge {MetaDayKeys.From(first)} and RowKey lt {MetaDayKeys.Through(last)}");
        var rows = new Dictionary<string, MetaInsightEntity>(StringComparer.Ordinal);
        await foreach (var row in storage.Tables.PageDays.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            foreach (var value in Unpack(row))
            {
                rows[value.RowKey] = value;
            }
        }

        return rows;
    }

    /// <summary>
    /// Inserts new date rows and replaces stored ones on the ETag they were read with, in the order given (one Page,
    /// transactions of at most 100). False when another writer changed one of them meanwhile (the transactions before
    /// it stay).
    /// </summary>
    /// <remarks>Each written date row's values get the ETag its transaction returned (<see cref="MetaDayWrite.Stored"/>).</remarks>
    public async Task<bool> TryWriteAsync(IReadOnlyList<MetaDayWrite> writes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writes);
        var actions = writes.Select(w => w.Action).ToList();
        try
        {
            foreach (var chunk in actions.Chunk(ListeningTables.MaxOperationsPerTransaction))
            {
                var responses = (await storage.Tables.PageDays.SubmitTransactionAsync(chunk, cancellationToken)).Value;
                for (var i = 0; i < chunk.Length; i++)
                {
                    chunk[i].Entity.ETag = i < responses.Count && responses[i].Headers.ETag is { } etag ? etag : default;
                }
            }

            return true;
        }
        catch (RequestFailedException ex) when (ConditionalWrite.IsConflict(ex.Status))
        {
            // 404: a row replaced on a remembered ETag is gone (replay rebuilt the table): read afresh.
            return false;
        }
    }

    /// <summary>The stored row of a Meta date with the values of <paramref name="values"/> (all of that date).</summary>
    internal static TableEntity Pack(string pageId, DateOnly metaDate, IEnumerable<MetaInsightEntity> values)
    {
        var row = new TableEntity(pageId, MetaDayKeys.Date(metaDate));
        foreach (var value in values)
        {
            row[ValuePrefix + value.Metric] = value.Value;
            row[CapturePrefix + value.Metric] = value.CapturedAt;
            row[EndPrefix + value.Metric] = value.EndTime;
            if (value.OtherValueAt is { } other)
            {
                row[OtherPrefix + value.Metric] = other;
            }
        }

        return row;
    }

    /// <summary>The values of a stored Meta date row, one per metric, with the row's ETag; none for a row of another shape.</summary>
    internal static IEnumerable<MetaInsightEntity> Unpack(TableEntity row)
    {
        if (!MetaDayKeys.TryDateOf(row.RowKey, out var date))
        {
            yield break;
        }

        foreach (var key in row.Keys.Where(k => k.StartsWith(ValuePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var metric = key[ValuePrefix.Length..];
            var captured = row.GetDateTimeOffset(CapturePrefix + metric) ?? DateTimeOffset.MinValue;
            var end = row.GetDateTimeOffset(EndPrefix + metric) ?? DateTimeOffset.MaxValue;
            yield return new MetaInsightEntity
            {
                PartitionKey = row.PartitionKey,
                RowKey = MetaDayKeys.Row(date, metric),
                ETag = row.ETag,
                Metric = metric,
                MetaDate = DayKey.Of(date),
                EndTime = end,
                Value = row.GetInt64(key) ?? 0,
                CapturedAt = captured,
                Complete = captured >= end,
                OtherValueAt = row.GetDateTimeOffset(OtherPrefix + metric),
            };
        }
    }
}

/// <summary>
/// A Meta date's row to write, with all its values (<paramref name="values"/>): inserted when
/// <paramref name="replaces"/> is null, else replacing the stored row with that ETag.
/// </summary>
public sealed class MetaDayWrite(string pageId, DateOnly metaDate, IReadOnlyList<MetaInsightEntity> values, ETag? replaces)
{
    public IReadOnlyList<MetaInsightEntity> Values { get; } = values;

    public ETag? Replaces { get; } = replaces;

    /// <summary>The row as stored; it gets its new ETag when its transaction succeeds.</summary>
    public TableEntity Entity { get; } = MetaDayStore.Pack(pageId, metaDate, values);

    /// <summary>The write as an operation of an entity group transaction (the Page's partition of <c>pagedays</c>).</summary>
    public TableTransactionAction Action => Replaces is { } etag
        ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, Entity, etag)
        : new TableTransactionAction(TableTransactionActionType.Add, Entity);

    /// <summary>After the write: the date row's new ETag (default when the answer lacked it) on each of its values.</summary>
    public void Stored()
    {
        foreach (var value in Values)
        {
            value.ETag = Entity.ETag;
        }
    }
}

/// <summary>
/// One of Meta's daily values: Page, Meta date, the metric Meta named, the value and when it was captured. Stored as
/// part of its Meta date's row (<see cref="MetaDayStore"/>); <see cref="RowKey"/> names the value, not the stored row.
/// </summary>
public sealed class MetaInsightEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    /// <summary>The metric name Meta reported the value under.</summary>
    public string Metric { get; set; } = "";

    /// <summary>Meta's date (Pacific day), as a <see cref="DayKey"/>.</summary>
    public string MetaDate { get; set; } = "";

    /// <summary>Meta's <c>end_time</c> of the value.</summary>
    public DateTimeOffset EndTime { get; set; }

    public long Value { get; set; }

    public DateTimeOffset CapturedAt { get; set; }

    /// <summary>Captured after the Meta day ended: Meta's value for the whole day.</summary>
    public bool Complete { get; set; }

    /// <summary>
    /// The latest capture known of a value other than <see cref="Value"/> (null: none known). Unlike
    /// <see cref="CapturedAt"/>, which every pull moves, it moves only when Meta changes the value, so a summary's stamp
    /// built from it stays put while Meta re-reports the same value (issue 16). Kept exactly in any order of arrival:
    /// see <see cref="MergedWith"/>.
    /// </summary>
    public DateTimeOffset? OtherValueAt { get; set; }

    [System.Runtime.Serialization.IgnoreDataMember]
    public DateOnly MetaDateValue => DayKey.Parse(MetaDate);

    public static MetaInsightEntity From(string pageId, InsightValue value, DateTimeOffset capturedAt)
    {
        ArgumentNullException.ThrowIfNull(value);
        var date = MetaCalendar.DateOfEndTime(value.EndTime);
        return new MetaInsightEntity
        {
            PartitionKey = pageId,
            RowKey = MetaDayKeys.Row(date, value.Metric),
            Metric = value.Metric,
            MetaDate = DayKey.Of(date),
            EndTime = value.EndTime.ToUniversalTime(),
            Value = value.Value,
            CapturedAt = capturedAt.ToUniversalTime(),
            Complete = capturedAt >= value.EndTime,
        };
    }

    /// <summary>The later capture wins; on equal capture times the larger value, so any order of arrival gives the same row.</summary>
    public bool Supersedes(MetaInsightEntity stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var byTime = CapturedAt.CompareTo(stored.CapturedAt);
        return byTime != 0 ? byTime > 0 : Value > stored.Value;
    }

    /// <summary>
    /// The row to store after this stored row meets one more capture (<paramref name="capture"/>, a row made by
    /// <see cref="From"/>), or null when the stored row stays as it is. The later capture's value wins
    /// (<see cref="Supersedes"/>); <see cref="OtherValueAt"/> becomes the latest capture of a value other than the
    /// winner's. Both are a maximum over the captures seen, so every order of arrival ends with the same row.
    /// </summary>
    public MetaInsightEntity? MergedWith(MetaInsightEntity capture)
    {
        ArgumentNullException.ThrowIfNull(capture);
        if (capture.Supersedes(this))
        {
            // Every capture before held this row's value or one older than OtherValueAt; this row's own capture is the
            // latest of them, and it differs from the new value or not.
            var merged = capture.Copy();
            merged.ETag = default;
            merged.OtherValueAt = capture.Value != Value ? CapturedAt : OtherValueAt;
            return merged;
        }

        if (capture.Value == Value || (OtherValueAt is { } other && other >= capture.CapturedAt))
        {
            return null;
        }

        var kept = Copy();
        kept.OtherValueAt = capture.CapturedAt;
        return kept;
    }

    /// <summary>
    /// What this complete row adds to the time stamp of a summary that shows it: grows whenever the value changes (a
    /// later capture of another value moves <see cref="OtherValueAt"/> past every capture before), never when a pull
    /// only re-reports it. A row whose latest capture ties with another value's (<c>OtherValueAt == CapturedAt</c>,
    /// the larger value kept) counts one less, so the next change still adds to it.
    /// </summary>
    public long StampTime()
    {
        var captured = CapturedAt.ToUnixTimeMilliseconds();
        var other = OtherValueAt?.ToUnixTimeMilliseconds() ?? long.MinValue;
        return Math.Max(other, EndTime.ToUnixTimeMilliseconds() - 1) + (other == captured ? 0 : 1);
    }

    private MetaInsightEntity Copy() => new()
    {
        PartitionKey = PartitionKey,
        RowKey = RowKey,
        ETag = ETag,
        Metric = Metric,
        MetaDate = MetaDate,
        EndTime = EndTime,
        Value = Value,
        CapturedAt = CapturedAt,
        Complete = Complete,
        OtherValueAt = OtherValueAt,
    };
}
