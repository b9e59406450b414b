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
public sealed class PageCheck(GraphClient graph, GraphRequests requests, IOptions<ListeningOptions> options, TimeProvider time, InstagramReader instagram)
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
        if (page.InstagramEnabled)
        {
            calls.Add(instagram.LinkedAccount(page.Id));
        }

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

        var (instagramNote, instagramMetrics) = page.InstagramEnabled && unavailable is null
            ? await CheckInstagramAsync(session, results[^1], yesterday, cancellationToken)
            : (page.InstagramEnabled ? null : "off", []);
        metricResults.AddRange(instagramMetrics);
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
            Instagram = instagramNote,
            HttpRequests = session.HttpRequests,
            GraphCalls = session.GraphCalls,
        };

        static MetricCheck Checked(string metric, string kind, GraphResult result) =>
            result.Error is { } error && (error.IsThrottling || error.IsTransient)
                ? new MetricCheck(metric, kind, null) { NotChecked = true }
                : new MetricCheck(metric, kind, result.Error?.Describe());
    }

    /// <summary>
    /// The linked Instagram account (issue 14) and, when there is one, each of its metrics alone in one more batch:
    /// account insights of Meta's last complete day, media insights on the media, story insights on the live stories.
    /// </summary>
    private async Task<(string? Note, List<MetricCheck> Metrics)> CheckInstagramAsync(GraphSession session, GraphResult linked, DateOnly day, CancellationToken cancellationToken)
    {
        if (linked.Error is { } error)
        {
            return ("not readable: " + error.Describe(), []);
        }

        if (linked.Body.ValueKind != JsonValueKind.Object || !linked.Body.TryGetProperty("instagram_business_account", out var account)
            || account.ValueKind != JsonValueKind.Object || !account.TryGetProperty("id", out var idValue) || idValue.ValueKind != JsonValueKind.String
            || GraphPayload.SafeId(idValue.GetString()) != idValue.GetString())
        {
            return (InstagramReader.NotLinked, []);
        }

        var id = idValue.GetString()!;
        var name = account.TryGetProperty("username", out var u) && u.ValueKind == JsonValueKind.String ? "@" + u.GetString() + " " : "";
        var probes = new List<(string Metric, string Kind, string Url)>();
        probes.AddRange(InstagramMetrics.DefaultAccountMetrics.Select(m => (m, "instagram-account", instagram.AccountInsights(id, [m], day))));
        probes.AddRange(InstagramMetrics.DefaultMediaMetrics.Select(m => (m, "instagram-media", instagram.Media(id, time.GetUtcNow().AddDays(-_facebook.PostLookbackDays), 25, [m]))));
        probes.AddRange(InstagramMetrics.DefaultStoryMetrics.Select(m => (m, "instagram-story", instagram.Stories(id, [m]))));

        // The same media without insights: which product types are there, for a metric the media call rejects.
        var since = time.GetUtcNow().AddDays(-_facebook.PostLookbackDays);
        var answers = await graph.BatchAsync(session, [.. probes.Select(p => p.Url), instagram.Media(id, since, 25, [])], cancellationToken);
        var checks = new List<MetricCheck>();
        var mediaRejected = new List<int>();
        for (var i = 0; i < probes.Count; i++)
        {
            if (answers[i].Error is { } e && (e.IsThrottling || e.IsTransient))
            {
                checks.Add(new MetricCheck(probes[i].Metric, probes[i].Kind, null) { NotChecked = true });
                continue;
            }

            if (probes[i].Kind == "instagram-media" && answers[i].Error is { } rejection && PageInsightsReader.IsMetricRejection(rejection, [probes[i].Metric]))
            {
                mediaRejected.Add(i);
                continue;
            }

            checks.Add(new MetricCheck(probes[i].Metric, probes[i].Kind, answers[i].Error?.Describe()));
        }

        checks.AddRange(await CheckMediaTypesAsync(session, [.. mediaRejected.Select(i => (probes[i].Metric, answers[i].Error!))], answers[^1], cancellationToken));
        return ($"linked: {name}({id})", checks);
    }

    /// <summary>
    /// A media metric the media call rejects, asked per media product type of those media by id (issue 14, item 2):
    /// rejected by every type there, it is rejected for all media; by some, it is named with each such type
    /// (<see cref="MetricCheck.ProductType"/>).
    /// </summary>
    private async Task<List<MetricCheck>> CheckMediaTypesAsync(
        GraphSession session, List<(string Metric, GraphApiException Error)> rejected, GraphResult media, CancellationToken cancellationToken)
    {
        var checks = new List<MetricCheck>();
        var types = new List<(string Type, List<string> Ids)>();
        if (rejected.Count > 0 && media.Ok && media.Body.ValueKind == JsonValueKind.Object
            && media.Body.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
        {
            types = [.. data.EnumerateArray()
                .Where(item => item.ValueKind == JsonValueKind.Object)
                .Select(item => (Id: item.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null,
                    Type: item.TryGetProperty("media_product_type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null))
                .Where(x => x.Id is { Length: > 0 } && GraphPayload.SafeId(x.Id) == x.Id && x.Type is { Length: > 0 })
                .GroupBy(x => x.Type!, StringComparer.Ordinal)
                .Select(g => (g.Key, g.Select(x => x.Id!).Take(InstagramReader.MaxIdsPerCall).ToList()))];
        }

        if (rejected.Count == 0 || types.Count < 2)
        {
            // One type (or none known) on the page: what the media call rejects is rejected for all media.
            return [.. rejected.Select(r => new MetricCheck(r.Metric, "instagram-media", r.Error.Describe()))];
        }

        var asks = rejected.SelectMany(r => types.Select(t => (r.Metric, r.Error, t.Type, t.Ids))).ToList();
        var answers = await graph.BatchAsync(session, [.. asks.Select(a => instagram.MediaInsightsByIds(a.Ids, [a.Metric]))], cancellationToken);
        foreach (var (metric, error) in rejected)
        {
            var byType = asks.Select((a, i) => (a, answer: answers[i])).Where(x => x.a.Metric == metric).ToList();
            var rejecting = byType.Where(x => x.answer.Error is { } e && PageInsightsReader.IsMetricRejection(e, [metric])).ToList();
            if (rejecting.Count == byType.Count)
            {
                checks.Add(new MetricCheck(metric, "instagram-media", error.Describe()));
                continue;
            }

            checks.AddRange(rejecting.Select(x => new MetricCheck(metric, "instagram-media", x.answer.Error!.Describe()) { ProductType = x.a.Type }));
        }

        return checks;
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

    /// <summary>The linked Instagram account as found ("linked: @name (id)", "no Instagram account is linked to the Page", "off", ...); null when not checked.</summary>
    public string? Instagram { get; init; }

    public int HttpRequests { get; init; }

    public int GraphCalls { get; init; }
}

/// <summary>One configured metric: accepted (<see cref="Problem"/> null) or what Meta answered.</summary>
public sealed record MetricCheck(string Metric, string Kind, string? Problem)
{
    /// <summary>Meta was unavailable or throttled for this call: neither accepted nor rejected.</summary>
    public bool NotChecked { get; init; }

    /// <summary>The media product type (<c>FEED</c>, <c>REELS</c>) that alone rejects this media metric; null when rejected for all media (or accepted).</summary>
    public string? ProductType { get; init; }
}
