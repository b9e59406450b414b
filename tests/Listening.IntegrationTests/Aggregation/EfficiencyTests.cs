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
public sealed class EfficiencyTests
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
    [InlineData(99, 1)] // 99 posts and the Page row: 100 operations, one transaction
    [InlineData(100, 2)]
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
        Assert.Equal(1, requests.Count(r => r.Method is "PUT" or "MERGE" && r.Path.Contains("rawsnapshots", StringComparison.Ordinal)));
        // Everything else is small reads, the same for any number of posts: the keys after the day (none), the Page
        // row of the day before (its rows are still the ones this instance read), the giveaway posts of 30 days
        // before (none), Meta's values of the day (none). The day's own rows are those the previous merge left,
        // the summary is the one it stored.
        Assert.Equal(4, requests.Count(r => r.Method == "GET"));
        Assert.Equal(transactions + 6, requests.Count);
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
        await counted.Aggregator.ApplyAsync(Pull(Evening.AddHours(1), 20), CancellationToken.None);
        Assert.Equal(3, requests.Count(r => r.Method == "GET"));
        Assert.DoesNotContain(requests, r => r.Path.Contains("metainsights", StringComparison.Ordinal));

        // Within twice the skew of the end of Meta's day it reads Meta's values again: a capture from a clock that
        // runs ahead may already have completed them.
        app.Time.SetUtcNow(Listening.Core.Configuration.MetaCalendar.EndOf(new DateOnly(2026, 11, 27)).AddMinutes(-15));
        requests.Clear();
        await counted.Aggregator.ApplyAsync(Pull(Evening.AddHours(2), 20), CancellationToken.None);
        Assert.Equal(4, requests.Count(r => r.Method == "GET"));
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
    private static async Task<(CountedServices Services, ConcurrentQueue<(string Method, string Path)> Requests)> CountedAsync(TestApp app, TimeProvider time)
    {
        var requests = new ConcurrentQueue<(string Method, string Path)>();
        var clientOptions = new TableClientOptions();
        clientOptions.AddPolicy(new RecordingPolicy(requests), HttpPipelinePosition.PerCall);
        var service = new TableServiceClient((await SharedAzurite.GetAsync()).ConnectionString, clientOptions);
        var options = app.Get<IOptions<ListeningOptions>>();
        var storage = new ListeningStorage(service, options);
        await storage.EnsureCreatedAsync(CancellationToken.None);
        var calendar = app.Get<LocalCalendar>();
        var topics = app.Get<TopicRules>();
        var cache = new DayRowsCache();
        var observations = new ObservationStore(storage, NullLogger<ObservationStore>.Instance);
        var reader = new ObservationReader(observations, cache);
        var metaDays = new MetaDays(new MetaDayStore(storage), options, time, NullLogger<MetaDays>.Instance);
        var materializer = new SummaryMaterializer(new SummaryStore(storage), observations, reader, topics, new SummaryVersions(), calendar, NullLogger<SummaryMaterializer>.Instance, metaDays);
        var aggregator = new SnapshotAggregator(new RawArchive(storage), observations, materializer, topics, cache, calendar, time, NullLogger<SnapshotAggregator>.Instance, metaDays);
        var summaries = new SummaryReader(app.Get<PageDirectory>(), calendar, new SummaryStore(storage), options);
        requests.Clear();
        return (new CountedServices(aggregator, summaries), requests);
    }

    private sealed record CountedServices(SnapshotAggregator Aggregator, SummaryReader Reader);

    private sealed class RecordingPolicy(ConcurrentQueue<(string Method, string Path)> requests) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) =>
            requests.Enqueue((message.Request.Method.Method, message.Request.Uri.Path));
    }
}
