using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace Listening.Core.Storage;

/// <summary>The service endpoints of the Table and Queue Storage the app calls (for telemetry: <c>StorageSpanFilter</c>).</summary>
public sealed class StorageEndpoints(TableServiceClient tables, QueueServiceClient queues)
{
    public IReadOnlyList<Uri> All { get; } = [tables.Uri, queues.Uri];
}
