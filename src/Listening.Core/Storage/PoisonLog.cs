using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Listening.Core.Configuration;

namespace Listening.Core.Storage;

/// <summary>
/// Why a message sits in a poison queue, for <c>listening poison list</c>: one row per queue and message body
/// (PartitionKey = queue, RowKey = SHA-256 of the body), written when the pipeline parks a message itself.
/// Messages the Functions host parks after <c>maxDequeueCount</c> failed tries have no row: their reason is in
/// the logs of those tries.
/// </summary>
public sealed class PoisonLog(ListeningStorage storage, SecretMasker masker, TimeProvider time)
{
    public static string KeyOf(string body) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body ?? "")));

    public async Task RecordAsync(string queue, string body, string messageId, string reason, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        reason = masker.Mask(reason);
        var entity = new PoisonReasonEntity
        {
            PartitionKey = queue,
            RowKey = KeyOf(body),
            Reason = reason.Length > 2000 ? reason[..2000] : reason,
            MessageId = messageId,
            ParkedAt = time.GetUtcNow(),
        };
        await storage.Tables.PoisonLog.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>The recorded reasons of one queue's parked messages, by body hash.</summary>
    public async Task<IReadOnlyDictionary<string, PoisonReasonEntity>> ReasonsAsync(string queue, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var result = new Dictionary<string, PoisonReasonEntity>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {queue}");
        await foreach (var row in storage.Tables.PoisonLog.QueryAsync<PoisonReasonEntity>(filter, cancellationToken: cancellationToken))
        {
            result[row.RowKey] = row;
        }

        return result;
    }

    public async Task ForgetAsync(string queue, string body, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        await storage.Tables.PoisonLog.DeleteEntityAsync(queue, KeyOf(body), ETag.All, cancellationToken);
    }
}

public sealed class PoisonReasonEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Reason { get; set; } = "";

    public string MessageId { get; set; } = "";

    public DateTimeOffset ParkedAt { get; set; }
}
