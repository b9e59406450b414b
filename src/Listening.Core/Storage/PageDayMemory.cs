using System.Collections.Concurrent;

namespace Listening.Core.Storage;

/// <summary>
/// What this instance remembers per Page and local day, for the few days per Page in use at a time. Bounded: past
/// its capacity it starts over, which only costs a read. Never the truth: whoever uses an entry writes conditionally
/// on it, so a stale entry fails the write and is read afresh.
/// </summary>
public abstract class PageDayMemory<T>(int capacity)
    where T : class
{
    private readonly ConcurrentDictionary<(string PageId, DateOnly Date), T> _entries = new();

    public int Capacity => capacity;

    public T? Get(string pageId, DateOnly date) => _entries.TryGetValue((pageId, date), out var entry) ? entry : null;

    public void Set(string pageId, DateOnly date, T entry)
    {
        if (_entries.Count >= capacity)
        {
            _entries.Clear();
        }

        _entries[(pageId, date)] = entry;
    }

    public void Forget(string pageId, DateOnly date) => _entries.TryRemove((pageId, date), out _);
}
