using Listening.Core.Configuration;
using Listening.Core.Pipeline;
using Listening.Core.Contracts;
using Listening.IntegrationTests.Infrastructure;

namespace Listening.IntegrationTests.Aggregation;

/// <summary>No lost updates: many handlers on the same Page and day at once (ETags, retry on 412) end where one after the other ends.</summary>
public sealed class ConcurrencyTests
{
    private const string PageId = "104857600000001";
    private static readonly DateTimeOffset Morning = new(2026, 11, 27, 6, 0, 0, TimeSpan.Zero); // 07:00 in Berlin

    /// <summary>16 pulls of one day, each seeing the same 30 posts with counters that grow over the day.</summary>
    private static List<PageSnapshot> Pulls() =>
    [
        .. Enumerable.Range(0, 16).Select(i => new PageSnapshot
        {
            PageId = PageId,
            PageName = "Kreis Soest",
            CapturedAt = Morning.AddMinutes(15 * i),
            Followers = 1_000 + (i * 3),
            Fans = i % 4 == 0 ? null : 950 + i,
            Posts =
            [
                .. Enumerable.Range(1, 30).Select(n => new PostObservation
                {
                    Id = $"{PageId}_{n}",
                    CreatedTime = Morning.AddHours(-n),
                    Message = n % 5 == 0 ? "Gewinnspiel: Wir verlosen Tickets" : "Ausbildung beim Kreis",
                    Reactions = new ReactionCounts { Like = (n * 10) + (i * n), Love = i },
                    Comments = n + i,
                    Shares = i / 2,
                }),
            ],
        }),
    ];

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public async Task Concurrent_handlers_on_one_page_and_day_end_like_sequential_ones(int parallel)
    {
        var pulls = Pulls();
        await using var sequential = await TestApp.StartAsync(Morning.AddDays(1));
        await OrderIndependenceTests.ApplyAsync(sequential, pulls);

        await using var concurrent = await TestApp.StartAsync(Morning.AddDays(1));
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lanes = Enumerable.Range(0, parallel).Select(lane => Task.Run(async () =>
        {
            // Each lane is a handler of its own, as on separate instances of the Functions host.
            var handler = concurrent.Get<SnapshotHandler>();
            await start.Task;
            for (var i = lane; i < pulls.Count; i += parallel)
            {
                Assert.Equal(HandlerOutcome.Done, await handler.HandleAsync(MessageCodec.Encode(pulls[i]), $"m{i}", CancellationToken.None));
            }
        })).ToList();
        start.SetResult();
        await Task.WhenAll(lanes);

        Assert.Equal(await TableDump.OfAsync(sequential), await TableDump.OfAsync(concurrent));
        var conflicts = concurrent.Logs!.GetSnapshot().Count(r => r.Message.Contains("changed under us", StringComparison.Ordinal));
        Assert.True(conflicts > 0, "the handlers never met: the test did not exercise concurrent writes");
    }
    /// <summary>
    /// Issue 16, stage B: the parts of one snapshot (each with its posts, the Page fields and Meta's values, all in one
    /// transaction of the Page's partition per part) handled at once by as many handlers, capture after capture, end
    /// where the parts one after the other end: archive, observations, Meta's rows, summaries.
    /// </summary>
    [Fact]
    public async Task The_parts_of_a_snapshot_handled_at_once_end_like_one_after_the_other()
    {
        const int Parts = 3;
        var snapshots = Pulls().Take(6).SelectMany(pull => Enumerable.Range(0, Parts).Select(part => pull with
        {
            Part = part,
            Parts = Parts,
            Posts = [.. pull.Posts.Where((_, n) => n % Parts == part)],
            Insights =
            [
                .. Enumerable.Range(1, 3).Select(back => new InsightValue
                {
                    Metric = "page_media_view",
                    EndTime = MetaCalendar.EndOf(new DateOnly(2026, 11, 27).AddDays(-back)),
                    Value = 100 + back + (int)(pull.CapturedAt - Morning).TotalMinutes,
                }),
            ],
        })).ToList();
        await using var sequential = await TestApp.StartAsync(Morning.AddDays(1));
        await OrderIndependenceTests.ApplyAsync(sequential, snapshots);

        await using var concurrent = await TestApp.StartAsync(Morning.AddDays(1));
        foreach (var capture in snapshots.Chunk(Parts))
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var lanes = capture.Select((part, i) => Task.Run(async () =>
            {
                var handler = concurrent.Get<SnapshotHandler>();
                await start.Task;
                Assert.Equal(HandlerOutcome.Done, await handler.HandleAsync(MessageCodec.Encode(part), $"m{part.CapturedAt.Ticks}-{i}", CancellationToken.None));
            })).ToList();
            start.SetResult();
            await Task.WhenAll(lanes);
        }

        List<string> expected = [.. await TableDump.OfAsync(sequential), .. await TableDump.RowsAsync("metainsights", sequential.Tables.PageDays, Listening.Core.Storage.PageDayKinds.Meta)];
        List<string> actual = [.. await TableDump.OfAsync(concurrent), .. await TableDump.RowsAsync("metainsights", concurrent.Tables.PageDays, Listening.Core.Storage.PageDayKinds.Meta)];
        Assert.Equal(expected, actual);
    }
}
