using Azure;
using Azure.Data.Tables;
using Listening.Cli;
using Listening.Core.Aggregation;
using Listening.IntegrationTests.Infrastructure;

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
        var raw = await TestApp.RowsAsync(_app.Tables.RawSnapshots);
        var calendar = _app.Get<Listening.Core.Configuration.LocalCalendar>();
        foreach (var row in raw.Where(r => r.PartitionKey == Page1 && calendar.DateOf(r.GetDateTimeOffset("CapturedAt")!.Value) == new DateOnly(2026, 10, 24)))
        {
            await _app.Tables.RawSnapshots.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All);
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

    private static IEnumerable<string> Lines(IEnumerable<string> dump, string page) =>
        dump.Where(l => l.Split(' ', 2)[1].StartsWith(page + "/", StringComparison.Ordinal));

    /// <summary>What a bug could leave behind: a day's post rows gone, a summary from other data, a stray row.</summary>
    private async Task DamageAsync(string page)
    {
        var observations = await TestApp.RowsAsync(_app.Tables.Observations);
        foreach (var row in observations.Where(r => r.PartitionKey == page && r.RowKey.StartsWith("2026-10-25_post_", StringComparison.Ordinal)))
        {
            await _app.Tables.Observations.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All);
        }

        var summaries = await TestApp.RowsAsync(_app.Tables.Summaries);
        var wrong = summaries.First(r => r.PartitionKey == page && r.RowKey == "2026-10-23");
        var target = summaries.First(r => r.PartitionKey == page && r.RowKey == "2026-10-27");
        target["Json"] = wrong["Json"];
        target["StampTime"] = long.MaxValue;
        await _app.Tables.Summaries.UpdateEntityAsync(target, ETag.All, TableUpdateMode.Replace);
        await _app.Tables.Observations.UpsertEntityAsync(new TableEntity(page, "2026-10-24_post_stray") { ["PostId"] = "stray", ["Like"] = 99L });
    }
}
