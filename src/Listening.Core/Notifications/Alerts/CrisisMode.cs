using Listening.Core.Storage;

namespace Listening.Core.Notifications.Alerts;

/// <summary>
/// Crisis mode per Page (<see cref="ICrisisStateStore"/>). A crisis post starts an episode, or extends the running
/// one to its own creation time plus the duration; times come from the posts, so the same posts give the same
/// state whatever order and how often they arrive.
/// </summary>
public sealed class CrisisMode(ICrisisStateStore store)
{
    public Task<CrisisStateEntity?> GetAsync(string pageId, CancellationToken cancellationToken) => store.GetAsync(pageId, cancellationToken);

    /// <summary>Pages whose crisis mode runs at <paramref name="now"/>.</summary>
    public Task<IReadOnlyList<CrisisStateEntity>> ActiveAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        OverlappingAsync(now, now.AddTicks(1), cancellationToken);

    /// <summary>Crisis episodes (the last one per Page) that ran at some time in [from, to).</summary>
    public Task<IReadOnlyList<CrisisStateEntity>> OverlappingAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        store.OverlappingAsync(from, to, cancellationToken);

    /// <summary>
    /// Applies a crisis post. Returns the state after it and whether this post started the episode (a post that
    /// falls into a running episode only extends it).
    /// </summary>
    public Task<(CrisisStateEntity State, bool Started)> ApplyAsync(
        string pageId, string postId, DateTimeOffset postCreated, string keyword, string? permalink, TimeSpan duration, CancellationToken cancellationToken)
    {
        var until = (postCreated + duration).ToUniversalTime();
        return store.UpdateAsync(pageId, existing => Decide(existing, pageId, postId, postCreated, until, keyword, permalink), cancellationToken);
    }

    /// <summary>
    /// Applies a burst of urgent comments like a crisis post (its last comment's time starts or extends the episode).
    /// <c>Opened</c> is true for the one call that opened the episode (no state, or the last episode was over): the
    /// call that announces it. A later burst on the same post, or an earlier one arriving late, opens nothing.
    /// </summary>
    public Task<(CrisisStateEntity State, bool Opened)> ApplyBurstAsync(
        string pageId, string postId, DateTimeOffset burstAt, string keyword, string? permalink, TimeSpan duration, CancellationToken cancellationToken)
    {
        var until = (burstAt + duration).ToUniversalTime();
        return store.UpdateAsync(pageId, existing =>
        {
            var (write, (state, _)) = Decide(existing, pageId, postId, burstAt, until, keyword, permalink);
            return (write, (state, existing is null || existing.Until <= burstAt));
        }, cancellationToken);
    }

    /// <summary>What to write (null: nothing) and what to answer, given the stored state.</summary>
    private static (CrisisStateEntity? Write, (CrisisStateEntity State, bool Started) Result) Decide(
        CrisisStateEntity? existing, string pageId, string postId, DateTimeOffset postCreated, DateTimeOffset until, string keyword, string? permalink)
    {
        if (existing is null || existing.Until <= postCreated)
        {
            var episode = NewEpisode(pageId, postId, postCreated, until, keyword, permalink);
            return (episode, (episode, true));
        }

        if (postCreated < existing.Since)
        {
            if (until <= existing.Since)
            {
                // An older episode, long over: nothing to change.
                return (null, (existing, false));
            }

            // An earlier post arrived late: it starts the episode, so the state is the same whichever came first.
            var episode = NewEpisode(pageId, postId, postCreated, until > existing.Until ? until : existing.Until, keyword, permalink);
            return (episode, (episode, true));
        }

        var started = string.Equals(existing.PostId, postId, StringComparison.Ordinal);
        if (until <= existing.Until)
        {
            return (null, (existing, started));
        }

        existing.Until = until;
        return (existing, (existing, started));
    }

    private static CrisisStateEntity NewEpisode(string pageId, string postId, DateTimeOffset since, DateTimeOffset until, string keyword, string? permalink) => new()
    {
        PartitionKey = NotificationKeys.CrisisPartition,
        RowKey = pageId,
        Since = since.ToUniversalTime(),
        Until = until.ToUniversalTime(),
        PostId = postId,
        Keyword = keyword,
        Permalink = permalink,
    };
}
