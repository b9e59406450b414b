using Azure;

namespace Listening.Core.Storage;

/// <summary>
/// The outcome of a write conditional on what was read (an insert, or a replace on an ETag): stored, with the new
/// ETag when the service sent one; or lost to another writer (409, 412, or 404 for a row deleted meanwhile), in which
/// case the caller reads again and decides afresh.
/// </summary>
public sealed record ConditionalWrite(bool Stored, ETag? ETag)
{
    public static ConditionalWrite Conflict { get; } = new(false, null);

    public static ConditionalWrite Done(ETag? etag) => new(true, etag);

    /// <summary>The statuses that mean another writer came first.</summary>
    internal static bool IsConflict(int status) => status is 404 or 409 or 412;
}
