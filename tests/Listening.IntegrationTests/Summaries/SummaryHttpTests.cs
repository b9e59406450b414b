using System.Globalization;
using System.Text.Json.Nodes;
using Listening.Core.Summaries;
using Listening.IntegrationTests.Infrastructure;

namespace Listening.IntegrationTests.Summaries;

/// <summary>
/// GET /api/summaries/{date} and GET /api/summaries?from=&amp;to= through the real functions and Azurite:
/// formats, validation, caching, and what each answer costs in storage requests.
/// </summary>
public sealed class SummaryHttpTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 7, 0, 0, TimeSpan.Zero); // 08:00 in Berlin
    private static readonly DateOnly Yesterday = new(2026, 11, 27);
    private readonly StorageRequestCounter _requests = new();
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(Now, StoredSummaries.TwoPages(), StoredSummaries.CountTableRequests(_requests));
        // Page A: 60 days up to yesterday, crossing 1.000 followers yesterday. Page B: yesterday only.
        var days = Enumerable.Range(0, 60).Select(i =>
        {
            var date = Yesterday.AddDays(-59 + i);
            return StoredSummaries.Day(StoredSummaries.PageA, date, followers: 940 + i, followerChange: 1, likes: 10 + i);
        }).ToList();
        days[^1] = StoredSummaries.Day(StoredSummaries.PageA, Yesterday, followers: 1_004, followerChange: 6, likes: 120);
        await StoredSummaries.PutManyAsync(_app, days);
        await StoredSummaries.PutAsync(_app, StoredSummaries.Day(StoredSummaries.PageB, Yesterday, followers: 300, followerChange: 2, likes: 7));

        // The Page registry is read once and kept a minute (PageDirectory): the counts below are of a warm instance.
        await _app.Get<Listening.Core.Ingestion.PageDirectory>().AllAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Day_summary_costs_one_storage_request_per_page()
    {
        _requests.Reset();
        var both = await HttpCall.DayAsync(_app, "2026-11-27", "format=json");
        var bothRequests = _requests.Count;
        _requests.Reset();
        var one = await HttpCall.DayAsync(_app, "2026-11-27", "format=json&page=" + StoredSummaries.PageA);

        Assert.Equal(200, both.Status);
        Assert.Equal(2, bothRequests);
        Assert.Equal(200, one.Status);
        var request = Assert.Single(_requests.Requests);
        Assert.StartsWith("GET ", request, StringComparison.Ordinal);
        Assert.Contains("devstoreaccount1/t" + _app.Suffix + "pagedays()", request, StringComparison.Ordinal);
        Assert.Contains("RowKey ge 's_", request, StringComparison.Ordinal);
        Assert.Contains("PartitionKey eq '104857600000001'", request, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Day_summary_json_brings_the_previous_day_and_the_milestones()
    {
        var answer = await HttpCall.DayAsync(_app, "yesterday", "page=" + StoredSummaries.PageA);

        Assert.StartsWith("application/json", answer.ContentType, StringComparison.Ordinal);
        var page = answer.Json["pages"]![0]!;
        Assert.Equal("2026-11-27", answer.Json["date"]!.GetValue<string>());
        Assert.Equal(1_004, page["followers"]!["end"]!.GetValue<long>());
        Assert.Equal("2026-11-26", page["previousDay"]!["date"]!.GetValue<string>());
        Assert.Equal(68, page["previousDay"]!["reactions"]!.GetValue<long>());
        var milestone = Assert.Single(page["milestones"]!.AsArray());
        Assert.Equal("followers", milestone!["kind"]!.GetValue<string>());
        Assert.Equal(1_000, milestone["threshold"]!.GetValue<long>());
    }

    [Theory]
    [InlineData(27)]
    [InlineData(366)]
    public async Task Period_summary_costs_one_partition_query_per_page(int days)
    {
        var from = Yesterday.AddDays(1 - days);
        _requests.Reset();

        var answer = await HttpCall.PeriodAsync(_app, $"from={from:yyyy-MM-dd}&to=2026-11-27&format=json");

        Assert.Equal(200, answer.Status);
        Assert.Equal(2, _requests.Count);
        Assert.All(_requests.Requests, r => Assert.Contains("RowKey ge '" + Listening.Core.Storage.SummaryKeys.Day(from.AddDays(-days)) + "'", r, StringComparison.Ordinal));
        var json = answer.Json;
        Assert.Equal(days, json["dayCount"]!.GetValue<int>());
        var pageA = json["pages"]!.AsArray().Single(p => p!["pageId"]!.GetValue<string>() == StoredSummaries.PageA)!;
        Assert.Equal(Math.Min(days, 60), pageA["days"]!.AsArray().Count);
        Assert.Equal(Math.Min(days, 60), pageA["totals"]!["daysWithData"]!.GetValue<int>());
    }

    [Fact]
    public async Task Period_summary_compares_with_the_period_before()
    {
        var answer = await HttpCall.PeriodAsync(_app, "from=2026-11-08&to=2026-11-27&page=" + StoredSummaries.PageA);

        var page = answer.Json["pages"]![0]!;
        Assert.Equal("2026-10-19", answer.Json["previousFrom"]!.GetValue<string>());
        Assert.Equal("2026-11-07", answer.Json["previousTo"]!.GetValue<string>());
        // Likes per day are 10 + day index: days 40..58 plus 120 yesterday, against days 20..39 before.
        Assert.Equal(Enumerable.Range(40, 19).Sum(i => 10 + i) + 120, page["totals"]!["reactions"]!["total"]!.GetValue<long>());
        Assert.Equal(Enumerable.Range(20, 20).Sum(i => 10 + i), page["previousTotals"]!["reactions"]!["total"]!.GetValue<long>());
        Assert.Equal(1_004, page["followers"]!["end"]!.GetValue<long>());
        Assert.Equal(20, page["posts"]!.AsArray().Count);
    }

    [Fact]
    public async Task Answers_carry_validators_and_a_matching_if_none_match_gets_304()
    {
        var first = await HttpCall.DayAsync(_app, "2026-11-27", "format=json");
        var etag = first.Header("ETag");

        var again = await HttpCall.DayAsync(_app, "2026-11-27", "format=json", new Dictionary<string, string> { ["If-None-Match"] = etag });
        var asHtml = await HttpCall.DayAsync(_app, "2026-11-27", "format=html", new Dictionary<string, string> { ["If-None-Match"] = etag });
        var sinceThen = await HttpCall.DayAsync(_app, "2026-11-27", "format=json", new Dictionary<string, string> { ["If-Modified-Since"] = first.Header("Last-Modified") });

        Assert.Matches("^\"[0-9a-f]{32}-r[0-9]+-json\"$", etag);
        Assert.NotEmpty(first.Header("Last-Modified"));
        Assert.Equal(SummaryEndpoint.CacheControl, first.Header("Cache-Control"));
        Assert.Equal("Accept", first.Header("Vary"));
        Assert.Equal(304, again.Status);
        Assert.Empty(again.Body);
        Assert.Equal(etag, again.Header("ETag"));
        Assert.Equal(SummaryEndpoint.CacheControl, again.Header("Cache-Control"));
        Assert.Equal(200, asHtml.Status);
        Assert.Equal(304, sinceThen.Status);

        // New data for the day: the old validator no longer matches.
        await StoredSummaries.PutAsync(_app, StoredSummaries.Day(StoredSummaries.PageB, Yesterday, followers: 301, followerChange: 3, likes: 8));
        var changed = await HttpCall.DayAsync(_app, "2026-11-27", "format=json", new Dictionary<string, string> { ["If-None-Match"] = etag });
        Assert.Equal(200, changed.Status);
        Assert.NotEqual(etag, changed.Header("ETag"));
    }

    [Theory]
    [InlineData("Fri, 31 Dec 9999 23:59:59 GMT")]
    [InlineData("an hour after Last-Modified")]
    [InlineData("9999-12-31")]
    [InlineData("morgen")]
    public async Task An_if_modified_since_in_the_future_or_not_an_http_date_is_ignored(string since)
    {
        var first = await HttpCall.DayAsync(_app, "2026-11-27", "format=json");
        if (since.StartsWith("an hour", StringComparison.Ordinal))
        {
            since = DateTimeOffset.Parse(first.Header("Last-Modified"), CultureInfo.InvariantCulture).AddHours(1).ToString("r", CultureInfo.InvariantCulture);
        }

        var answer = await HttpCall.DayAsync(_app, "2026-11-27", "format=json", new Dictionary<string, string> { ["If-Modified-Since"] = since });

        // RFC 9110, 13.1.3: a date later than the server's clock, or no HTTP-date at all, is ignored.
        Assert.Equal(200, answer.Status);
        Assert.Equal(first.Body, answer.Body);
    }

    [Fact]
    public async Task Period_answers_are_validated_the_same_way()
    {
        const string query = "from=2026-11-01&to=2026-11-27";
        var first = await HttpCall.PeriodAsync(_app, query);

        var again = await HttpCall.PeriodAsync(_app, query, new Dictionary<string, string> { ["If-None-Match"] = "\"x\", " + first.Header("ETag") });
        var otherPeriod = await HttpCall.PeriodAsync(_app, "from=2026-11-02&to=2026-11-27", new Dictionary<string, string> { ["If-None-Match"] = first.Header("ETag") });

        Assert.Equal(304, again.Status);
        Assert.Equal(200, otherPeriod.Status);
        Assert.NotEqual(first.Header("ETag"), otherPeriod.Header("ETag"));
    }

    [Fact]
    public async Task The_previous_day_is_part_of_the_validator()
    {
        var first = await HttpCall.DayAsync(_app, "2026-11-27", "page=" + StoredSummaries.PageA);

        await StoredSummaries.PutAsync(_app, StoredSummaries.Day(StoredSummaries.PageA, Yesterday.AddDays(-1), followers: 995, followerChange: 1, likes: 500));
        var second = await HttpCall.DayAsync(_app, "2026-11-27", "page=" + StoredSummaries.PageA, new Dictionary<string, string> { ["If-None-Match"] = first.Header("ETag") });

        Assert.Equal(200, second.Status);
        Assert.Equal(500, second.Json["pages"]![0]!["previousDay"]!["reactions"]!.GetValue<long>());
    }

    [Fact]
    public async Task Browsers_get_html_and_other_clients_json_unless_format_says_otherwise()
    {
        var browser = await HttpCall.DayAsync(_app, "2026-11-27", "", new Dictionary<string, string> { ["Accept"] = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" });
        var client = await HttpCall.DayAsync(_app, "2026-11-27");
        var csvByAccept = await HttpCall.DayAsync(_app, "2026-11-27", "", new Dictionary<string, string> { ["Accept"] = "text/csv" });
        var jsonByFormat = await HttpCall.DayAsync(_app, "2026-11-27", "format=json", new Dictionary<string, string> { ["Accept"] = "text/html" });

        Assert.StartsWith("text/html; charset=utf-8", browser.ContentType, StringComparison.Ordinal);
        Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"de\">", browser.Text, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", browser.Header("Content-Security-Policy"), StringComparison.Ordinal);
        Assert.Equal("nosniff", browser.Header("X-Content-Type-Options"));
        Assert.StartsWith("application/json", client.ContentType, StringComparison.Ordinal);
        Assert.StartsWith("text/csv", csvByAccept.ContentType, StringComparison.Ordinal);
        Assert.StartsWith("application/json", jsonByFormat.ContentType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_downloads_are_utf8_with_a_bom_and_a_file_name()
    {
        var day = await HttpCall.DayAsync(_app, "2026-11-27", "format=csv");
        var period = await HttpCall.PeriodAsync(_app, "from=2026-11-01&to=2026-11-27&format=csv");

        Assert.Equal("text/csv; charset=utf-8; header=present", day.ContentType);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, day.Body[..3]);
        Assert.Equal("attachment; filename=\"zusammenfassung-2026-11-27.csv\"", day.Header("Content-Disposition"));
        Assert.StartsWith("\uFEFFDatum;Seite;", day.Text, StringComparison.Ordinal);
        Assert.Equal("attachment; filename=\"bericht-2026-11-01-bis-2026-11-27.csv\"", period.Header("Content-Disposition"));
        Assert.Contains(";Veränderung in %;", period.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Period_html_is_the_report_page()
    {
        var answer = await HttpCall.PeriodAsync(_app, "from=2026-11-01&to=2026-11-30&format=html&page=" + StoredSummaries.PageA);

        Assert.Equal(400, answer.Status); // the 30th is still in the future
        var month = await HttpCall.PeriodAsync(_app, "from=2026-10-01&to=2026-10-31&format=html&page=" + StoredSummaries.PageA);
        Assert.Contains("<h1>Monatsbericht 01.10.2026 – 31.10.2026</h1>", month.Text, StringComparison.Ordinal);
        Assert.Contains("href=\"summaries/2026-10-31?page=104857600000001\"", month.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("27.11.2026", "JJJJ-MM-TT")]
    [InlineData("2026-13-01", "JJJJ-MM-TT")]
    [InlineData("2026-11-29", "Zukunft")]
    [InlineData("0001-01-01", "keine Daten")]
    [InlineData("morgen", "JJJJ-MM-TT")]
    public async Task Bad_dates_get_a_plain_400_problem(string date, string expected)
    {
        var answer = await HttpCall.DayAsync(_app, date);

        AssertProblem(answer, 400, expected);
    }

    [Theory]
    [InlineData("", "from und to")]
    [InlineData("from=2026-11-01", "from und to")]
    [InlineData("to=2026-11-01", "from und to")]
    [InlineData("from=1.11.2026&to=2026-11-27", "JJJJ-MM-TT")]
    [InlineData("from=2026-11-27&to=2026-11-01", "vor seinem Beginn")]
    [InlineData("from=2025-11-26&to=2026-11-27", "höchstens 366 Tage")]
    [InlineData("from=2026-11-01&to=2026-12-31", "Zukunft")]
    [InlineData("from=1999-01-01&to=1999-01-31", "keine Daten")]
    [InlineData("from=2026-11-01&to=2026-11-27&format=xlsx", "html, json oder csv")]
    [InlineData("from=2026-11-01&to=2026-11-27&page=123", "nicht eingerichtet")]
    public async Task Bad_period_parameters_get_a_plain_400_problem(string query, string expected)
    {
        var answer = await HttpCall.PeriodAsync(_app, query);

        AssertProblem(answer, 400, expected);
    }

    [Fact]
    public async Task Unknown_format_and_unknown_page_get_a_400_problem_for_the_day_too()
    {
        AssertProblem(await HttpCall.DayAsync(_app, "2026-11-27", "format=pdf"), 400, "html, json oder csv");
        AssertProblem(await HttpCall.DayAsync(_app, "2026-11-27", "page=999"), 400, "nicht eingerichtet");
    }

    [Fact]
    public async Task Days_and_periods_without_data_get_a_404_problem()
    {
        AssertProblem(await HttpCall.DayAsync(_app, "2025-01-15"), 404, "15.01.2025");
        AssertProblem(await HttpCall.PeriodAsync(_app, "from=2025-01-01&to=2025-01-31"), 404, "01.01.2025");
    }

    /// <summary>Page ids reach storage only inside <c>TableClient.CreateQueryFilter</c>, which quotes them.</summary>
    [Theory]
    [InlineData("104857600000001' or PartitionKey ne '")]
    [InlineData("' or ''='")]
    [InlineData("104857600000001') or (PartitionKey gt '")]
    [InlineData("x' or true or 'a' eq 'a")]
    public async Task Injection_strings_as_page_ids_find_nothing(string pageId)
    {
        _requests.Reset();
        var overHttp = await HttpCall.DayAsync(_app, "2026-11-27", "page=" + Uri.EscapeDataString(pageId));
        Assert.Equal(0, _requests.Count); // refused before any storage request: not a configured Page

        var reader = _app.Get<SummaryReader>();
        var day = await reader.ReadDayAsync(Yesterday, pageId, CancellationToken.None);
        var period = await reader.ReadPeriodAsync(Yesterday.AddDays(-30), Yesterday, pageId, CancellationToken.None);

        AssertProblem(overHttp, 400, "nicht eingerichtet");
        Assert.Null(day);
        Assert.Null(period);
        Assert.Equal(2, _requests.Count);
        Assert.All(_requests.Requests, r => Assert.Contains("PartitionKey eq '" + pageId.Replace("'", "''", StringComparison.Ordinal) + "'", r, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_fresh_installation_answers_404_without_creating_tables()
    {
        var counter = new StorageRequestCounter();
        await using var fresh = await TestApp.StartAsync(Now, StoredSummaries.TwoPages(), StoredSummaries.CountTableRequests(counter));

        var answer = await HttpCall.DayAsync(fresh, "2026-11-27");

        AssertProblem(answer, 404, "27.11.2026");
        Assert.Equal(3, counter.Count); // the registry query (no table yet: 404, nothing created) and the two summary reads
        Assert.DoesNotContain(counter.Requests, r => r.StartsWith("POST", StringComparison.Ordinal));
    }

    private static void AssertProblem(HttpResult answer, int status, string expected)
    {
        Assert.Equal(status, answer.Status);
        Assert.StartsWith("application/problem+json", answer.ContentType, StringComparison.Ordinal);
        var problem = answer.Json;
        Assert.Equal(status, problem["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrWhiteSpace(problem["title"]!.GetValue<string>()));
        Assert.Contains(expected, problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", answer.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(" at Listening", answer.Text, StringComparison.Ordinal);
        Assert.Equal("no-store", answer.Header("Cache-Control"));
    }
}
