using Azure;
using Listening.Core.Storage;

namespace Listening.Core.Aggregation;

/// <summary>
/// The observation rows of recent Page days as this instance last wrote or read them, with their ETags, so that a
/// merge need not read its day again and a summary need not read the day before in full. Never trusted blindly:
/// a merge planned from it writes conditionally (a stale entry makes the write fail, and the merge reads afresh),
/// and the day before is used only while its Page row, the day's commit point, still has the cached ETag.
/// </summary>
/// <remarks>
/// Room for today and the day before of 2,000 Pages (issue 16: 1,000 Pages on one instance would clear a smaller memory
/// every few seconds and read every day afresh). A Page's day of 100 posts is about 100 KB in memory.
/// </remarks>
public sealed class DayRowsCache() : PageDayMemory<ObservationRows>(4096)
{
    /// <summary>The cached rows of the day if its Page row still carries <paramref name="pageETag"/>.</summary>
    public ObservationRows? Validated(string pageId, DateOnly date, ETag pageETag) =>
        Get(pageId, date) is { } rows && rows.PageOn(date) is { } page && page.ETag == pageETag ? rows : null;
}
