using System.Collections.Concurrent;
using Azure;

namespace Listening.Core.Summaries;

/// <summary>
/// The stored version (ETag, stamps, hash) of the summaries this instance last wrote or read, so that storing a
/// newer one needs no read first. Only ever used for conditional writes: if the stored summary changed since, the
/// write fails and the materializer reads it.
/// </summary>
public sealed class SummaryVersions
{
    public const int Capacity = 512;

    private readonly ConcurrentDictionary<(string PageId, DateOnly Date), SummaryVersion> _versions = new();

    public SummaryVersion? Get(string pageId, DateOnly date) => _versions.TryGetValue((pageId, date), out var v) ? v : null;

    public void Set(string pageId, DateOnly date, SummaryVersion version)
    {
        if (_versions.Count >= Capacity)
        {
            _versions.Clear();
        }

        _versions[(pageId, date)] = version;
    }

    public void Forget(string pageId, DateOnly date) => _versions.TryRemove((pageId, date), out _);
}

public sealed record SummaryVersion(ETag ETag, long StampTime, long StampCounters, string Hash)
{
    /// <summary>Whether a summary with these stamps was built from no more data than this version.</summary>
    public bool Covers(long stampTime, long stampCounters) =>
        StampTime > stampTime || (StampTime == stampTime && StampCounters >= stampCounters);
}
