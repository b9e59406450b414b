using Azure;
using Listening.Core.Storage;

namespace Listening.Core.Aggregation;

/// <summary>
/// The observation rows of recent Page days as this instance last wrote or read them, with their ETags, so that a
/// merge need not read its day again and a summary need not read the day before in full. Never trusted blindly:
/// a merge planned from it writes conditionally (a stale entry makes the write fail, and the merge reads afresh),
/// and the day before is used only while its Page row, the day's commit point, still has the cached ETag.
/// </summary>
public sealed class DayRowsCache() : PageDayMemory<ObservationRows>(256)
{
    /// <summary>The cached rows of the day if its Page row still carries <paramref name="pageETag"/>.</summary>
    public ObservationRows? Validated(string pageId, DateOnly date, ETag pageETag) =>
        Get(pageId, date) is { } rows && rows.PageOn(date) is { } page && page.ETag == pageETag ? rows : null;
}
