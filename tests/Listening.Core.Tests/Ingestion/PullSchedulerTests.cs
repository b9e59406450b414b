using Listening.Core.Ingestion;

namespace Listening.Core.Tests.Ingestion;

public sealed class PullSchedulerTests
{
    [Theory]
    [InlineData("2026-11-27T11:44:59.9986Z", true)] // the host fired 1.4 ms early for 11:45
    [InlineData("2026-11-27T11:44:59.998Z", true)]
    [InlineData("2026-11-27T11:45:00.002Z", true)]
    [InlineData("2026-11-27T11:59:59.998Z", true)] // early for 12:00
    [InlineData("2026-11-27T11:48:00Z", true)] // a late quarter-hour run still counts
    [InlineData("2026-11-27T11:49:59.998Z", false)] // early for 11:50, a run between
    [InlineData("2026-11-27T11:50:00.002Z", false)]
    [InlineData("2026-11-27T11:54:59.998Z", false)] // early for 11:55
    [InlineData("2026-11-27T11:44:00Z", false)] // a minute early is the 11:40 run, late
    public void A_run_is_regular_by_the_quarter_hour_it_is_due_for(string at, bool regular) =>
        Assert.Equal(regular, PullScheduler.IsRegularRun(DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture)));
}

/// <summary>The fan-out of a cycle: 1,000 Pages' pull messages sent in parallel (bounded), none waiting for another.</summary>
public sealed class PullSchedulerFanOutTests
{
    private static PullScheduler Scheduler(int pages, Listening.Core.Storage.IQueuePublisher queue)
    {
        var options = Microsoft.Extensions.Options.Options.Create(new Listening.Core.Configuration.ListeningOptions
        {
            Pages = [.. Enumerable.Range(0, pages).Select(i => new Listening.Core.Configuration.PageOptions { Id = (104857600000000L + i).ToString(System.Globalization.CultureInfo.InvariantCulture), AccessToken = "EAAGtokenFor" + i })],
        });
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 11, 45, 0, TimeSpan.Zero));
        return new PullScheduler(new PageDirectory(options), queue, (_, _) => Task.FromResult<IReadOnlyCollection<string>>([]), time,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<PullScheduler>.Instance);
    }

    [Fact]
    public async Task A_Page_whose_send_hangs_does_not_hold_up_the_other_Pages_sends()
    {
        var queue = new GatedQueue(blockedPageId: "104857600000003");
        var run = Scheduler(1000, queue).ScheduleAsync(CancellationToken.None);

        // Every other Page's message goes out while the one send hangs; the run ends only after it.
        await queue.OthersSent.Task.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.False(run.IsCompleted);
        Assert.Equal(999, queue.Sent.Count);
        queue.Release.SetResult();

        Assert.Equal(1000, await run);
        Assert.Equal(1000, queue.Sent.Distinct().Count());
        Assert.InRange(queue.MaxInFlight, 2, PullScheduler.MaxParallelSends);
    }

    private sealed class GatedQueue(string blockedPageId) : Listening.Core.Storage.IQueuePublisher
    {
        private int _inFlight;
        private int _maxInFlight;

        public System.Collections.Concurrent.ConcurrentBag<string> Sent { get; } = [];

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource OthersSent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int MaxInFlight => Volatile.Read(ref _maxInFlight);

        public async Task PublishAsync(Listening.Core.Contracts.PullRequest message, CancellationToken cancellationToken)
        {
            var now = Interlocked.Increment(ref _inFlight);
            int seen;
            while ((seen = Volatile.Read(ref _maxInFlight)) < now && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen)
            {
            }

            try
            {
                // A send takes a moment (so sends overlap); the blocked Page's hangs until released.
                await Task.Yield();
                await Task.Delay(1, cancellationToken);
                if (message.PageId == blockedPageId)
                {
                    await Release.Task.WaitAsync(cancellationToken);
                }

                Sent.Add(message.PageId);
                if (Sent.Count == 999 && !Sent.Contains(blockedPageId))
                {
                    OthersSent.TrySetResult();
                }
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        public Task PublishAsync(Listening.Core.Contracts.PageSnapshot message, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task PublishAsync(Listening.Core.Contracts.NotificationMessage message, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task PublishAsync(Listening.Core.Contracts.CommentBatch message, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
