using System.Globalization;
using System.Text.Json;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Microsoft.Extensions.Options;

namespace Listening.Core.Meta;

/// <summary>
/// For <c>listening check</c>: the Page fields, <c>debug_token</c> and each configured metric on its own, all in one
/// batch request, so the answer says exactly which metrics Meta accepts.
/// </summary>
public sealed class PageCheck(GraphClient graph, GraphRequests requests, IOptions<ListeningOptions> options, TimeProvider time)
{
    private readonly FacebookOptions _facebook = options.Value.Facebook;

    public async Task<PageCheckResult> CheckAsync(PageOptions page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        var token = page.AccessToken ?? "";
        var session = new GraphSession(token);
        var yesterday = MetaCalendar.LastCompleteDay(time.GetUtcNow());
        var pageMetrics = _facebook.EffectivePageMetrics;
        var postMetrics = _facebook.EffectivePostMetrics;
        var calls = new List<string> { requests.PageFields(page.Id), requests.DebugToken(token) };
        calls.AddRange(pageMetrics.Select(m => requests.Insights(page.Id, [m], yesterday, yesterday)));
        calls.AddRange(postMetrics.Select(m => requests.PostMetricProbe(page.Id, m)));
        var results = await graph.BatchAsync(session, calls, cancellationToken);

        var tokenStatus = results[1].Ok ? TokenStatus.Parse(results[1].Body) : null;

        // Meta being down or throttling says nothing about the token or a metric: the check could not be made now.
        var unavailable = results.Select(r => r.Error).FirstOrDefault(e => e is { IsThrottling: true })
            ?? results.Take(2).Select(r => r.Error).FirstOrDefault(e => e is { IsTransient: true });
        var metricResults = new List<MetricCheck>();
        for (var i = 0; i < pageMetrics.Count; i++)
        {
            metricResults.Add(Checked(pageMetrics[i], "page", results[2 + i]));
        }

        for (var i = 0; i < postMetrics.Count; i++)
        {
            metricResults.Add(Checked(postMetrics[i], "post", results[2 + pageMetrics.Count + i]));
        }

        var fields = results[0];
        return new PageCheckResult
        {
            PageId = page.Id,
            Name = fields.Ok && fields.Body.ValueKind == JsonValueKind.Object && fields.Body.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
                ? name.GetString() ?? page.Id
                : page.Name ?? page.Id,
            Followers = fields.Ok && fields.Body.ValueKind == JsonValueKind.Object && fields.Body.TryGetProperty("followers_count", out var f) && GraphPayload.TryCount(f, out var followers)
                ? followers
                : null,
            FieldsError = unavailable is null ? fields.Error?.Describe() : null,
            TokenError = unavailable is null ? results[1].Error?.Describe() ?? results.FirstOrDefault(r => r.Error?.IsTokenError == true)?.Error?.Describe() : null,
            NotCheckedBecause = unavailable is null ? null : Unavailable(unavailable, time.GetUtcNow()),
            Token = tokenStatus,
            Metrics = metricResults,
            HttpRequests = session.HttpRequests,
            GraphCalls = session.GraphCalls,
        };

        static MetricCheck Checked(string metric, string kind, GraphResult result) =>
            result.Error is { } error && (error.IsThrottling || error.IsTransient)
                ? new MetricCheck(metric, kind, null) { NotChecked = true }
                : new MetricCheck(metric, kind, result.Error?.Describe());
    }

    /// <summary>Throttling or a transient fault in our words, with when to try again (no text of Meta's).</summary>
    internal static string Unavailable(GraphApiException error, DateTimeOffset now)
    {
        var code = error.Code != 0 ? string.Create(CultureInfo.InvariantCulture, $"code {error.Code}")
            : error.IsNoAnswer ? "no answer"
            : string.Create(CultureInfo.InvariantCulture, $"HTTP {error.HttpStatus}");
        if (!error.IsThrottling)
        {
            return $"Meta is temporarily unavailable ({code}); try again in a few minutes";
        }

        var wait = error.Usage?.RegainAccessIn ?? error.RetryAfter ?? GraphUsage.DefaultWait;
        return string.Create(CultureInfo.InvariantCulture, $"throttled by Meta ({code}), try again after {IsoDate.UtcMinute(now + wait)}");
    }
}

/// <summary>What <c>listening check</c> learned about one Page.</summary>
public sealed record PageCheckResult
{
    public required string PageId { get; init; }

    public required string Name { get; init; }

    public long? Followers { get; init; }

    /// <summary>Why the Page fields could not be read, if they could not.</summary>
    public string? FieldsError { get; init; }

    /// <summary>Meta was unavailable or throttled: nothing could be concluded about the Page now (our words, when to try again).</summary>
    public string? NotCheckedBecause { get; init; }

    /// <summary>Why <c>debug_token</c> failed or a call was refused for the token.</summary>
    public string? TokenError { get; init; }

    public TokenStatus? Token { get; init; }

    public IReadOnlyList<MetricCheck> Metrics { get; init; } = [];

    public int HttpRequests { get; init; }

    public int GraphCalls { get; init; }
}

/// <summary>One configured metric: accepted (<see cref="Problem"/> null) or what Meta answered.</summary>
public sealed record MetricCheck(string Metric, string Kind, string? Problem)
{
    /// <summary>Meta was unavailable or throttled for this call: neither accepted nor rejected.</summary>
    public bool NotChecked { get; init; }
}
