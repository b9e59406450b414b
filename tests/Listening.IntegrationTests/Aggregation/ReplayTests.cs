using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Listening.Cli;
using Listening.Core.Aggregation;
using Listening.Core.Contracts;
using Listening.Core.Storage;
using Listening.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Listening.IntegrationTests.Aggregation;

/// <summary><c>listening replay</c> rebuilds observations and summaries from the raw archive, equal to the live run.</summary>
public sealed class ReplayTests : IAsyncLifetime
{
    private static readonly string Page1 = SnapshotStory.PageIds[0];
    private static readonly string Page2 = SnapshotStory.PageIds[1];
    private TestApp _app = null!;
    private IReadOnlyList<string> _live = [];

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(OrderIndependenceTests.Now);
        await OrderIndependenceTests.ApplyAsync(_app, OrderIndependenceTests.Story().OrderBy(s => s.CapturedAt).ThenBy(s => s.PageId, StringComparer.Ordinal));
        _live = await TableDump.OfAsync(_app);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Replay_of_damaged_tables_gives_the_live_result_with_a_progress_display()
    {
        await DamageAsync(Page1);
        await DamageAsync(Page2);
        Assert.NotEqual(_live, await TableDump.OfAsync(_app));

        var output = new StringWriter();
        var exit = await OperationsCommands.ReplayAsync("2026-10-23", "2026-10-27", null, false, output, CancellationToken.None, _app.Services);

        Assert.Equal(0, exit);
        Assert.Equal(_live, await TableDump.OfAsync(_app));
        var text = output.ToString();
        Assert.Contains($"page {Page1}: day 5/5 (2026-10-27)", text, StringComparison.Ordinal);
        Assert.Contains($"page {Page2}: summary 4/4 (2026-10-27)", text, StringComparison.Ordinal);
        Assert.Contains("Replayed 2026-10-23 to 2026-10-27 for 2 page(s)", text, StringComparison.Ordinal);
        Assert.Contains("1 day(s) without archived snapshots left as they were", text, StringComparison.Ordinal); // page 2's outage day
    }

    /// <summary>
    /// Issue 16: an installation upgraded from the four tables before <c>pagedays</c>. Replay copies their rows under
    /// the kinds' keys and rebuilds the range from the old archive (a post row lost from the old table comes back);
    /// a second run copies nothing.
    /// </summary>
    [Fact]
    public async Task Replay_after_the_upgrade_moves_the_old_tables_into_pagedays_and_rebuilds_from_the_old_archive()
    {
        var moved = 0;
        try
        {
            foreach (var (name, kind) in LegacyTableKeys.Tables)
            {
                var old = _app.Tables.Legacy(name);
                await old.CreateIfNotExistsAsync();
                foreach (var row in await TestApp.RowsAsync(_app.Tables.PageDays, kind))
                {
                    await _app.Tables.PageDays.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All);
                    var oldRow = new TableEntity(row.PartitionKey, row.RowKey[kind.Length..]);
                    foreach (var (key, value) in row.Where(p => p.Key is not "PartitionKey" and not "RowKey" and not "Timestamp" and not "odata.etag"))
                    {
                        oldRow[key] = value;
                    }

                    await old.AddEntityAsync(oldRow);
                    moved++;
                }
            }

            var oldObservations = _app.Tables.Legacy("observations");
            var lost = (await TestApp.RowsAsync(oldObservations)).First(r => r.PartitionKey == Page1 && r.RowKey.StartsWith("2026-10-25_post_", StringComparison.Ordinal));
            await oldObservations.DeleteEntityAsync(lost.PartitionKey, lost.RowKey, ETag.All);
            Assert.Empty(await TestApp.RowsAsync(_app.Tables.PageDays));

            var result = await _app.Get<SnapshotReplay>().RunAsync(new DateOnly(2026, 10, 23), new DateOnly(2026, 10, 27), null, null, CancellationToken.None);

            Assert.Equal(moved - 1, result.Migrated);
            Assert.Equal(_live, await TableDump.OfAsync(_app));
            var again = await _app.Get<SnapshotReplay>().RunAsync(new DateOnly(2026, 10, 23), new DateOnly(2026, 10, 27), null, null, CancellationToken.None);
            Assert.Equal(0, again.Migrated);
            Assert.Equal(_live, await TableDump.OfAsync(_app));
        }
        finally
        {
            foreach (var (name, _) in LegacyTableKeys.Tables)
            {
                await _app.Tables.Legacy(name).DeleteAsync();
            }
        }
    }

    [Fact]
    public async Task Replay_of_one_page_leaves_the_other_alone()
    {
        await DamageAsync(Page1);
        await DamageAsync(Page2);
        var damaged = await TableDump.OfAsync(_app);

        await OperationsCommands.ReplayAsync("2026-10-23", "2026-10-27", Page1, false, TextWriter.Null, CancellationToken.None, _app.Services);

        var after = await TableDump.OfAsync(_app);
        Assert.Equal(Lines(_live, Page1), Lines(after, Page1));
        Assert.Equal(Lines(damaged, Page2), Lines(after, Page2));
    }

    [Fact]
    public async Task A_day_without_archived_snapshots_keeps_its_rows()
    {
        var raw = await TestApp.RowsAsync(_app.Tables.PageDays, PageDayKinds.Archive);
        var calendar = _app.Get<Listening.Core.Configuration.LocalCalendar>();
        foreach (var row in raw.Where(r => r.PartitionKey == Page1 && calendar.DateOf(r.GetDateTimeOffset("CapturedAt")!.Value) == new DateOnly(2026, 10, 24)))
        {
            await _app.Tables.PageDays.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All);
        }

        var result = await _app.Get<SnapshotReplay>().RunAsync(new DateOnly(2026, 10, 24), new DateOnly(2026, 10, 24), Page1, null, CancellationToken.None);

        Assert.Equal((0, 1), (result.DaysRebuilt, result.DaysKept));
        Assert.Equal(Lines(_live, Page1).Where(l => !l.StartsWith("raw ", StringComparison.Ordinal)),
            Lines(await TableDump.OfAsync(_app), Page1).Where(l => !l.StartsWith("raw ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Days_whose_raw_snapshots_retention_has_deleted_are_refused()
    {
        var error = Console.Error;
        var captured = new StringWriter();
        Console.SetError(captured);
        int exit;
        try
        {
            exit = await OperationsCommands.ReplayAsync("2026-07-01", "2026-10-27", null, false, TextWriter.Null, CancellationToken.None, _app.Services);
        }
        finally
        {
            Console.SetError(error);
        }

        Assert.Equal(2, exit);
        Assert.Contains("Listening:RawRetentionDays", captured.ToString(), StringComparison.Ordinal);
        Assert.Equal(_live, await TableDump.OfAsync(_app));
    }

    [Fact]
    public async Task An_archived_snapshot_that_cannot_be_applied_is_skipped_and_reported_and_the_days_are_rebuilt_from_the_rest()
    {
        // Captured at noon on the 25th, between the day's good snapshots: a post id Table storage refuses as a row
        // key and a text beyond its string limit (the live run could not apply it either).
        var at = SnapshotStory.At(_app.Get<Listening.Core.Configuration.LocalCalendar>(), new DateOnly(2026, 10, 25), new TimeOnly(12, 0));
        await ArchiveAsync(new PageSnapshot
        {
            PageId = Page1,
            PageName = "Kreis Soest",
            CapturedAt = at,
            Followers = 1,
            Posts = [new PostObservation { Id = Page1 + "_9#9", CreatedTime = at.AddHours(-1), Message = new string('x', 40_000), Reactions = new ReactionCounts { Like = 1 } }],
        });
        await DamageAsync(Page1);

        var (exit, _, error) = await ReplayCliAsync("2026-10-23", "2026-10-27");

        Assert.Equal(1, exit);
        Assert.Contains("could not be applied; they were skipped", error, StringComparison.Ordinal);
        Assert.Equal(NotRaw(_live), NotRaw(await TableDump.OfAsync(_app)));
    }

    [Fact]
    public async Task A_replay_that_fails_midway_leaves_the_days_rows_as_they_were_and_a_rerun_rebuilds_them()
    {
        // A day of 150 posts: its rows take two transactions, and the second one fails.
        var batches = new FailingBatch();
        await using var app = await TestApp.StartAsync(OrderIndependenceTests.Now, configureServices: services => services.AddSingleton(sp =>
        {
            var options = new TableClientOptions();
            options.AddPolicy(batches, HttpPipelinePosition.PerCall);
            return new TableServiceClient(sp.GetRequiredService<IConfiguration>()["AzureWebJobsStorage"], options);
        }));
        var calendar = app.Get<Listening.Core.Configuration.LocalCalendar>();
        var day = new DateOnly(2026, 10, 25);
        PageSnapshot Pull(TimeOnly time, long likes)
        {
            var at = SnapshotStory.At(calendar, day, time);
            return new PageSnapshot
            {
                PageId = Page1,
                PageName = "Kreis Soest",
                CapturedAt = at,
                Followers = 1000 + likes,
                Posts = [.. Enumerable.Range(1, 150).Select(n => new PostObservation { Id = $"{Page1}_{n}", CreatedTime = at.AddDays(-1), Reactions = new ReactionCounts { Like = likes + n } })],
            };
        }

        await OrderIndependenceTests.ApplyAsync(app, [Pull(new TimeOnly(9, 0), 10), Pull(new TimeOnly(15, 0), 20)]);
        var live = await TableDump.RowsAsync("observations", app.Tables.PageDays, PageDayKinds.Observation);
        // Damage: a post row gone, one with other counters, a stray row.
        var rows = (await TestApp.RowsAsync(app.Tables.PageDays, PageDayKinds.Observation)).Where(r => r.RowKey.Contains("_post_", StringComparison.Ordinal)).ToList();
        await app.Tables.PageDays.DeleteEntityAsync(Page1, rows[0].RowKey, ETag.All);
        rows[1]["Like"] = 99_999L;
        await app.Tables.PageDays.UpdateEntityAsync(rows[1], ETag.All, TableUpdateMode.Replace);
        await app.Tables.PageDays.UpsertEntityAsync(new TableEntity(Page1, ObservationKeys.Post(new DateOnly(2026, 10, 25), "stray")) { ["PostId"] = "stray", ["Like"] = 99L });
        var damaged = await TableDump.RowsAsync("observations", app.Tables.PageDays, PageDayKinds.Observation);
        Assert.NotEqual(live, damaged);

        batches.FailNth(2);
        await Assert.ThrowsAsync<RequestFailedException>(() => app.Get<SnapshotReplay>().RunAsync(day, day, Page1, null, CancellationToken.None));

        Assert.Equal(damaged, await TableDump.RowsAsync("observations", app.Tables.PageDays, PageDayKinds.Observation));
        await app.Get<SnapshotReplay>().RunAsync(day, day, Page1, null, CancellationToken.None);
        Assert.Equal(live, await TableDump.RowsAsync("observations", app.Tables.PageDays, PageDayKinds.Observation));
    }

    [Fact]
    public async Task Archived_snapshots_of_a_Page_that_is_not_configured_are_not_replayed_and_are_named()
    {
        const string Stranger = "104857600000009";
        var stranger = OrderIndependenceTests.Story().First(s => s.PageId == Page1) with { PageId = Stranger };
        await ArchiveAsync(stranger);

        var (exit, output, _) = await ReplayCliAsync("2026-10-23", "2026-10-27");

        Assert.Equal(0, exit);
        Assert.Contains($"Not replayed, not configured (Listening:Pages): page(s) {Stranger}.", output, StringComparison.Ordinal);
        Assert.Equal(NotRaw(_live), NotRaw(await TableDump.OfAsync(_app)));
        var (refused, _, error) = await ReplayCliAsync("2026-10-23", "2026-10-27", Stranger);
        Assert.Equal(2, refused);
        Assert.Contains($"Page {Stranger} is not configured", error, StringComparison.Ordinal);
    }

    private static IEnumerable<string> NotRaw(IEnumerable<string> dump) => dump.Where(l => !l.StartsWith("raw ", StringComparison.Ordinal));

    private async Task ArchiveAsync(PageSnapshot snapshot) =>
        await _app.Tables.PageDays.UpsertEntityAsync(new RawSnapshotEntity
        {
            PartitionKey = snapshot.PageId,
            RowKey = RawArchive.RowKeyOf(snapshot),
            CapturedAt = snapshot.CapturedAt,
            Payload = RawArchive.Compress(MessageCodec.Encode(snapshot)),
        });

    private async Task<(int Exit, string Output, string Error)> ReplayCliAsync(string from, string to, string? page = null)
    {
        var error = Console.Error;
        var captured = new StringWriter();
        var output = new StringWriter();
        Console.SetError(captured);
        try
        {
            var exit = await OperationsCommands.ReplayAsync(from, to, page, false, output, CancellationToken.None, _app.Services);
            return (exit, output.ToString(), captured.ToString());
        }
        finally
        {
            Console.SetError(error);
        }
    }

    private static IEnumerable<string> Lines(IEnumerable<string> dump, string page) =>
        dump.Where(l => l.Split(' ', 2)[1].StartsWith(page + "/", StringComparison.Ordinal));

    /// <summary>What a bug could leave behind: a day's post rows gone, a summary from other data, a stray row.</summary>
    private async Task DamageAsync(string page)
    {
        var observations = await TestApp.RowsAsync(_app.Tables.PageDays, PageDayKinds.Observation);
        foreach (var row in observations.Where(r => r.PartitionKey == page && r.RowKey.StartsWith(ObservationKeys.Post(new DateOnly(2026, 10, 25), ""), StringComparison.Ordinal)))
        {
            await _app.Tables.PageDays.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All);
        }

        var summaries = await TestApp.RowsAsync(_app.Tables.PageDays, PageDayKinds.Summary);
        var wrong = summaries.First(r => r.PartitionKey == page && r.RowKey == SummaryKeys.Day(new DateOnly(2026, 10, 23)));
        var target = summaries.First(r => r.PartitionKey == page && r.RowKey == SummaryKeys.Day(new DateOnly(2026, 10, 27)));
        target["Json"] = wrong["Json"];
        target["StampTime"] = long.MaxValue;
        await _app.Tables.PageDays.UpdateEntityAsync(target, ETag.All, TableUpdateMode.Replace);
        await _app.Tables.PageDays.UpsertEntityAsync(new TableEntity(page, ObservationKeys.Post(new DateOnly(2026, 10, 24), "stray")) { ["PostId"] = "stray", ["Like"] = 99L });
    }

    /// <summary>Fails the n-th entity group transaction sent after it is armed, once.</summary>
    private sealed class FailingBatch : HttpPipelineSynchronousPolicy
    {
        private int _countdown = -1;

        public void FailNth(int n) => Volatile.Write(ref _countdown, n);

        public override void OnSendingRequest(HttpMessage message)
        {
            ArgumentNullException.ThrowIfNull(message);
            if (message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal) && Interlocked.Decrement(ref _countdown) == 0)
            {
                throw new RequestFailedException(503, "injected: storage failed in the middle of the replay");
            }
        }
    }
}
