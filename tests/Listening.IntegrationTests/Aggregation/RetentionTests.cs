using Azure.Data.Tables;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Storage;
using Listening.Functions;
using Listening.IntegrationTests.Infrastructure;
using Microsoft.Azure.Functions.Worker;

namespace Listening.IntegrationTests.Aggregation;

/// <summary>The daily Retention timer deletes raw snapshots and aggregates past their configured retention, nothing newer.</summary>
public sealed class RetentionTests
{
    private const string PageId = "104857600000001";
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 2, 30, 0, TimeSpan.Zero); // 03:30 in Berlin

    private static PageSnapshot Pull(DateTimeOffset at) => new()
    {
        PageId = PageId,
        PageName = "Kreis Soest",
        CapturedAt = at,
        Followers = 1000,
        Posts = [new PostObservation { Id = PageId + "_1", CreatedTime = at.AddHours(-1), Reactions = new ReactionCounts { Like = 1 } }],
    };

    [Fact]
    public async Task Retention_deletes_raw_snapshots_and_aggregates_older_than_configured_and_keeps_the_rest()
    {
        await using var app = await TestApp.StartAsync(Now, new Dictionary<string, string?>
        {
            ["Listening:RawRetentionDays"] = "7",
            ["Listening:AggregateRetentionDays"] = "40",
        });
        // Pulls at noon (Berlin) 45, 41, 40, 8 and 6 days back.
        var pulls = new[] { 45, 41, 40, 8, 6 }.Select(d => Pull(new DateTimeOffset(2026, 11, 27, 11, 0, 0, TimeSpan.Zero).AddDays(-d))).ToList();
        // Exactly at the raw cutoff: kept (older than 7 days is deleted, 7 days is not).
        pulls.Add(Pull(Now.AddDays(-7)));
        await OrderIndependenceTests.ApplyAsync(app, pulls);
        foreach (var metaDate in new[] { "2026-10-17", "2026-10-18" })
        {
            await app.Tables.PageDays.UpsertEntityAsync(new Azure.Data.Tables.TableEntity(PageId, MetaDayKeys.Date(DateOnly.Parse(metaDate, System.Globalization.CultureInfo.InvariantCulture))) { ["V_page_media_view"] = 100L });
        }

        await app.Get<Retention>().Run(new TimerInfo(), CancellationToken.None);

        var raw = await TestApp.RowsAsync(app.Tables.PageDays, PageDayKinds.Archive);
        Assert.Equal([Now.AddDays(-7), pulls[4].CapturedAt], raw.Select(r => r.GetDateTimeOffset("CapturedAt")!.Value).Order());
        var days = (await TestApp.RowsAsync(app.Tables.PageDays, PageDayKinds.Summary)).Select(r => r.RowKey[2..]).ToList();
        Assert.Equal(["2026-10-18", "2026-11-19", "2026-11-20", "2026-11-21"], days); // 40 days back is 2026-10-18
        var observationDays = (await TestApp.RowsAsync(app.Tables.PageDays, PageDayKinds.Observation)).Select(r => r.RowKey[2..12]).Distinct();
        Assert.Equal(days, observationDays);
        Assert.Equal(["m_2026-10-18"], (await TestApp.RowsAsync(app.Tables.PageDays, PageDayKinds.Meta)).Select(r => r.RowKey));
        Assert.Contains(app.Logs!.GetSnapshot(), r => r.Message.StartsWith("Retention: deleted 4 raw snapshots", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Retention_deletes_page_by_page_across_partitions_holding_one_page_at_a_time()
    {
        await using var app = await TestApp.StartAsync(Now, new Dictionary<string, string?> { ["Listening:AggregateRetentionDays"] = "40" });
        await app.Tables.EnsureCreatedAsync(CancellationToken.None);
        // Three Pages with 25 rows each of a day past retention (more than two query pages of 10) and 2 rows each to keep.
        var pages = new[] { "104857600000001", "104857600000002", "104857600000003" };
        foreach (var page in pages)
        {
            var old = Enumerable.Range(1, 25).Select(n => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(page, ObservationKeys.Post(new DateOnly(2026, 9, 1), $"{page}_{n}")) { ["Like"] = 1L }));
            var kept = Enumerable.Range(1, 2).Select(n => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(page, ObservationKeys.Post(new DateOnly(2026, 11, 20), $"{page}_{n}")) { ["Like"] = 1L }));
            await app.Tables.PageDays.SubmitTransactionAsync(old.Concat(kept));
        }

        var retention = new DataRetention(app.Storage, app.Get<LocalCalendar>(), app.Time, app.Get<Microsoft.Extensions.Options.IOptions<ListeningOptions>>(),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<DataRetention>.Instance) { PageSize = 10 };
        var result = await retention.RunAsync(CancellationToken.None);

        Assert.Equal(75, result.ObservationsDeleted);
        var left = await TestApp.RowsAsync(app.Tables.PageDays, PageDayKinds.Observation);
        Assert.Equal(pages.SelectMany(p => new[] { $"{p}/o_2026-11-20_post_{p}_1", $"{p}/o_2026-11-20_post_{p}_2" }), left.Select(r => $"{r.PartitionKey}/{r.RowKey}").Order(StringComparer.Ordinal));
        Assert.InRange(retention.MostRowsHeld, 1, 10);
    }
}
