using System.Text;
using System.Text.Json;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Ingestion;
using Listening.Core.Insights;
using Listening.Core.Storage;
using Listening.Core.Summaries;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace Listening.Core.Tests.Insights;

/// <summary>The insights request: its default period, its refusals in plain German, one range query per Page, caching.</summary>
public sealed class InsightsEndpointTests
{
    private const string PageId = "104857600000001";
    private static readonly DateOnly Today = new(2026, 12, 3);
    private static readonly LocalCalendar Calendar = new("Europe/Berlin");
    private readonly IObservationStore _observations = Substitute.For<IObservationStore>();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero));

    public InsightsEndpointTests()
    {
        _observations.ReadDaysAsync(default!, default, default, default).ReturnsForAnyArgs(_ => Rows());
    }

    [Fact]
    public async Task Without_from_and_to_the_report_covers_the_last_90_days_with_one_range_query_per_Page()
    {
        var answer = await Endpoint().GetAsync(null, null, new SummaryRequest { Format = "json" }, CancellationToken.None);

        Assert.Equal(200, answer.Status);
        var json = JsonDocument.Parse(answer.Body).RootElement;
        Assert.Equal("2026-09-05", json.GetProperty("from").GetString());
        Assert.Equal("2026-12-03", json.GetProperty("to").GetString());
        await _observations.Received(1).ReadDaysAsync(PageId, new DateOnly(2026, 9, 4), Today, Arg.Any<CancellationToken>());
        Assert.Single(_observations.ReceivedCalls());
    }

    [Theory]
    [InlineData("2026-11-01", null, "Zeitraum unvollständig")]
    [InlineData("2026-13-01", "2026-12-01", "Ungültiges Datum")]
    [InlineData("2026-12-01", "2026-11-01", "Zeitraum verkehrt herum")]
    [InlineData("2025-11-01", "2026-12-01", "Zeitraum zu lang")]
    [InlineData("2026-11-01", "2026-12-24", "Datum in der Zukunft")]
    public async Task A_bad_period_is_a_400_in_plain_German_and_reads_nothing(string? from, string? to, string title)
    {
        var answer = await Endpoint().GetAsync(from, to, new SummaryRequest(), CancellationToken.None);

        Assert.Equal(400, answer.Status);
        Assert.StartsWith("application/problem+json", answer.ContentType, StringComparison.Ordinal);
        Assert.Equal(title, JsonDocument.Parse(answer.Body).RootElement.GetProperty("title").GetString());
        Assert.Equal(SummaryEndpoint.NoStore, answer.CacheControl);
        Assert.Empty(_observations.ReceivedCalls());
    }

    [Fact]
    public async Task An_unknown_page_or_format_is_refused()
    {
        var page = await Endpoint().GetAsync(null, null, new SummaryRequest { Page = "999" }, CancellationToken.None);
        var format = await Endpoint().GetAsync(null, null, new SummaryRequest { Format = "xml" }, CancellationToken.None);

        Assert.Equal((400, 400), (page.Status, format.Status));
        Assert.Equal("Unbekannte Seite", JsonDocument.Parse(page.Body).RootElement.GetProperty("title").GetString());
        Assert.Equal("Unbekanntes Format", JsonDocument.Parse(format.Body).RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_period_without_data_is_a_404()
    {
        _observations.ReadDaysAsync(default!, default, default, default).ReturnsForAnyArgs(new ObservationRows());

        var answer = await Endpoint().GetAsync("2026-11-01", "2026-11-30", new SummaryRequest(), CancellationToken.None);

        Assert.Equal(404, answer.Status);
    }

    [Fact]
    public async Task The_same_rows_give_a_304_to_a_caller_with_the_ETag_and_other_rows_do_not()
    {
        var first = await Endpoint().GetAsync("2026-11-01", "2026-11-30", new SummaryRequest { Format = "html" }, CancellationToken.None);
        var again = await Endpoint().GetAsync("2026-11-01", "2026-11-30", new SummaryRequest { Format = "html", IfNoneMatch = first.ETag }, CancellationToken.None);
        _observations.ReadDaysAsync(default!, default, default, default).ReturnsForAnyArgs(_ => Rows(reach: 999));
        var changed = await Endpoint().GetAsync("2026-11-01", "2026-11-30", new SummaryRequest { Format = "html", IfNoneMatch = first.ETag }, CancellationToken.None);

        Assert.Equal((200, 304, 200), (first.Status, again.Status, changed.Status));
        Assert.Equal(SummaryEndpoint.CacheControl, first.CacheControl);
        Assert.StartsWith("text/html", first.ContentType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Html_and_csv_are_German()
    {
        var html = Encoding.UTF8.GetString((await Endpoint().GetAsync("2026-11-01", "2026-11-30", new SummaryRequest { Format = "html" }, CancellationToken.None)).Body);
        var csv = await Endpoint().GetAsync("2026-11-01", "2026-11-30", new SummaryRequest { Format = "csv" }, CancellationToken.None);

        Assert.Contains("<html lang=\"de\">", html, StringComparison.Ordinal);
        Assert.Contains("Sendezeiten", html, StringComparison.Ordinal);
        Assert.Contains("zu wenige Beiträge: 1 Beitrag, für eine Zahl mindestens 3", html, StringComparison.Ordinal);
        Assert.Contains("Noch keine Empfehlung", html, StringComparison.Ordinal);
        Assert.Contains("attachment; filename=\"auswertung-2026-11-01-bis-2026-11-30.csv\"", csv.ContentDisposition, StringComparison.Ordinal);
        var text = Encoding.UTF8.GetString(csv.Body);
        Assert.Contains("Seite;Seiten-ID;Bereich;Name", text, StringComparison.Ordinal);
        Assert.Contains(";Format;Reel;", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_minimum_of_zero_posts_per_cell_stops_start_up_naming_the_key()
    {
        var options = new ListeningOptions { Insights = { MinPostsPerCell = 0 } };
        var result = new ListeningOptionsAttributeValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Listening:Insights:MinPostsPerCell", result.FailureMessage, StringComparison.Ordinal);
    }

    private static ObservationRows Rows(long reach = 1234)
    {
        var rows = new ObservationRows();
        var created = Calendar.StartOf(new DateOnly(2026, 11, 10)).AddHours(9);
        rows.Pages.Add(new PageDayEntity { PartitionKey = PageId, RowKey = ObservationKeys.Page(new DateOnly(2026, 11, 10)), ObservedAt = created.AddHours(2), Followers = 1000 });
        rows.Posts.Add(new PostDayEntity
        {
            PartitionKey = PageId, RowKey = ObservationKeys.Post(new DateOnly(2026, 11, 10), "p1"), PostId = "p1", CreatedTime = created,
            ObservedAt = created.AddHours(2), Reach = reach, ReachAt = created.AddHours(2), Like = 12, Format = PostFormats.Reel, Topics = "Ausbildung",
            ETag = new Azure.ETag("W/\"" + reach + "\""),
        });
        return rows;
    }

    private InsightsEndpoint Endpoint()
    {
        var options = Options.Create(new ListeningOptions { Pages = [new PageOptions { Id = PageId, Name = "Kreis Soest", AccessToken = "token" }] });
        var pages = new PageDirectory(options);
        var summaries = new SummaryEndpoint(new SummaryReader(pages, Calendar, Substitute.For<ISummaryStore>(), options), pages, Calendar, _time);
        return new InsightsEndpoint(summaries, new InsightsReader(pages, Calendar, _observations, options, _time));
    }
}
