using Listening.Core.Aggregation;
using Listening.Core.Configuration;
using Listening.Core.Pipeline;
using Listening.Core.Contracts;
using Listening.Core.Storage;
using Listening.Core.Summaries;
using Listening.IntegrationTests.Infrastructure;

namespace Listening.IntegrationTests.Aggregation;

/// <summary>
/// At-least-once in, exactly-once effect: several days of snapshots for two Pages, a random share duplicated 1-3
/// times and everything shuffled, give the same tables and summaries as the in-order run, byte for byte.
/// The days cross the 25-hour day of October 2026 and a day on which one Page was not pulled at all.
/// </summary>
public sealed class OrderIndependenceTests(OrderIndependenceTests.InOrderRun inOrder) : IClassFixture<OrderIndependenceTests.InOrderRun>
{
    public static readonly DateOnly First = new(2026, 10, 23);
    public const int Days = 5;
    public static readonly DateTimeOffset Now = new(2026, 10, 29, 12, 0, 0, TimeSpan.Zero);

    public static List<PageSnapshot> Story() =>
        SnapshotStory.Build(new LocalCalendar("Europe/Berlin"), First, Days,
            skipDay: (page, date) => page == SnapshotStory.PageIds[1] && date == new DateOnly(2026, 10, 26));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(20261025)]
    public async Task Duplicated_and_shuffled_snapshots_give_the_same_tables_as_the_in_order_run(int seed)
    {
        var random = new Random(seed);
        var messages = new List<PageSnapshot>();
        foreach (var snapshot in Story())
        {
            messages.Add(snapshot);
            if (random.NextDouble() < 0.3)
            {
                messages.AddRange(Enumerable.Repeat(snapshot, random.Next(1, 4)));
            }
        }

        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(messages));
        Assert.True(messages.Count > Story().Count, "the run must contain duplicates");

        await using var app = await TestApp.StartAsync(Now);
        await ApplyAsync(app, messages);

        var expected = await inOrder.DumpAsync();
        var actual = await TableDump.OfAsync(app);
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected, actual);

        // And replay, from the archive this order left, gives the same tables again.
        await app.Get<SnapshotReplay>().RunAsync(First, First.AddDays(Days - 1), null, null, CancellationToken.None);
        Assert.Equal(expected, await TableDump.OfAsync(app));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(20261024)]
    public async Task Metas_values_re_reported_and_revised_give_the_same_rows_and_summaries_in_any_order(int seed)
    {
        // Every pull re-reports Meta's last three days; a value of the 22nd is revised twice (once back to an earlier
        // value), so summaries are rebuilt only on some pulls (issue 16) and must still end the same.
        var calendar = new LocalCalendar("Europe/Berlin");
        var page = SnapshotStory.PageIds[0];
        var story = new List<PageSnapshot>();
        foreach (var date in Enumerable.Range(0, 3).Select(d => First.AddDays(d)))
        {
            foreach (var time in SnapshotStory.LocalTimes)
            {
                var at = SnapshotStory.At(calendar, date, time);
                var hours = (int)(at - SnapshotStory.At(calendar, First, TimeOnly.MinValue)).TotalHours;
                var revision = hours < 20 ? 0 : hours < 40 ? 7 : 0;
                story.AddRange(SnapshotStory.Capture(page, 0, at, First).Select(snapshot => snapshot.Part > 0 ? snapshot : snapshot with
                {
                    Insights =
                    [
                        .. Enumerable.Range(1, 3).SelectMany(back =>
                        {
                            var metaDate = MetaCalendar.Today(at).AddDays(-back);
                            return new[]
                            {
                                new InsightValue { Metric = "page_views_total", EndTime = MetaCalendar.EndOf(metaDate), Value = 100 + metaDate.Day + (metaDate.Day == 22 ? revision : 0) },
                                new InsightValue { Metric = "page_post_engagements", EndTime = MetaCalendar.EndOf(metaDate), Value = 50 + metaDate.Day },
                            };
                        }),
                    ],
                }));
            }
        }

        var random = new Random(seed);
        var messages = story.SelectMany(s => Enumerable.Repeat(s, random.NextDouble() < 0.3 ? random.Next(2, 4) : 1)).ToList();
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(messages));

        await using var ordered = await TestApp.StartAsync(Now);
        await ApplyAsync(ordered, story);
        await using var shuffled = await TestApp.StartAsync(Now);
        await ApplyAsync(shuffled, messages);

        async Task<List<string>> DumpAsync(TestApp app) =>
            [.. await TableDump.OfAsync(app), .. await TableDump.RowsAsync("metainsights", app.Tables.PageDays, PageDayKinds.Meta)];
        var expected = await DumpAsync(ordered);
        Assert.Contains(expected, line => line.StartsWith("metainsights " + page + "/m_2026-10-22:", StringComparison.Ordinal) && line.Contains("O_page_views_total=", StringComparison.Ordinal));
        Assert.Equal(expected, await DumpAsync(shuffled));
        var summary = (await shuffled.Get<ISummaryStore>().ReadDayAsync(page, new DateOnly(2026, 10, 22), CancellationToken.None))!.ToSummary();
        Assert.Equal(122, summary.MetaDay!.Metrics["page_views_total"]);

        await shuffled.Get<SnapshotReplay>().RunAsync(First.AddDays(-3), First.AddDays(2), null, null, CancellationToken.None);
        Assert.Equal(expected, await DumpAsync(shuffled));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_late_observation_counts_in_observations_live_as_in_replay(bool inCaptureOrder)
    {
        // The 23rd has one pull, without the Page fields (Meta left them out), and it arrives after the 24th's first
        // two; the 24th's earliest pull comes last. Its summary must count 3 pulls live, as replay does, in any order.
        var calendar = new LocalCalendar("Europe/Berlin");
        var page = SnapshotStory.PageIds[0];
        PageSnapshot Pull(int day, int hour, bool pageFields = true)
        {
            var at = SnapshotStory.At(calendar, new DateOnly(2026, 10, day), new TimeOnly(hour, 0));
            return new PageSnapshot
            {
                PageId = page,
                PageName = "Kreis Soest",
                CapturedAt = at,
                Followers = pageFields ? 1000 + (day * 10) + hour : null,
                Fans = pageFields ? 900 : null,
                Posts = [new PostObservation { Id = page + "_1", CreatedTime = new DateTimeOffset(2026, 10, 21, 8, 0, 0, TimeSpan.Zero), Reactions = new ReactionCounts { Like = (day * 10) + hour } }],
            };
        }

        List<PageSnapshot> arrival = [Pull(21, 10), Pull(24, 10), Pull(24, 14), Pull(23, 12, pageFields: false), Pull(24, 8)];
        await using var app = await TestApp.StartAsync(Now);
        await ApplyAsync(app, inCaptureOrder ? arrival.OrderBy(s => s.CapturedAt) : arrival);
        var live = await TableDump.OfAsync(app);
        var summary = await app.Get<ISummaryStore>().ReadDayAsync(page, new DateOnly(2026, 10, 24), CancellationToken.None);
        Assert.Equal(3, summary!.ToSummary().Observations);

        await app.Get<SnapshotReplay>().RunAsync(new DateOnly(2026, 10, 21), new DateOnly(2026, 10, 24), null, null, CancellationToken.None);

        Assert.Equal(live, await TableDump.OfAsync(app));
    }

    [Fact]
    public async Task A_late_day_before_a_gap_still_reaches_the_summary_after_the_gap()
    {
        // Page 2 was not pulled on 26 October, so the summary of the 27th compares with the 25th. The 25th's
        // snapshots arrive last, in reverse: the 27th must be rebuilt from them, though the 26th has no data.
        var calendar = new LocalCalendar("Europe/Berlin");
        bool Late(PageSnapshot s) => s.PageId == SnapshotStory.PageIds[1] && calendar.DateOf(s.CapturedAt) == new DateOnly(2026, 10, 25);
        var story = Story();
        var order = story.Where(s => !Late(s)).Concat(story.Where(Late).Reverse());

        await using var app = await TestApp.StartAsync(Now);
        await ApplyAsync(app, order);

        Assert.Equal(await inOrder.DumpAsync(), await TableDump.OfAsync(app));
    }

    internal static async Task ApplyAsync(TestApp app, IEnumerable<PageSnapshot> snapshots)
    {
        var handler = app.Get<SnapshotHandler>();
        var n = 0;
        foreach (var snapshot in snapshots)
        {
            var outcome = await handler.HandleAsync(MessageCodec.Encode(snapshot), $"m{n++}", CancellationToken.None);
            Assert.Equal(HandlerOutcome.Done, outcome);
        }
    }

    /// <summary>The reference: every snapshot once, in capture order, Page by Page.</summary>
    public sealed class InOrderRun : IAsyncLifetime
    {
        private TestApp _app = null!;
        private IReadOnlyList<string> _dump = [];

        public Task<IReadOnlyList<string>> DumpAsync() => Task.FromResult(_dump);

        public async Task InitializeAsync()
        {
            _app = await TestApp.StartAsync(Now);
            await ApplyAsync(_app, Story().OrderBy(s => s.CapturedAt).ThenBy(s => s.PageId, StringComparer.Ordinal).ThenBy(s => s.Part));
            _dump = await TableDump.OfAsync(_app);

            // The story is what the test claims: the 25-hour day, both Pages, summaries for every day with data.
            Assert.Contains(_dump, l => l.StartsWith("summaries " + SnapshotStory.PageIds[1] + "/", StringComparison.Ordinal));
            Assert.Equal((2 * Days) - 1, _dump.Count(l => l.StartsWith("summaries ", StringComparison.Ordinal)));
            Assert.Contains(_dump, l => l.StartsWith("observations " + SnapshotStory.PageIds[0] + "/o_2026-10-25_page:", StringComparison.Ordinal));
        }

        public async Task DisposeAsync() => await _app.DisposeAsync();
    }
}
