using Listening.Core.Pipeline.Api;
using Listening.Core.Summaries;
using Microsoft.Extensions.Primitives;

namespace Listening.Core.Tests.Api;

/// <summary>The host-free parts both hosts share: reading a request, and the headers of every summary answer.</summary>
public sealed class ListeningApiTests
{
    [Fact]
    public void A_request_reads_the_first_query_value_case_insensitively_and_joins_repeated_headers()
    {
        var request = ApiRequest.From(
            new Dictionary<string, string?> { ["date"] = "2026-11-27" },
            [new("Format", new StringValues(["csv", "json"])), new("page", "1")],
            [new("accept", new StringValues(["text/html", "application/json;q=0.5"])), new("If-None-Match", StringValues.Empty)]);

        Assert.Equal("2026-11-27", request.Route("date"));
        Assert.Null(request.Route("from"));
        Assert.Equal("csv", request.Query("format"));
        Assert.Null(request.Query("to"));
        Assert.Equal("text/html,application/json;q=0.5", request.Header("Accept"));
        Assert.Null(request.Header("If-None-Match"));

        var summary = ListeningApi.ReadSummaryRequest(request);
        Assert.Equal("csv", summary.Format);
        Assert.Equal("1", summary.Page);
        Assert.Null(summary.IfNoneMatch);
        Assert.True(summary.WithLinks);
    }

    [Fact]
    public void Without_an_accept_header_the_summary_request_has_an_empty_accept()
    {
        var request = ApiRequest.From(new Dictionary<string, string?>(), [], []);

        Assert.Equal("", ListeningApi.ReadSummaryRequest(request).Accept);
    }

    [Fact]
    public void A_summary_answer_carries_the_safe_headers_its_validators_and_caching()
    {
        var answer = new HttpAnswer(200, "text/csv; charset=utf-8", [1, 2, 3])
        {
            ETag = "\"abc\"",
            LastModified = new DateTimeOffset(2026, 11, 27, 22, 45, 0, TimeSpan.Zero),
            CacheControl = SummaryEndpoint.CacheControl,
            Vary = "Accept",
            ContentDisposition = "attachment; filename=\"x.csv\"",
        };

        var response = ListeningApi.Summary(answer);

        Assert.Equal(200, response.Status);
        Assert.Equal([1, 2, 3], response.Body);
        var headers = response.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.Ordinal);
        Assert.Equal("nosniff", headers["X-Content-Type-Options"]);
        Assert.Equal(ListeningApi.ContentSecurityPolicy, headers["Content-Security-Policy"]);
        Assert.Equal("no-referrer", headers["Referrer-Policy"]);
        Assert.Equal("\"abc\"", headers["ETag"]);
        Assert.Equal("Fri, 27 Nov 2026 22:45:00 GMT", headers["Last-Modified"]);
        Assert.Equal(SummaryEndpoint.CacheControl, headers["Cache-Control"]);
        Assert.Equal("attachment; filename=\"x.csv\"", headers["Content-Disposition"]);
    }

    [Fact]
    public void A_304_has_no_body_and_no_content_type_but_keeps_its_validators()
    {
        var response = ListeningApi.Summary(new HttpAnswer(304, "", []) { ETag = "\"abc\"" });

        Assert.Equal(304, response.Status);
        Assert.Empty(response.Body);
        Assert.Equal("", response.ContentType);
        Assert.Contains(response.Headers, h => h.Key == "ETag" && h.Value == "\"abc\"");
    }

    [Fact]
    public void A_problem_is_never_cached()
    {
        var response = ListeningApi.Summary(HttpAnswer.Problem(400, "Ungültiges Datum", "…"));

        Assert.Equal(400, response.Status);
        Assert.StartsWith("application/problem+json", response.ContentType, StringComparison.Ordinal);
        Assert.Contains(response.Headers, h => h.Key == "Cache-Control" && h.Value == SummaryEndpoint.NoStore);
    }

    [Fact]
    public void The_route_list_names_each_route_once()
    {
        Assert.Equal(ApiRoutes.All.Count, ApiRoutes.All.Select(r => r.Template).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal("summaries/{date}", ApiRoutes.Named("GetDailySummary").Template);
    }
}
