using Listening.Core.Storage;
using Azure;
using Listening.Core.Aggregation;
using Listening.Core.Contracts;
using Listening.Core.Ingestion;
using Listening.Core.Pipeline;
using Listening.IntegrationTests.Aggregation;
using Listening.IntegrationTests.Infrastructure;

namespace Listening.IntegrationTests.Facebook;

/// <summary>
/// The Instagram rows (issue 14) are replayable and order-independent: <c>listening replay</c> rebuilds them and the
/// summaries that show them equal to the live run, and the same snapshots applied in any order, twice and at once
/// give the same rows.
/// </summary>
public sealed class InstagramReplayTests
{
    private static async Task<IReadOnlyList<string>> DumpAsync(TestApp app) =>
    [
        .. await TableDump.RowsAsync("observations", app.Tables.PageDays, PageDayKinds.Observation),
        .. await TableDump.RowsAsync("summaries", app.Tables.PageDays, PageDayKinds.Summary),
        .. await TableDump.RowsAsync("instagram", app.Tables.Instagram),
    ];

    private static FakeInstagramAccount Account(GraphScenario s)
    {
        var account = new FakeInstagramAccount();
        account.Media.Add(new FakeMedia { Id = "17900000000000001", Timestamp = s.App.Time.GetUtcNow().AddHours(-1), ProductType = "REELS", MediaType = "VIDEO", Likes = 5, Views = 400, Reach = 300 });
        account.Media.Add(new FakeMedia { Id = "17900000000000002", Timestamp = s.App.Time.GetUtcNow().AddMinutes(-20), ProductType = "STORY", Views = 50, Reach = 40 });
        s.Graph.Instagram = account;
        return account;
    }

    [Fact]
    public async Task Replay_rebuilds_the_Instagram_rows_and_the_summaries_equal_to_the_live_run()
    {
        await using var s = await GraphScenario.StartAsync();
        s.App.Time.AutoAdvanceAmount = TimeSpan.FromMilliseconds(1);
        s.AddPost(1, TimeSpan.FromHours(3), like: 7);
        var account = Account(s);
        Assert.Equal(PullStatus.Pulled, (await s.PullAsync()).Status);
        s.App.Time.Advance(TimeSpan.FromHours(1));
        account.Media[0].Views = 650;
        account.Media[1].Expired = true;
        Assert.Equal(PullStatus.Pulled, (await s.PullAsync()).Status);
        await s.App.Get<QueueDrain>().RunAsync(CancellationToken.None);
        var live = await DumpAsync(s.App);
        Assert.Contains(live, l => l.StartsWith("instagram " + account.Id + "/2026-11-27_media_17900000000000002", StringComparison.Ordinal));
        Assert.Contains(live, l => l.StartsWith("summaries " + s.Page.Id + "/s_2026-11-27", StringComparison.Ordinal));

        foreach (var kind in new[] { PageDayKinds.Observation, PageDayKinds.Summary })
        {
            foreach (var row in await TestApp.RowsAsync(s.App.Tables.PageDays, kind))
            {
                await s.App.Tables.PageDays.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All);
            }
        }

        foreach (var row in await TestApp.RowsAsync(s.App.Tables.Instagram))
        {
            await s.App.Tables.Instagram.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All);
        }

        await s.App.Get<SnapshotReplay>().RunAsync(new DateOnly(2026, 11, 27), new DateOnly(2026, 11, 27), s.Page.Id, null, CancellationToken.None);

        Assert.Equal(live, await DumpAsync(s.App));
    }

    [Fact]
    public async Task Snapshots_applied_in_any_order_twice_and_at_once_give_the_same_Instagram_rows()
    {
        var snapshots = new List<PageSnapshot>();
        IReadOnlyList<string> expected;
        await using (var s = await GraphScenario.StartAsync())
        {
            var account = Account(s);
            foreach (var (views, followers) in new[] { (400L, 4_980L), (520L, 4_990L), (610L, 4_985L) })
            {
                account.Media[0].Views = views;
                account.Followers = followers;
                var capture = await s.CaptureAsync(new Listening.Core.Meta.PullPlan { Instagram = true, Insights = (new DateOnly(2026, 11, 26), new DateOnly(2026, 11, 26)) });
                snapshots.AddRange(SnapshotSplitter.Split(capture));
                s.App.Time.Advance(TimeSpan.FromMinutes(15));
            }

            var instagramDays = s.App.Get<InstagramDays>();
            foreach (var snapshot in snapshots)
            {
                await instagramDays.ApplyAsync(snapshot, CancellationToken.None);
            }

            expected = await TableDump.RowsAsync("instagram", s.App.Tables.Instagram);
            Assert.Contains(expected, l => l.Contains("Followers=4985", StringComparison.Ordinal));
        }

        await using (var s = await GraphScenario.StartAsync())
        {
            var instagramDays = s.App.Get<InstagramDays>();
            var reversed = Enumerable.Reverse(snapshots).ToList();

            // Two workers at once, in opposite orders, each applying everything twice.
            await Task.WhenAll(
                Task.Run(async () => { foreach (var x in reversed.Concat(snapshots)) { await instagramDays.ApplyAsync(x, CancellationToken.None); } }),
                Task.Run(async () => { foreach (var x in snapshots.Concat(reversed)) { await instagramDays.ApplyAsync(x, CancellationToken.None); } }));

            Assert.Equal(Normalize(expected), Normalize(await TableDump.RowsAsync("instagram", s.App.Tables.Instagram)));
        }
    }

    /// <summary>The rows without the table prefix of each app (they differ per test app).</summary>
    private static List<string> Normalize(IReadOnlyList<string> rows) => [.. rows.Select(r => r.Replace("instagram ", "", StringComparison.Ordinal))];
}
