using System.Globalization;
using System.Text.Json;
using Listening.Core.Pipeline.Access;
using Listening.Core.Pipeline.Health;
using Listening.Core.Summaries;

namespace Listening.Core.Pipeline.Api;

/// <summary>
/// The app's HTTP endpoints, host-free: sign-in, reading the request, the summaries and health, and the headers
/// every answer carries. The Functions app and <c>listening serve</c> both call this one implementation and only
/// copy its <see cref="ApiResponse"/> onto their response, so they answer byte for byte alike.
/// </summary>
public sealed class ListeningApi(SummaryEndpoint summaries, SignInGate gate, HealthReporter health)
{
    /// <summary>No script, no outside resources, no framing: the pages need nothing but their inline styles.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>GET /api/summaries/{date}: the day's summary as HTML (browsers), JSON or CSV; signed-in people only.</summary>
    public async Task<ApiResponse> DayAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var answer = gate.Check(request.Header(SignInGate.PrincipalHeader))
            ?? await summaries.GetDayAsync(request.Route("date"), ReadSummaryRequest(request), cancellationToken);
        return Summary(answer);
    }

    /// <summary>GET /api/summaries?from=&amp;to= (days in <see cref="Contracts.IsoDate.Pattern"/>): a period report; signed-in people only.</summary>
    public async Task<ApiResponse> PeriodAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var answer = gate.Check(request.Header(SignInGate.PrincipalHeader))
            ?? await summaries.GetPeriodAsync(request.Query("from"), request.Query("to"), ReadSummaryRequest(request), cancellationToken);
        return Summary(answer);
    }

    /// <summary>GET /api/health: anonymous, nothing secret; 503 only when the pipeline is broken now.</summary>
    public async Task<ApiResponse> HealthAsync(CancellationToken cancellationToken)
    {
        var report = await health.ReportAsync(cancellationToken);
        return new ApiResponse(
            report.Status == HealthReport.Unhealthy ? 503 : 200,
            "application/json; charset=utf-8",
            JsonSerializer.SerializeToUtf8Bytes(report, HealthJsonContext.Default.HealthReport),
            [new("Cache-Control", "no-store"), new("X-Content-Type-Options", "nosniff")]);
    }

    public static SummaryRequest ReadSummaryRequest(ApiRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new SummaryRequest
        {
            Page = request.Query("page"),
            Format = request.Query("format"),
            Accept = request.Header("Accept") ?? "",
            IfNoneMatch = string.IsNullOrEmpty(request.Header("If-None-Match")) ? null : request.Header("If-None-Match"),
            IfModifiedSince = request.Header("If-Modified-Since"),
            WithLinks = true,
        };
    }

    /// <summary>A summary answer with the safe default headers, its validators and caching rules.</summary>
    public static ApiResponse Summary(HttpAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var headers = new List<KeyValuePair<string, string>>
        {
            new("X-Content-Type-Options", "nosniff"),
            new("Content-Security-Policy", ContentSecurityPolicy),
            new("Referrer-Policy", "no-referrer"),
        };
        Add(headers, "ETag", answer.ETag);
        Add(headers, "Last-Modified", answer.LastModified?.ToString("R", CultureInfo.InvariantCulture));
        Add(headers, "Cache-Control", answer.CacheControl);
        Add(headers, "Vary", answer.Vary);
        Add(headers, "Content-Disposition", answer.ContentDisposition);
        return answer.Status == 304
            ? new ApiResponse(304, "", [], headers)
            : new ApiResponse(answer.Status, answer.ContentType, answer.Body, headers);
    }

    private static void Add(List<KeyValuePair<string, string>> headers, string name, string? value)
    {
        if (value is not null)
        {
            headers.Add(new(name, value));
        }
    }
}
