using System.Security.Cryptography;
using System.Text;

namespace Listening.Core.Storage;

/// <summary>
/// Partitions and row keys of the notification tables (<c>notificationlog</c>, <c>alertstate</c>), written once
/// here. Layout: docs/data-model.md.
/// </summary>
public static class NotificationKeys
{
    /// <summary>Alerts raised, in <c>alertstate</c>; RowKey = <see cref="Hash"/> of the alert key.</summary>
    public const string RaisedPartition = "raised";

    /// <summary>Crisis mode per Page, in <c>alertstate</c>; RowKey = Page id.</summary>
    public const string CrisisPartition = "crisis";

    /// <summary>Digests queued per local day, in <c>notificationlog</c>; RowKey = the day (<see cref="DayKey"/>).</summary>
    public const string DigestQueuedPartition = "digest_scheduled";

    /// <summary>Notifications delivered to one Teams channel, in <c>notificationlog</c>; RowKey = <see cref="Hash"/> of the key.</summary>
    public static string SentPartition(string channel) => "sent_" + channel;

    /// <summary>Keys may hold characters a RowKey cannot; a hash keeps them stable and valid.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static string Day(DateOnly date) => DayKey.Of(date);
}
