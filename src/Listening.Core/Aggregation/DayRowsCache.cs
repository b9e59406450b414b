using System.Collections.Concurrent;
using Azure;

namespace Listening.Core.Aggregation;

/// <summary>
/// The observation rows of recent Page days as this instance last wrote or read them, with their ETags, so that a
/// merge need not read its day again and a summary need not read the day before in full. Never trusted blindly:
/// a merge planned from it writes conditionally (a stale entry makes the write fail, and the merge reads afresh),
/// and the day before is used only while its Page row, the day's commit point, still has the cached ETag.
/// </summary>
public sealed class DayRowsCache
{
    /// <summary>Page days kept (a few per Page are in use at a time); beyond it the cache starts over.</summary>
    public const int Capacity = 256;

    private readonly ConcurrentDictionary<(string PageId, DateOnly Date), ObservationRows> _days = new();

    public bool TryGet(string pageId, DateOnly date, out ObservationRows rows) =>
        _days.TryGetValue((pageId, date), out rows!);

    /// <summary>The cached rows of the day if its Page row still carries <paramref name="pageETag"/>.</summary>
    public ObservationRows? Validated(string pageId, DateOnly date, ETag pageETag) =>
        _days.TryGetValue((pageId, date), out var rows) && rows.PageOn(date) is { } page && page.ETag == pageETag ? rows : null;

    public void Set(string pageId, DateOnly date, ObservationRows rows)
    {
        if (_days.Count >= Capacity)
        {
            _days.Clear();
        }

        _days[(pageId, date)] = rows;
    }

    public void Invalidate(string pageId, DateOnly date) => _days.TryRemove((pageId, date), out _);
}
