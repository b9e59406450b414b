using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Listening.Core.Aggregation;
using Listening.Core.Configuration;
using Listening.Core.Ingestion;
using Listening.Core.Contracts;
using Listening.Core.Storage;
using Listening.Core.Summaries;
using Listening.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Listening.IntegrationTests.Aggregation;

/// <summary>
/// What a snapshot costs in storage requests: one entity group transaction per 100 rows, a constant number of
/// summary writes; what serving a day's summary costs: one request.
/// </summary>
public sealed partial class EfficiencyTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string PageId = "104857600000001";
    private static readonly DateTimeOffset Evening = new(2026, 11, 27, 17, 0, 0, TimeSpan.Zero);
    private static readonly LocalCalendar Berlin = new("Europe/Berlin");

    private static PageSnapshot Pull(DateTimeOffset at, int posts) => new()
    {
        PageId = PageId,
        PageName = "Kreis Soest",
        CapturedAt = at,
        Followers = 1000 + (at.Hour * 2),
        Posts =
        [
            .. Enumerable.Range(1, posts).Select(n => new PostObservation
            {
                Id = $"{PageId}_{n}",
                CreatedTime = Evening.Date.AddHours(-n),
                Message = "Beitrag " + n,
                Reactions = new ReactionCounts { Like = n + at.Hour },
            }),
        ],
    };

    [Fact]
    public async Task A_merge_whose_remembered_rows_and_summary_are_stale_reads_them_and_loses_nothing()
    {
        await using var app = await TestApp.StartAsync(Evening.AddDays(1));
        var (one, _) = await CountedAsync(app, app.Time);
        var (other, _) = await CountedAsync(app, app.Time); // another instance: a cache of its own
        await one.Aggregator.ApplyAsync(Pull(Evening.AddHours(-3), 5), CancellationToken.None);
        await other.Aggregator.ApplyAsync(Pull(Evening.AddHours(-2), 5), CancellationToken.None);

        // The first instance's cache still holds the rows of 3 hours ago; the table has those of 2 hours ago.
        var result = await one.Aggregator.ApplyAsync(Pull(Evening.AddHours(-1), 5), CancellationToken.None);

        Assert.Equal(3, result.Summary.Observations);
        Assert.Equal(3, (await app.Get<ISummaryStore>().ReadDayAsync(PageId, result.Date, CancellationToken.None))!.ToSummary().Observations);
        var rows = await app.Get<IObservationStore>().ReadDaysAsync(PageId, result.Date, result.Date, CancellationToken.None);
        Assert.Equal("2026-11-27T16:00:00.0000000+00:00", rows.PageOn(result.Date)!.ObservedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(10, 1)]
    [InlineData(98, 1)] // 98 posts, the archive entry and the Page row: 100 operations, one transaction
    [InlineData(99, 2)]
    [InlineData(250, 3)]
    public async Task A_snapshot_costs_one_transaction_per_100_rows_and_one_summary_write(int posts, int transactions)
    {
        await using var app = await TestApp.StartAsync(Evening.AddDays(1));
        var (counted, requests) = await CountedAsync(app, app.Time);
        var aggregator = counted.Aggregator;
        await aggregator.ApplyAsync(Pull(Evening.AddDays(-1), posts), CancellationToken.None); // yesterday: the baseline
        await aggregator.ApplyAsync(Pull(Evening.AddHours(-2), posts), CancellationToken.None);
        requests.Clear();

        var result = await aggregator.ApplyAsync(Pull(Evening, posts), CancellationToken.None);

        Assert.Equal(transactions, result.Transactions);
        Assert.Equal(posts + 1, result.EntityWrites);
        Assert.Equal(transactions, requests.Count(r => r.Method == "POST" && r.Path.EndsWith("/$batch", StringComparison.Ordinal)));
        Assert.Equal(1, requests.Count(r => r.Method is "PUT" or "MERGE" or "POST" && r.Path.Contains("summaries", StringComparison.Ordinal)));
        // The archive entry goes in the snapshot's (last) transaction (issue 16, stage B): no request of its own.
        Assert.DoesNotContain(requests, r => r.Path.Contains("rawsnapshots", StringComparison.Ordinal));
        Assert.Equal(3, (await TestApp.RowsAsync(app.Tables.PageDays, PageDayKinds.Archive)).Count);
        // Everything else is small reads, the same for any number of posts: the keys after the day (none), the Page
        // row of the day before (its rows are still the ones this instance read), the giveaway posts of 30 days
        // before (none), Meta's values of the day (none). The day's own rows are those the previous merge left,
        // the summary is the one it stored.
        Assert.Equal(4, requests.Count(r => r.Method == "GET"));
        Assert.Equal(transactions + 5, requests.Count);
    }

    /// <summary>A pull of the Page with its linked Instagram account: <paramref name="media"/> feed posts and reels, and Meta's account values of three days.</summary>
    private static PageSnapshot WithInstagram(PageSnapshot snapshot, int media) => snapshot with
    {
        Instagram = new InstagramObservation
        {
            AccountId = "17841400000000001",
            Username = "kreis_soest",
            Followers = 4_980 + snapshot.CapturedAt.Hour,
            Media =
            [
                .. Enumerable.Range(1, media).Select(n => new InstagramMediaObservation
                {
                    Id = $"1790000000000{n:D4}",
                    Timestamp = Evening.Date.AddHours(-n),
                    Caption = "Ausbildung " + n,
                    MediaType = "VIDEO",
                    ProductType = n % 2 == 0 ? "REELS" : "FEED",
                    Likes = n + snapshot.CapturedAt.Hour,
                    Metrics = new Dictionary<string, long> { ["views"] = 100 * n + snapshot.CapturedAt.Hour, ["reach"] = 50 * n },
                }),
            ],
            Insights =
            [
                .. Enumerable.Range(1, 3).SelectMany(back => new[] { "views", "reach" }.Select(metric => new InsightValue
                {
                    Metric = metric,
                    EndTime = MetaCalendar.EndOf(new DateOnly(2026, 11, 27).AddDays(-back)),
                    Value = 1_000 + back,
                })),
            ],
        },
    };

    /// <summary>
    /// Issue 14, "storage requests per snapshot": the Instagram part of a steady-state snapshot (10 posts) adds one
    /// range read of the account's days and one transaction per 100 of its rows (the account row, the media rows and
    /// Meta's account values of the days Meta may still change), and the summary reads the account's day rows once.
    /// </summary>
    [Theory]
    [InlineData(10, 1)]
    [InlineData(92, 1)] // 92 media, the account row and 6 Meta values: 99 rows, one transaction
    [InlineData(100, 2)]
    [InlineData(250, 3)]
    public async Task The_Instagram_part_of_a_snapshot_costs_one_range_read_and_one_transaction_per_100_rows(int media, int instagramTransactions)
    {
        await using var app = await TestApp.StartAsync(Evening.AddDays(1));
        var (counted, requests) = await CountedAsync(app, app.Time);
        var aggregator = counted.Aggregator;
        static string Shape((string Method, string Path) r) => r.Method + " " + r.Path.Split('(')[0].Split('/')[^1];

        // The same steady state twice, on two Pages: Meta's values of three days with each pull, as the regular cycle reads them.
        async Task<List<string>> SteadyAsync(Func<PageSnapshot, PageSnapshot> shape)
        {
            await aggregator.ApplyAsync(shape(WithInsights(Pull(Evening.AddDays(-1), 10), 100)), CancellationToken.None);
            await aggregator.ApplyAsync(shape(WithInsights(Pull(Evening.AddHours(-2), 10), 100)), CancellationToken.None);
            requests.Clear();
            await aggregator.ApplyAsync(shape(WithInsights(Pull(Evening, 10), 100)), CancellationToken.None);
            return [.. requests.Select(Shape)];
        }

        var without = await SteadyAsync(p => p);
        var with = await SteadyAsync(p => WithInstagram(p with { PageId = "104857600000002" }, media));

        var reads = with.Count(r => r.StartsWith("GET", StringComparison.Ordinal) && r.EndsWith("instagram", StringComparison.Ordinal));
        var summaries = with.Count(r => r.StartsWith("PUT", StringComparison.Ordinal) && r.EndsWith("summaries", StringComparison.Ordinal));
        Assert.Equal(instagramTransactions, with.Count(r => r == "POST $batch") - without.Count(r => r == "POST $batch"));

        // The merge's range read of the account's days, and one read of the account's day rows per summary built of
        // a day that has the account (the day itself at least; a complete Meta day's summary rebuilt with it too).
        output.WriteLine($"{media} media: {without.Count} requests without Instagram, {with.Count} with; {instagramTransactions} transactions, {reads} reads, {summaries} summaries written");
        Assert.Equal(3, reads);
        Assert.Equal(2, summaries);

        // Measured after main's issue-16 work (2026-12-03): 6 more requests rebuild the summary of a complete Meta day,
        // because InstagramDays reports its complete Meta dates on every snapshot while the Page's Meta values no
        // longer make that rebuild. A known cost, written down in docs/benchmarks.md; this pins it until it is fixed.
        Assert.Equal(without.Count + instagramTransactions + reads + 6, with.Count);
    }

    /// <summary>
    /// A snapshot above 100 operations goes in transactions; the last carries the commit point and the archive. A
    /// process stopped after the first leaves posts without a commit point; the message's next delivery, on another
    /// instance, completes it: the same rows as a run without the stop.
    /// </summary>
    [Fact]
    public async Task A_process_stopped_between_the_transactions_of_a_large_snapshot_is_completed_by_the_retry()
    {
        var today = new DateOnly(2026, 11, 27);
        await using var app = await TestApp.StartAsync(Evening.AddDays(1));
        var crash = new StoppingPolicy();
        var (first, _) = await CountedAsync(app, app.Time, crash);
        await first.Aggregator.ApplyAsync(Pull(Evening.AddDays(-1), 150), CancellationToken.None);
        crash.BatchesLeft = 1;

        await Assert.ThrowsAsync<IOException>(() => first.Aggregator.ApplyAsync(Pull(Evening, 150), CancellationToken.None));

        var rows = await TestApp.RowsAsync(app.Tables.PageDays, PageDayKinds.Observation);
        Assert.Equal(52, rows.Count(r => r.RowKey.StartsWith(ObservationKeys.DayPrefix(today), StringComparison.Ordinal))); // the first transaction's posts
        Assert.DoesNotContain(rows, r => r.RowKey == ObservationKeys.Page(today));
        Assert.Single(await TestApp.RowsAsync(app.Tables.PageDays, PageDayKinds.Archive)); // yesterday's only

        var (second, _) = await CountedAsync(app, app.Time);
        await second.Aggregator.ApplyAsync(Pull(Evening, 150), CancellationToken.None);

        await using var clean = await TestApp.StartAsync(Evening.AddDays(1));
        var (cleanRun, _) = await CountedAsync(clean, clean.Time);
        await cleanRun.Aggregator.ApplyAsync(Pull(Evening.AddDays(-1), 150), CancellationToken.None);
        await cleanRun.Aggregator.ApplyAsync(Pull(Evening, 150), CancellationToken.None);
        Assert.Equal(await TableDump.OfAsync(clean), await TableDump.OfAsync(app));
    }

    [Fact]
    public async Task A_snapshot_of_a_day_whose_summary_this_instance_stored_last_reads_nothing()
    {
        await using var app = await TestApp.StartAsync(Evening.AddMinutes(5));
        var (counted, requests) = await CountedAsync(app, app.Time);
        await counted.Aggregator.ApplyAsync(Pull(Evening.AddDays(-1), 20), CancellationToken.None); // yesterday: the baseline
        await counted.Aggregator.ApplyAsync(Pull(Evening.AddHours(-3), 20), CancellationToken.None); // stores today's summary
        await counted.Aggregator.ApplyAsync(Pull(Evening.AddHours(-2), 20), CancellationToken.None); // reads its inputs after that write
        requests.Clear();

        var result = await counted.Aggregator.ApplyAsync(Pull(Evening.AddHours(-1), 20), CancellationToken.None);

        // One transaction (observations, archive, commit point), the summary: no read at all.
        Assert.Equal(["POST $batch", "PUT summaries"], requests.Select(r => r.Method + " " + Table(r.Path)));
        var stored = (await app.Get<ISummaryStore>().ReadDayAsync(PageId, result.Date, CancellationToken.None))!;
        var rebuilt = await app.Get<SummaryMaterializer>().BuildAsync(PageId, result.Date, CancellationToken.None);
        Assert.Equal(SummaryEntity.Compress(rebuilt.Summary), SummaryEntity.Compress(stored.ToSummary()));
        Assert.Equal((rebuilt.StampTime, rebuilt.StampCounters), (stored.StampTime, stored.StampCounters));
    }

    [Fact]
    public async Task Remembered_inputs_are_read_again_once_another_instance_changed_the_day_before()
    {
        await using var app = await TestApp.StartAsync(Evening.AddDays(1).AddMinutes(5));
        var (one, requests) = await CountedAsync(app, app.Time);
        var (other, _) = await CountedAsync(app, app.Time); // another instance: memories of its own
        var yesterday = Evening.AddDays(-1);
        await one.Aggregator.ApplyAsync(Pull(yesterday, 20), CancellationToken.None);
        foreach (var hours in new[] { -3, -2 })
        {
            await one.Aggregator.ApplyAsync(Pull(Evening.AddHours(hours), 20), CancellationToken.None);
        }

        // A late snapshot of yesterday on the other instance: it rebuilds today's summary from the new baseline.
        await other.Aggregator.ApplyAsync(Pull(yesterday.AddHours(3), 20), CancellationToken.None);
        requests.Clear();

        var result = await one.Aggregator.ApplyAsync(Pull(Evening.AddHours(-1), 20), CancellationToken.None);

        // Its write on the summary it stored last fails, and it reads the inputs again: the new baseline counts.
        Assert.Contains(requests, r => r.Method == "GET" && Table(r.Path) == "observations");
        var stored = (await app.Get<ISummaryStore>().ReadDayAsync(PageId, result.Date, CancellationToken.None))!;
        var rebuilt = await app.Get<SummaryMaterializer>().BuildAsync(PageId, result.Date, CancellationToken.None);
        Assert.Equal(SummaryEntity.Compress(rebuilt.Summary), SummaryEntity.Compress(stored.ToSummary()));
        Assert.Equal((rebuilt.StampTime, rebuilt.StampCounters), (stored.StampTime, stored.StampCounters));
    }

    [Fact]
    public async Task A_rebuild_for_another_days_change_that_a_stored_summary_covers_touches_it_so_remembered_inputs_are_read_again()
    {
        await using var app = await TestApp.StartAsync(Evening.AddDays(1).AddMinutes(5));
        var (one, _) = await CountedAsync(app, app.Time);
        var (other, _) = await CountedAsync(app, app.Time);
        var yesterday = Evening.AddDays(-1);
        var date = new DateOnly(2026, 11, 27);
        await one.Aggregator.ApplyAsync(Pull(yesterday, 20), CancellationToken.None);
        foreach (var hours in new[] { -3, -2 })
        {
            await one.Aggregator.ApplyAsync(Pull(Evening.AddHours(hours), 20), CancellationToken.None);
        }

        // Today's stored summary claims more data than any rebuild (as one built by a third instance from merges not
        // yet committed when the others read): a rebuild for yesterday's change is covered by it and not stored.
        var summaries = app.Get<ISummaryStore>();
        var claimed = (await summaries.ReadDayAsync(PageId, date, CancellationToken.None))!;
        claimed.StampTime = long.MaxValue / 2;
        Assert.True((await summaries.TryWriteAsync(claimed, claimed.ETag, CancellationToken.None)).Stored);
        await one.Aggregator.ApplyAsync(Pull(Evening.AddHours(-1), 20), CancellationToken.None); // one learns that version
        var before = (await summaries.ReadDayAsync(PageId, date, CancellationToken.None))!;

        await other.Aggregator.ApplyAsync(Pull(yesterday.AddHours(3), 20), CancellationToken.None);

        // Touched: the same summary under a new ETag, so a write on the one remembered fails and reads the inputs again.
        var after = (await summaries.ReadDayAsync(PageId, date, CancellationToken.None))!;
        Assert.NotEqual(before.ETag, after.ETag);
        Assert.Equal((Convert.ToBase64String(before.Json), before.StampTime, before.StampCounters, before.Hash), (Convert.ToBase64String(after.Json), after.StampTime, after.StampCounters, after.Hash));

        // A snapshot of the day itself whose rebuild is covered leaves the summary as it is (its own rows are no input
        // another instance remembers).
        await one.Aggregator.ApplyAsync(Pull(Evening, 20), CancellationToken.None);
        Assert.Equal(after.ETag, (await summaries.ReadDayAsync(PageId, date, CancellationToken.None))!.ETag);
    }

    /// <summary>The table a request went to, without the test's suffix ("summaries", "observations", "$batch").</summary>
    private static string Table(string path)
    {
        var name = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Last();
        name = name.Split('(')[0];
        return name == "$batch" ? name : System.Text.RegularExpressions.Regex.Replace(name, "^.*?(rawsnapshots|observations|summaries|metainsights)$", "$1");
    }

    /// <summary>A regular pull's snapshot: the posts and Meta's values of the three Meta days before (all complete by the evening).</summary>
    private static PageSnapshot WithInsights(PageSnapshot snapshot, long value) => snapshot with
    {
        Insights =
        [
            .. Enumerable.Range(1, 3).SelectMany(back => new[] { "page_views_total", "page_post_engagements" }.Select(metric => new InsightValue
            {
                Metric = metric,
                EndTime = MetaCalendar.EndOf(new DateOnly(2026, 11, 27).AddDays(-back)),
                Value = value + back,
            })),
        ],
    };

    [Fact]
    public async Task Meta_values_of_complete_days_are_written_without_reading_them_when_this_instance_wrote_them_last()
    {
        await using var app = await TestApp.StartAsync(Evening.AddMinutes(5));
        var (counted, requests) = await CountedAsync(app, app.Time);
        await counted.Aggregator.ApplyAsync(WithInsights(Pull(Evening.AddDays(-1), 20), 100), CancellationToken.None);
        await counted.Aggregator.ApplyAsync(WithInsights(Pull(Evening.AddHours(-1), 20), 200), CancellationToken.None);
        requests.Clear();

        await counted.Aggregator.ApplyAsync(WithInsights(Pull(Evening, 20), 300), CancellationToken.None);

        // Meta's rows in the snapshot's one transaction, none of them read first, and no read of them for the summaries of their days.
        Assert.DoesNotContain(requests, r => r.Method == "GET" && r.Path.Contains("metainsights", StringComparison.Ordinal));
        Assert.Equal(1, requests.Count(r => r.Method == "POST" && r.Path.EndsWith("/$batch", StringComparison.Ordinal))); // observations, Meta's rows, archive
        // One stored row per Meta date (phase 2): three operations for the three days, not six.
        Assert.Equal(3, (await TestApp.RowsAsync(app.Tables.PageDays, PageDayKinds.Meta)).Count);

        // The stored summaries of Meta's days show the values of this snapshot, as a fresh build from the tables does.
        foreach (var back in new[] { 1, 2, 3 })
        {
            var date = new DateOnly(2026, 11, 27).AddDays(-back);
            var stored = (await app.Get<ISummaryStore>().ReadDayAsync(PageId, date, CancellationToken.None))!.ToSummary();
            Assert.Equal(300 + back, stored.MetaDay!.Metrics["page_views_total"]);
            var rebuilt = await app.Get<SummaryMaterializer>().BuildAsync(PageId, date, CancellationToken.None);
            Assert.Equal(SummaryEntity.Compress(rebuilt.Summary), SummaryEntity.Compress(stored));
        }
    }

    [Fact]
    public async Task A_pull_that_only_re_reports_Metas_values_rebuilds_no_summary_of_Metas_days_and_a_changed_value_does()
    {
        await using var app = await TestApp.StartAsync(Evening.AddMinutes(5));
        var (counted, requests) = await CountedAsync(app, app.Time);
        await counted.Aggregator.ApplyAsync(WithInsights(Pull(Evening.AddDays(-1), 20), 100), CancellationToken.None);
        await counted.Aggregator.ApplyAsync(WithInsights(Pull(Evening.AddHours(-2), 20), 200), CancellationToken.None);
        static int SummaryWrites(IEnumerable<(string Method, string Path)> sent) =>
            sent.Count(r => r.Method is "PUT" or "MERGE" or "POST" && r.Path.Contains("summaries", StringComparison.Ordinal));
        var metaDates = new[] { 1, 2, 3 }.Select(back => new DateOnly(2026, 11, 27).AddDays(-back)).ToList();
        requests.Clear();

        // The same values an hour later: Meta's rows take the later capture (one transaction), the summaries stay.
        await counted.Aggregator.ApplyAsync(WithInsights(Pull(Evening.AddHours(-1), 20), 200), CancellationToken.None);

        Assert.Equal(1, SummaryWrites(requests)); // today's
        Assert.Equal(1, requests.Count(r => r.Method == "POST" && r.Path.EndsWith("/$batch", StringComparison.Ordinal)));
        Assert.DoesNotContain(requests, r => r.Method == "GET" && r.Path.Contains("summaries", StringComparison.Ordinal));

        // What is stored is what a fresh build from the tables gives, stamp included: the stamp does not move with
        // the capture time of values that stayed the same, so the order of pulls leaves no trace.
        foreach (var date in metaDates)
        {
            var stored = (await app.Get<ISummaryStore>().ReadDayAsync(PageId, date, CancellationToken.None))!;
            var rebuilt = await app.Get<SummaryMaterializer>().BuildAsync(PageId, date, CancellationToken.None);
            Assert.Equal(SummaryEntity.Compress(rebuilt.Summary), SummaryEntity.Compress(stored.ToSummary()));
            Assert.Equal((rebuilt.StampTime, rebuilt.StampCounters), (stored.StampTime, stored.StampCounters));
            Assert.Equal(200 + (27 - date.Day), stored.ToSummary().MetaDay!.Metrics["page_views_total"]);
        }

        // A changed value rebuilds the summaries of its days.
        requests.Clear();
        await counted.Aggregator.ApplyAsync(WithInsights(Pull(Evening, 20), 300), CancellationToken.None);
        Assert.Equal(4, SummaryWrites(requests));
        foreach (var date in metaDates)
        {
            Assert.Equal(300 + (27 - date.Day), (await app.Get<ISummaryStore>().ReadDayAsync(PageId, date, CancellationToken.None))!.ToSummary().MetaDay!.Metrics["page_views_total"]);
        }
    }

    [Fact]
    public async Task A_retry_after_Metas_rows_were_stored_but_not_their_summaries_rebuilds_the_summaries()
    {
        await using var app = await TestApp.StartAsync(Evening.AddMinutes(5));
        var (one, _) = await CountedAsync(app, app.Time);
        await one.Aggregator.ApplyAsync(WithInsights(Pull(Evening.AddHours(-1), 20), 100), CancellationToken.None);

        // The apply of the next pull stopped after Meta's rows: the instance remembers the summaries it built before.
        var next = WithInsights(Pull(Evening, 20), 200);
        await one.MetaDays.ApplyAsync(next, CancellationToken.None);
        await one.Aggregator.ApplyAsync(next, CancellationToken.None); // the queue's retry, same instance

        // And on another instance (the first one was stopped): a memory of its own, empty.
        var (other, _) = await CountedAsync(app, app.Time);
        var later = WithInsights(Pull(Evening.AddMinutes(15), 20), 300);
        await one.MetaDays.ApplyAsync(later, CancellationToken.None);
        var sameSummaries = await app.Get<ISummaryStore>().ReadDayAsync(PageId, new DateOnly(2026, 11, 26), CancellationToken.None);
        Assert.Equal(201, sameSummaries!.ToSummary().MetaDay!.Metrics["page_views_total"]);
        await other.Aggregator.ApplyAsync(later, CancellationToken.None);

        foreach (var back in new[] { 1, 2, 3 })
        {
            var stored = (await app.Get<ISummaryStore>().ReadDayAsync(PageId, new DateOnly(2026, 11, 27).AddDays(-back), CancellationToken.None))!.ToSummary();
            Assert.Equal(300 + back, stored.MetaDay!.Metrics["page_views_total"]);
        }
    }

    [Fact]
    public async Task Meta_values_remembered_by_an_instance_that_another_one_overtook_are_read_again_and_the_later_capture_stays()
    {
        await using var app = await TestApp.StartAsync(Evening.AddMinutes(5));
        var (one, requests) = await CountedAsync(app, app.Time);
        var (other, _) = await CountedAsync(app, app.Time); // another instance: a memory of its own
        await one.Aggregator.ApplyAsync(WithInsights(Pull(Evening.AddHours(-3), 20), 100), CancellationToken.None);
        await other.Aggregator.ApplyAsync(WithInsights(Pull(Evening.AddHours(-1), 20), 300), CancellationToken.None);
        requests.Clear();

        // Captured between the two: later than what the first instance remembers, earlier than what is stored.
        await one.Aggregator.ApplyAsync(WithInsights(Pull(Evening.AddHours(-2), 20), 200), CancellationToken.None);

        Assert.Contains(requests, r => r.Method == "GET" && r.Path.Contains("metainsights", StringComparison.Ordinal));
        var date = new DateOnly(2026, 11, 26);
        var stored = (await app.Get<ISummaryStore>().ReadDayAsync(PageId, date, CancellationToken.None))!.ToSummary();
        Assert.Equal(301, stored.MetaDay!.Metrics["page_views_total"]);
        var (metaDay, _, _) = await app.Get<MetaDays>().ReadDayAsync(PageId, date, CancellationToken.None);
        Assert.Equal(301, metaDay!.Metrics["page_views_total"]);

        // And its memory is the stored state again: the next snapshot reads nothing of Meta's.
        requests.Clear();
        await one.Aggregator.ApplyAsync(WithInsights(Pull(Evening, 20), 400), CancellationToken.None);
        Assert.DoesNotContain(requests, r => r.Method == "GET" && r.Path.Contains("metainsights", StringComparison.Ordinal));
        Assert.Equal(401, (await app.Get<MetaDays>().ReadDayAsync(PageId, date, CancellationToken.None)).MetaDay!.Metrics["page_views_total"]);
    }

    [Fact]
    public async Task Meta_rows_remembered_but_deleted_meanwhile_are_read_again_and_written_anew()
    {
        await using var app = await TestApp.StartAsync(Evening.AddMinutes(5));
        var (one, _) = await CountedAsync(app, app.Time);
        await one.Aggregator.ApplyAsync(WithInsights(Pull(Evening.AddHours(-1), 10), 100), CancellationToken.None);

        // Retention or a rebuild removed the rows this instance remembers: replacing them on their ETags fails with 404.
        foreach (var row in await TestApp.RowsAsync(app.Tables.PageDays, PageDayKinds.Meta))
        {
            await app.Tables.PageDays.DeleteEntityAsync(row.PartitionKey, row.RowKey);
        }

        await one.Aggregator.ApplyAsync(WithInsights(Pull(Evening, 10), 200), CancellationToken.None);

        var (metaDay, _, _) = await app.Get<MetaDays>().ReadDayAsync(PageId, new DateOnly(2026, 11, 26), CancellationToken.None);
        Assert.Equal(201, metaDay!.Metrics["page_views_total"]);
    }

    [Fact]
    public async Task A_snapshot_of_today_does_not_look_for_later_days()
    {
        await using var app = await TestApp.StartAsync(Evening.AddMinutes(5));
        var (counted, requests) = await CountedAsync(app, app.Time);
        await counted.Aggregator.ApplyAsync(Pull(Evening.AddDays(-1), 20), CancellationToken.None);
        await counted.Aggregator.ApplyAsync(Pull(Evening.AddHours(-1), 20), CancellationToken.None);
        requests.Clear();

        await counted.Aggregator.ApplyAsync(Pull(Evening, 20), CancellationToken.None);

        // The Page row of the day before and the giveaway posts of 30 days before; no look at the days after, and
        // none at Meta's values of the day (Meta's day ends at 08:00 UTC tomorrow: no complete value can exist).
        Assert.Equal(2, requests.Count(r => r.Method == "GET"));
        Assert.DoesNotContain(requests, r => r.Path.Contains("metainsights", StringComparison.Ordinal));

        // Near midnight (within twice the allowed clock skew) it looks again: the next day may already have data.
        app.Time.SetUtcNow(Berlin.EndOf(new DateOnly(2026, 11, 27)).AddMinutes(-15));
        requests.Clear();
        // (The summary's other inputs are those it read for the summary it stored last: no read of them any more.)
        await counted.Aggregator.ApplyAsync(Pull(Evening.AddHours(1), 20), CancellationToken.None);
        Assert.Equal(1, requests.Count(r => r.Method == "GET"));
        Assert.Single(requests, r => r.Method == "GET" && Table(r.Path) == "observations");
        Assert.DoesNotContain(requests, r => r.Path.Contains("metainsights", StringComparison.Ordinal));

        // Within twice the skew of the end of Meta's day it reads Meta's values again: a capture from a clock that
        // runs ahead may already have completed them.
        app.Time.SetUtcNow(Listening.Core.Configuration.MetaCalendar.EndOf(new DateOnly(2026, 11, 27)).AddMinutes(-15));
        requests.Clear();
        await counted.Aggregator.ApplyAsync(Pull(Evening.AddHours(2), 20), CancellationToken.None);
        Assert.Equal(2, requests.Count(r => r.Method == "GET"));
        Assert.Single(requests, r => r.Path.Contains("metainsights", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Serving_a_days_summary_is_one_request()
    {
        await using var app = await TestApp.StartAsync(Evening.AddDays(1), new Dictionary<string, string?>
        {
            ["Listening:Pages:0:Id"] = PageId,
            ["Listening:Pages:0:AccessToken"] = "EAAPageTokenNotUsed",
        });
        var (counted, requests) = await CountedAsync(app, app.Time);
        await counted.Aggregator.ApplyAsync(Pull(Evening, 30), CancellationToken.None);
        requests.Clear();

        var stored = await counted.Reader.ReadDayAsync(DateOnly.FromDateTime(Evening.Date), null, CancellationToken.None);

        Assert.NotNull(stored);
        // The stored summaries of the day and the day before (for the change), in one partition range query.
        var read = Assert.Single(requests);
        Assert.Equal("GET", read.Method);
        Assert.EndsWith("summaries()", read.Path, StringComparison.Ordinal);
    }

    /// <summary>The app's services over a table client that records every request it sends.</summary>
    private static async Task<(CountedServices Services, ConcurrentQueue<(string Method, string Path)> Requests)> CountedAsync(TestApp app, TimeProvider time, HttpPipelinePolicy? also = null)
    {
        var requests = new ConcurrentQueue<(string Method, string Path)>();
        var clientOptions = new TableClientOptions();
        clientOptions.AddPolicy(new RecordingPolicy(requests), HttpPipelinePosition.PerCall);
        if (also is not null)
        {
            clientOptions.AddPolicy(also, HttpPipelinePosition.PerCall);
        }

        var service = new TableServiceClient((await SharedAzurite.GetAsync()).ConnectionString, clientOptions);
        var options = app.Get<IOptions<ListeningOptions>>();
        var storage = new ListeningStorage(service, options);
        await storage.EnsureCreatedAsync(CancellationToken.None);
        var calendar = app.Get<LocalCalendar>();
        var topics = app.Get<TopicRules>();
        var cache = new DayRowsCache();
        var observations = new ObservationStore(storage, NullLogger<ObservationStore>.Instance);
        var reader = new ObservationReader(observations, cache);
        var metaDays = new MetaDays(new MetaDayStore(storage), options, time, NullLogger<MetaDays>.Instance, new MetaRowsMemory());
        var instagramDays = new InstagramDays(new InstagramStore(storage), app.Get<PageDirectory>(), calendar, options, time, NullLogger<InstagramDays>.Instance);
        var materializer = new SummaryMaterializer(new SummaryStore(storage), observations, reader, topics, new SummaryVersions(), calendar, NullLogger<SummaryMaterializer>.Instance, metaDays, instagramDays, comments: null, new SummaryInputsMemory());
        var aggregator = new SnapshotAggregator(new RawArchive(storage), observations, materializer, topics, cache, calendar, time, NullLogger<SnapshotAggregator>.Instance, metaDays, instagramDays);
        var summaries = new SummaryReader(app.Get<PageDirectory>(), calendar, new SummaryStore(storage), options);
        requests.Clear();
        return (new CountedServices(aggregator, summaries, metaDays), requests);
    }

    private sealed record CountedServices(SnapshotAggregator Aggregator, SummaryReader Reader, MetaDays MetaDays);

    /// <summary>Once armed, lets <see cref="BatchesLeft"/> entity group transactions through and stops the process at the next.</summary>
    private sealed class StoppingPolicy : HttpPipelineSynchronousPolicy
    {
        public int? BatchesLeft { get; set; }

        public override void OnSendingRequest(HttpMessage message)
        {
            if (BatchesLeft is { } left && message.Request.Uri.Path.EndsWith("/$batch", StringComparison.Ordinal))
            {
                BatchesLeft = left == 0 ? throw new IOException("the process stopped") : left - 1;
            }
        }
    }

    /// <summary>
    /// Records method and path; a request to the <c>pagedays</c> table is named by the kind of row it reads or writes,
    /// as the table that held that kind before issue 16 ("rawsnapshots", "observations", "summaries", "metainsights"),
    /// from its row key, its filter or (an insert) its body.
    /// </summary>
    private sealed partial class RecordingPolicy(ConcurrentQueue<(string Method, string Path)> requests) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) =>
            requests.Enqueue((message.Request.Method.Method, Labelled(message.Request)));

        private static string Labelled(Request request)
        {
            var path = request.Uri.Path;
            var table = TablePath().Match(path);
            if (!table.Success)
            {
                return path;
            }

            var kind = KeyKind().Match(Uri.UnescapeDataString(request.Uri.ToString())) is { Success: true } key ? key.Groups["k"].Value : null;
            if (kind is null && request.Content is { } content)
            {
                using var body = new MemoryStream();
                content.WriteTo(body, CancellationToken.None);
                kind = BodyKind().Match(System.Text.Encoding.UTF8.GetString(body.ToArray())) is { Success: true } row ? row.Groups["k"].Value : null;
            }

            var label = kind switch
            {
                PageDayKinds.Archive => "rawsnapshots",
                PageDayKinds.Observation => "observations",
                PageDayKinds.Summary => "summaries",
                PageDayKinds.Meta => "metainsights",
                _ => "pagedays",
            };
            return table.Groups["before"].Value + label + table.Groups["after"].Value;
        }

        [System.Text.RegularExpressions.GeneratedRegex("^(?<before>.*?/[^/(]*?)pagedays(?<after>\\(.*)?$")]
        private static partial System.Text.RegularExpressions.Regex TablePath();

        [System.Text.RegularExpressions.GeneratedRegex("RowKey( eq | ge |=)'(?<k>[a-z]_)")]
        private static partial System.Text.RegularExpressions.Regex KeyKind();

        [System.Text.RegularExpressions.GeneratedRegex("\"RowKey\":\\s*\"(?<k>[a-z]_)")]
        private static partial System.Text.RegularExpressions.Regex BodyKind();
    }
}
