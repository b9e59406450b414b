using Azure;
using Listening.Core.Storage;

namespace Listening.Core.Storage;

/// <summary>
/// The stored version (ETag, stamps, hash) of the summaries this instance last wrote or read, so that storing a
/// newer one needs no read first. Only ever used for conditional writes: if the stored summary changed since, the
/// write fails and the materializer reads it.
/// </summary>
/// <remarks>Room for four days each of 2,000 Pages (issue 16); an entry is an ETag, two numbers and a hash.</remarks>
public sealed class SummaryVersions() : PageDayMemory<SummaryVersion>(8192);

public sealed record SummaryVersion(ETag ETag, long StampTime, long StampCounters, string Hash)
{
    /// <summary>
    /// The part of the stamp that Meta's complete values of the date added, when this instance built the stored
    /// summary itself (null when it only read it): while Meta's rows still add the same, the summary shows them.
    /// </summary>
    public (long Time, long Counters)? MetaStamp { get; init; }

    /// <summary>Whether a summary with these stamps was built from no more data than this version.</summary>
    public bool Covers(long stampTime, long stampCounters) =>
        StampTime > stampTime || (StampTime == stampTime && StampCounters >= stampCounters);
}
