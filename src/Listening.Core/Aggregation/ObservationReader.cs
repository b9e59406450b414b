using Listening.Core.Storage;

namespace Listening.Core.Aggregation;

/// <summary>
/// Reads observation rows for the aggregation: a day as of its last committed merge, served from what this instance
/// remembers (<see cref="DayRowsCache"/>) while the day's commit point is unchanged.
/// </summary>
public sealed class ObservationReader(IObservationStore store, DayRowsCache cache)
{
    /// <summary>
    /// The rows of one day as of its last committed merge: the cached rows while the day's Page row (its commit
    /// point) still has the cached ETag, else a fresh read. Rows of a merge that has not committed yet are left
    /// out; that merge rebuilds what reads its day when it commits.
    /// </summary>
    public async Task<ObservationRows> CommittedDayAsync(string pageId, DateOnly date, CancellationToken cancellationToken)
    {
        if (await store.CommitPointAsync(pageId, date, cancellationToken) is not { } commit)
        {
            return new ObservationRows();
        }

        if (cache.Validated(pageId, date, commit) is { } cached)
        {
            return cached;
        }

        var rows = await store.ReadDaysAsync(pageId, date, date, cancellationToken);
        if (rows.PageOn(date) is not null)
        {
            cache.Set(pageId, date, rows);
        }

        return rows;
    }
}
