using Listening.Core.Notifications.Alerts;
using Listening.Core.Storage;

namespace Listening.Core.Tests.Notifications;

/// <summary>
/// Bursts of urgent comments in crisis mode: exactly one call opens an episode (the one that announces it), whatever
/// order the bursts of a storm arrive in; later and earlier bursts on the same post only move its ends.
/// </summary>
public sealed class CrisisBurstTests
{
    private const string PageId = "104857600000001";
    private const string PostId = PageId + "_9";
    private static readonly DateTimeOffset Morning = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);

    private readonly CrisisMode _crisis = new(new OneRowStore());

    private Task<(CrisisStateEntity State, bool Opened)> BurstAsync(DateTimeOffset at) =>
        _crisis.ApplyBurstAsync(PageId, PostId, at, "dringende Kommentare", null, Day, CancellationToken.None);

    [Fact]
    public async Task The_first_burst_opens_the_episode_and_a_later_one_on_the_same_post_only_extends_it()
    {
        var (_, first) = await BurstAsync(Morning);
        var (state, later) = await BurstAsync(Morning.AddMinutes(40));

        Assert.True(first);
        Assert.False(later); // ApplyAsync answers "started" here: the same post started the episode
        Assert.Equal(Morning, state.Since);
        Assert.Equal(Morning.AddMinutes(40) + Day, state.Until);
    }

    [Fact]
    public async Task An_earlier_burst_arriving_late_moves_the_start_but_opens_nothing()
    {
        await BurstAsync(Morning.AddMinutes(40));
        var (state, opened) = await BurstAsync(Morning);

        Assert.False(opened);
        Assert.Equal(Morning, state.Since);
    }

    [Fact]
    public async Task A_burst_after_the_episode_ended_opens_a_new_one()
    {
        await BurstAsync(Morning);
        var (state, opened) = await BurstAsync(Morning + Day + TimeSpan.FromMinutes(1));

        Assert.True(opened);
        Assert.Equal(Morning + Day + TimeSpan.FromMinutes(1), state.Since);
    }

    /// <summary>The store's contract on one row, without storage: decide on what is stored, write what it chose.</summary>
    private sealed class OneRowStore : ICrisisStateStore
    {
        private CrisisStateEntity? _row;

        public Task<CrisisStateEntity?> GetAsync(string pageId, CancellationToken cancellationToken) => Task.FromResult(_row);

        public Task<IReadOnlyList<CrisisStateEntity>> OverlappingAsync(DateTimeOffset start, DateTimeOffset until, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<CrisisStateEntity>>(_row is null ? [] : [_row]);

        public Task<T> UpdateAsync<T>(string pageId, Func<CrisisStateEntity?, (CrisisStateEntity? Write, T Result)> decide, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(decide);
            var stored = _row is null ? null : new CrisisStateEntity { Since = _row.Since, Until = _row.Until, PostId = _row.PostId, Keyword = _row.Keyword };
            var (write, result) = decide(stored);
            _row = write ?? _row;
            return Task.FromResult(result);
        }
    }
}
