using System.IO.Compression;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Listening.Core.Contracts;

namespace Listening.Core.Storage;

/// <summary>A materialized <see cref="PageDaySummary"/>: PartitionKey = Page id, RowKey = the day (<see cref="SummaryKeys"/>).</summary>
public sealed class SummaryEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    /// <summary>The summary JSON, GZip-compressed (a day with many posts can pass the 64 KiB string limit).</summary>
    public byte[] Json { get; set; } = [];

    /// <summary>Sum of the capture times (Unix ms) of the rows the summary was built from: grows with the data.</summary>
    public long StampTime { get; set; }

    /// <summary>Sum of the counters of those rows: breaks ties of <see cref="StampTime"/>.</summary>
    public long StampCounters { get; set; }

    /// <summary>Content hash of the JSON; the HTTP ETag.</summary>
    public string Hash { get; set; } = "";

    public static byte[] Compress(PageDaySummary summary)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(summary, SummaryJsonContext.Default.PageDaySummary);
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(json);
        }

        return buffer.ToArray();
    }

    public PageDaySummary ToSummary()
    {
        using var input = new GZipStream(new MemoryStream(Json), CompressionMode.Decompress);
        return JsonSerializer.Deserialize(input, SummaryJsonContext.Default.PageDaySummary)
            ?? throw new InvalidDataException($"summary {PartitionKey}/{RowKey} is empty");
    }
}
