namespace Listening.Core.Storage;

/// <summary>
/// The pause between optimistic-concurrency retries (409/412), with jitter so that competing writers spread out.
/// It waits on the system clock on purpose: the pause gives the other writer time and reads no business time,
/// while the injected <see cref="TimeProvider"/> may be a fake that stands still (tests) or a simulated clock (demo).
/// </summary>
internal static class ConflictBackoff
{
    public static Task DelayAsync(int attempt, CancellationToken cancellationToken) =>
        Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 8 * Math.Clamp(attempt, 1, 12))), TimeProvider.System, cancellationToken);
}
