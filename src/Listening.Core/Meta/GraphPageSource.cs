using System.Globalization;
using System.Text.Json;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Listening.Core.Meta;

/// <summary>
/// Reads a Page through the Graph API with as few requests as possible: one batch request carries the Page
/// fields, Meta's daily insights for the days that may still change, the first 100 posts of the look-back window
/// (all reaction types, comments, shares and post insights in field expansions, never a request per post) and,
/// once a day, <c>debug_token</c>; further posts follow through <c>paging.next</c> to the end.
/// <para>
/// When Meta rejects a metric (code 100 fails the whole call) the pull finds which one (a metric the message
/// names is dropped at once, else the set is bisected, each round one batch) and carries on with the rest; a
/// rejected metric with an alias (<see cref="MetricNames.DefaultAliases"/>) is replaced by its new name. When Meta
/// says "reduce the amount of data" (code 1, subcode 99) the insights window or the posts page size is halved.
/// Token errors and throttling end the pull with the <see cref="GraphApiException"/>: the puller records them.
/// </para>
/// </summary>
public sealed partial class GraphPageSource(GraphClient graph, IOptions<ListeningOptions> options, TimeProvider time, ILogger<GraphPageSource> logger) : IPageSource
{
    public const string HttpClientName = GraphClient.HttpClientName;

    /// <summary>Posts per page: Meta's maximum.</summary>
    public const int PostPageSize = 100;

    /// <summary>Below this page size, halving stops and the error stands.</summary>
    public const int MinPostPageSize = 5;

    internal static readonly string[] ReactionTypes = ["LIKE", "LOVE", "CARE", "HAHA", "WOW", "SAD", "ANGRY"];

    private readonly FacebookOptions _facebook = options.Value.Facebook;
    private readonly IReadOnlyDictionary<string, string> _aliases = options.Value.Facebook.EffectiveAliases;

    public static string PostFields { get; } = string.Join(',',
        new[] { "id", "created_time", "message", "permalink_url", "shares", "comments.limit(0).summary(true)" }
            .Concat(ReactionTypes.Select(t => $"reactions.type({t}).limit(0).summary(total_count).as(reactions_{t.ToLowerInvariant()})")));

    public async Task<PageCapture> CaptureAsync(PageOptions page, PullPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(plan);
        var token = page.AccessToken is { Length: > 0 } t ? t : throw new InvalidOperationException($"Page {page.Id} has no access token (Listening:Pages:N:AccessToken).");
        var session = new GraphSession(token);
        var capturedAt = time.GetUtcNow();
        var rejected = new List<string>();
        var skipped = new List<MalformedItem>();
        var pageMetrics = Requestable(_facebook.EffectivePageMetrics, plan.RejectedMetrics);
        var postMetrics = Requestable(_facebook.EffectivePostMetrics, plan.RejectedMetrics);
        var postsSince = plan.PostsSince ?? capturedAt.AddDays(-_facebook.PostLookbackDays);
        var postsUntil = plan.PostsUntil;

        var calls = new List<string>();
        int Add(bool wanted, string url)
        {
            if (!wanted)
            {
                return -1;
            }

            calls.Add(url);
            return calls.Count - 1;
        }

        var fieldsAt = Add(plan.PageFields, graph.Versioned($"{Uri.EscapeDataString(page.Id)}?fields=name,followers_count,fan_count"));
        var insightsAt = Add(plan.Insights is not null && pageMetrics.Count > 0,
            plan.Insights is { } range ? InsightsUrl(page.Id, pageMetrics, range.From, range.To) : "");
        var postsAt = Add(plan.Posts, PostsUrl(page.Id, postsSince, postsUntil, PostPageSize, postMetrics));
        var tokenAt = Add(plan.CheckToken, graph.Versioned("debug_token?input_token=" + Uri.EscapeDataString(token)));
        var results = calls.Count == 0 ? [] : await graph.BatchAsync(session, calls, cancellationToken);

        // A token or throttling error anywhere ends the pull: the rest of the answer cannot be trusted or used.
        if (results.Select(r => r.Error).FirstOrDefault(e => e is { IsTokenError: true } or { IsThrottling: true }) is { } stop)
        {
            throw stop;
        }

        TokenStatus? tokenStatus = null;
        if (tokenAt >= 0 && results[tokenAt].Error is { } tokenCheckError)
        {
            // Not being able to ask about the token is no reason to lose the pull.
            LogTokenCheckFailed(logger, page.Id, tokenCheckError.Describe());
        }
        else if (tokenAt >= 0)
        {
            tokenStatus = TokenStatus.Parse(results[tokenAt].Body);
            foreach (var field in tokenStatus.MalformedFields)
            {
                Skip(skipped, page.Id, new MalformedItem("debug_token", field));
            }

            if (!tokenStatus.IsValid)
            {
                throw new GraphApiException(400, 190, null, "OAuthException", "debug_token says the Page token is not valid" + (tokenStatus.Problem is { } p ? ": " + p : "."));
            }
        }

        JsonElement? fields = fieldsAt >= 0 && results[fieldsAt].Value is { ValueKind: JsonValueKind.Object } body ? body : null;
        var insights = new List<InsightValue>();
        if (insightsAt >= 0)
        {
            var (from, to) = plan.Insights!.Value;
            insights.AddRange(await InsightsAsync(session, page.Id, pageMetrics, from, to, results[insightsAt], rejected, skipped, cancellationToken));
        }

        var paging = new PostPaging();
        var posts = postsAt >= 0
            ? await PostsAsync(session, page.Id, postsSince, postsUntil, postMetrics, results[postsAt], rejected, skipped, paging, cancellationToken)
            : [];
        long? Count(string property)
        {
            if (fields is not { } f || !f.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (GraphPayload.TryCount(value, out var count))
            {
                return count;
            }

            Skip(skipped, page.Id, new MalformedItem("Page " + GraphPayload.SafeId(page.Id), property));
            return null;
        }

        var capture = new PageCapture
        {
            PageId = page.Id,
            PageName = fields is { } f && f.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String && name.GetString() is { Length: > 0 } n ? n : page.Name ?? page.Id,
            CapturedAt = capturedAt,
            Followers = Count("followers_count"),
            Fans = Count("fan_count"),
            Posts = posts,
            Insights = Deduplicate(insights),
            InsightsThrough = insightsAt >= 0 ? plan.Insights!.Value.To : null,
            RejectedMetrics = [.. rejected.Distinct(StringComparer.Ordinal)],
            Token = tokenStatus,
            Usage = session.Usage,
            HttpRequests = session.HttpRequests,
            GraphCalls = session.GraphCalls,
            Backfill = plan.Backfill,
            Skipped = skipped,
            PagingStopped = paging.Stopped,
        };
        LogCaptured(logger, page.Id, posts.Count, capture.Insights.Count, session.HttpRequests, session.GraphCalls, session.Usage.MaxPercent);
        return capture;
    }

    /// <summary>
    /// For <c>listening check</c>: the Page fields, <c>debug_token</c> and each configured metric on its own, all in
    /// one batch request, so the answer says exactly which metrics Meta accepts.
    /// </summary>
    public async Task<PageCheckResult> CheckAsync(PageOptions page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        var token = page.AccessToken ?? "";
        var session = new GraphSession(token);
        var yesterday = MetaCalendar.LastCompleteDay(time.GetUtcNow());
        var pageMetrics = _facebook.EffectivePageMetrics;
        var postMetrics = _facebook.EffectivePostMetrics;
        var calls = new List<string>
        {
            graph.Versioned($"{Uri.EscapeDataString(page.Id)}?fields=name,followers_count,fan_count"),
            graph.Versioned("debug_token?input_token=" + Uri.EscapeDataString(token)),
        };
        calls.AddRange(pageMetrics.Select(m => InsightsUrl(page.Id, [m], yesterday, yesterday)));
        calls.AddRange(postMetrics.Select(m => PostMetricProbeUrl(page.Id, m)));
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
        return string.Create(CultureInfo.InvariantCulture, $"throttled by Meta ({code}), try again after {(now + wait).UtcDateTime:yyyy-MM-dd HH:mm} UTC");
    }

    private List<string> Requestable(IReadOnlyList<string> configured, IReadOnlyCollection<string> rejected)
    {
        // A rejected metric whose new name is known is replaced by it, so the series goes on under the new source.
        var list = new List<string>();
        foreach (var metric in configured)
        {
            var candidate = metric;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (rejected.Contains(candidate) && seen.Add(candidate) && _aliases.TryGetValue(candidate, out var next))
            {
                candidate = next;
            }

            if (!rejected.Contains(candidate) && !list.Contains(candidate))
            {
                list.Add(candidate);
            }
        }

        return list;
    }

    /// <summary>
    /// Meta's days [from, to]: values whose <c>end_time</c> lies in (since, until]. A 90-day window across the autumn
    /// clock change is 90 days and an hour long; <c>since</c> moves up by that hour, as Meta allows 90 days at most.
    /// </summary>
    private string InsightsUrl(string pageId, IReadOnlyCollection<string> metrics, DateOnly from, DateOnly to)
    {
        var until = MetaCalendar.EndOf(to);
        var since = MetaCalendar.StartOf(from);
        var longest = TimeSpan.FromDays(MetaCalendar.MaxWindowDays);
        if (until - since > longest)
        {
            since = until - longest;
        }

        return graph.Versioned(string.Create(CultureInfo.InvariantCulture,
            $"{Uri.EscapeDataString(pageId)}/insights?metric={string.Join(',', metrics)}&period=day&since={since.ToUnixTimeSeconds()}&until={until.ToUnixTimeSeconds()}"));
    }

    private string PostsUrl(string pageId, DateTimeOffset since, DateTimeOffset? until, int limit, List<string> postMetrics)
    {
        var fields = postMetrics.Count > 0 ? PostFields + ",insights.metric(" + string.Join(',', postMetrics) + ")" : PostFields;
        return graph.Versioned(string.Create(CultureInfo.InvariantCulture,
            $"{Uri.EscapeDataString(pageId)}/published_posts?limit={limit}&since={since.ToUnixTimeSeconds()}{(until is { } u ? "&until=" + u.ToUnixTimeSeconds() : "")}&fields={Uri.EscapeDataString(fields)}"));
    }

    private string PostMetricProbeUrl(string pageId, string metric) =>
        graph.Versioned($"{Uri.EscapeDataString(pageId)}/published_posts?limit=1&fields={Uri.EscapeDataString("id,insights.metric(" + metric + ")")}");

    /// <summary>Page insights of Meta's days [from, to]; on code 100 finds and drops the rejected metrics, on 1/99 halves the window.</summary>
    private async Task<List<InsightValue>> InsightsAsync(
        GraphSession session, string pageId, List<string> metrics, DateOnly from, DateOnly to, GraphResult first,
        List<string> rejected, List<MalformedItem> skipped, CancellationToken cancellationToken)
    {
        var values = new List<InsightValue>();
        var pending = new List<(List<string> Metrics, DateOnly From, DateOnly To, GraphResult? Result)> { ([.. metrics], from, to, first) };
        while (pending.Count > 0)
        {
            var unanswered = pending.Where(p => p.Result is null).ToList();
            if (unanswered.Count > 0)
            {
                var answers = await graph.BatchAsync(session, [.. unanswered.Select(p => InsightsUrl(pageId, p.Metrics, p.From, p.To))], cancellationToken);
                var k = 0;
                pending = [.. pending.Select(p => p.Result is null ? p with { Result = answers[k++] } : p)];
            }

            var next = new List<(List<string>, DateOnly, DateOnly, GraphResult?)>();
            foreach (var (group, start, end, result) in pending)
            {
                var error = result!.Error;
                if (error is null)
                {
                    var malformed = new List<MalformedItem>();
                    values.AddRange(ParseInsights(result.Body, time.GetUtcNow().AddDays(2), malformed));
                    foreach (var item in malformed)
                    {
                        Skip(skipped, pageId, item);
                    }
                }
                else if (error.IsTokenError || error.IsThrottling)
                {
                    throw error;
                }
                else if (error.IsTooMuchData && end > start)
                {
                    var middle = start.AddDays((end.DayNumber - start.DayNumber) / 2);
                    LogHalvedWindow(logger, pageId, start, end);
                    next.Add((group, start, middle, null));
                    next.Add((group, middle.AddDays(1), end, null));
                }
                else if (IsMetricRejection(error, group))
                {
                    var named = group.Where(m => error.Message.Contains(m, StringComparison.Ordinal)).ToList();
                    List<List<string>> retry;
                    if (named.Count > 0 && named.Count < group.Count)
                    {
                        Reject(named, rejected, pageId, error);
                        retry = [[.. group.Except(named)]];
                    }
                    else if (group.Count == 1)
                    {
                        Reject(group, rejected, pageId, error);
                        retry = [];
                    }
                    else
                    {
                        retry = [group[..(group.Count / 2)], group[(group.Count / 2)..]];
                    }

                    // The new name of a rejected metric continues its series.
                    var successors = group.Where(rejected.Contains)
                        .Select(m => _aliases.GetValueOrDefault(m))
                        .OfType<string>()
                        .Where(s => !metrics.Contains(s) && !rejected.Contains(s))
                        .Distinct(StringComparer.Ordinal)
                        .ToList();
                    foreach (var successor in successors)
                    {
                        retry.Add([successor]);
                    }

                    next.AddRange(retry.Where(g => g.Count > 0).Select(g => (g, start, end, (GraphResult?)null)));
                }
                else
                {
                    throw error;
                }
            }

            pending = next;
        }

        if (rejected.Count > 0 && metrics.All(rejected.Contains))
        {
            LogAllRejected(logger, pageId, metrics.Count);
        }

        return values;
    }

    /// <summary>
    /// Posts created in [since, until), through <c>paging.next</c> to the end, to a link already followed (a
    /// repeating cursor), or to <c>MaxPostPagesPerCycle</c> pages, whichever comes first; <paramref name="paging"/>
    /// says why it stopped early.
    /// </summary>
    private async Task<List<PostObservation>> PostsAsync(
        GraphSession session, string pageId, DateTimeOffset since, DateTimeOffset? until, IReadOnlyList<string> postMetrics, GraphResult first,
        List<string> rejected, List<MalformedItem> skipped, PostPaging paging, CancellationToken cancellationToken)
    {
        var followed = new HashSet<string>(StringComparer.Ordinal);
        var pagesRead = 0;
        var latestCreated = time.GetUtcNow().AddDays(1);
        var posts = new List<PostObservation>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var metrics = postMetrics.ToList();
        var limit = PostPageSize;
        var withInsights = true;
        var result = first;
        string? next = null;

        // The same page again (the first one, or the next one) with the current page size and metrics.
        Task<GraphResult> RepeatAsync() =>
            next is null
                ? graph.CallAsync(session, PostsUrl(pageId, since, until, limit, withInsights ? metrics : []), cancellationToken)
                : graph.NextPageAsync(session, WithLimit(next, limit), cancellationToken);

        while (true)
        {
            var error = result.Error;
            if (error is not null)
            {
                if (error.IsTokenError || error.IsThrottling)
                {
                    throw error;
                }

                if (error.IsInvalidParameter && withInsights && metrics.Count > 0)
                {
                    var found = await ProbePostMetricsAsync(session, pageId, metrics, cancellationToken);
                    foreach (var (metric, problem) in found.Rejected)
                    {
                        Reject([metric], rejected, pageId, problem);
                    }

                    metrics = [.. metrics.Except(found.Rejected.Select(r => r.Metric)).Concat(found.Successors).Distinct(StringComparer.Ordinal)];
                    if (found.Rejected.Count == 0)
                    {
                        // The metrics are fine on their own (a reel in the window, say): read the posts without insights.
                        LogPostsWithoutInsights(logger, pageId, error.Describe());
                        withInsights = false;
                    }

                    result = await RepeatAsync();
                    continue;
                }

                if (error.IsTooMuchData && limit > MinPostPageSize)
                {
                    limit /= 2;
                    LogHalvedPage(logger, pageId, limit);
                    result = await RepeatAsync();
                    continue;
                }

                throw error;
            }

            pagesRead++;
            if (result.Body.ValueKind == JsonValueKind.Object && result.Body.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in data.EnumerateArray())
                {
                    if (!TryParsePost(item, latestCreated, out var post, out var problem))
                    {
                        Skip(skipped, pageId, problem);
                    }
                    else if (seen.Add(post.Id))
                    {
                        posts.Add(post);
                    }
                }
            }

            next = result.Body.ValueKind == JsonValueKind.Object
                && result.Body.TryGetProperty("paging", out var links) && links.ValueKind == JsonValueKind.Object
                && links.TryGetProperty("next", out var n) && n.ValueKind == JsonValueKind.String && n.GetString() is { Length: > 0 } url
                ? WithLimit(url, limit)
                : null;
            if (next is null)
            {
                return posts;
            }

            if (!followed.Add(PagingKey(next)))
            {
                paging.Stopped = string.Create(CultureInfo.InvariantCulture,
                    $"Meta's paging.next of the posts repeated a link after {pagesRead} page(s); stopped there with {posts.Count} posts");
                LogPagingRepeated(logger, pageId, pagesRead, posts.Count);
                return posts;
            }

            if (pagesRead >= _facebook.MaxPostPagesPerCycle)
            {
                paging.Stopped = string.Create(CultureInfo.InvariantCulture,
                    $"the posts were read up to the limit of {pagesRead} page(s) (Listening:Facebook:MaxPostPagesPerCycle) with {posts.Count} posts; older posts of the window were left for now");
                LogPagingLimit(logger, pageId, pagesRead, posts.Count);
                return posts;
            }

            result = await graph.NextPageAsync(session, next, cancellationToken);
        }
    }

    private async Task<(List<(string Metric, GraphApiException Problem)> Rejected, List<string> Successors)> ProbePostMetricsAsync(
        GraphSession session, string pageId, List<string> metrics, CancellationToken cancellationToken)
    {
        var rejected = new List<(string, GraphApiException)>();
        var successors = new List<string>();
        var probe = metrics;
        while (probe.Count > 0)
        {
            var answers = await graph.BatchAsync(session, [.. probe.Select(m => PostMetricProbeUrl(pageId, m))], cancellationToken);
            var nextProbe = new List<string>();
            for (var i = 0; i < probe.Count; i++)
            {
                var error = answers[i].Error;
                if (error is null)
                {
                    if (!metrics.Contains(probe[i]))
                    {
                        successors.Add(probe[i]);
                    }

                    continue;
                }

                if (error.IsTokenError || error.IsThrottling)
                {
                    throw error;
                }

                if (error.IsInvalidParameter)
                {
                    rejected.Add((probe[i], error));
                    if (_aliases.TryGetValue(probe[i], out var successor) && !metrics.Contains(successor) && !successors.Contains(successor))
                    {
                        nextProbe.Add(successor);
                    }
                }
            }

            probe = nextProbe;
        }

        return (rejected, successors);
    }

    /// <summary>A paging link as followed: without token, proof and page size, so a repeated cursor is recognised.</summary>
    private static string PagingKey(string next) =>
        Uri.TryCreate(next, UriKind.Absolute, out var uri) ? WithLimit(GraphClient.WithoutToken(uri).ToString(), 0) : next;

    private void Skip(List<MalformedItem> skipped, string pageId, MalformedItem item)
    {
        skipped.Add(item);
        LogMalformed(logger, pageId, item.Item, item.Field);
    }

    private void Reject(IEnumerable<string> metrics, List<string> rejected, string pageId, GraphApiException error)
    {
        foreach (var metric in metrics)
        {
            if (!rejected.Contains(metric))
            {
                rejected.Add(metric);
                LogRejected(logger, pageId, metric, error.Describe());
            }
        }
    }

    /// <summary>Code 100 about metrics: Meta says "metric", or names one of those asked for.</summary>
    internal static bool IsMetricRejection(GraphApiException error, IReadOnlyCollection<string> metrics) =>
        error.IsInvalidParameter
        && (error.Message.Contains("metric", StringComparison.OrdinalIgnoreCase) || metrics.Any(m => error.Message.Contains(m, StringComparison.Ordinal)));

    /// <summary>
    /// The <c>data</c> of an insights answer: numeric daily values only (breakdowns such as per-country objects are
    /// skipped). A value that is no count or an <c>end_time</c> outside 2004 to <paramref name="latestEnd"/> is
    /// malformed: skipped and added to <paramref name="skipped"/>.
    /// </summary>
    internal static IEnumerable<InsightValue> ParseInsights(JsonElement body, DateTimeOffset? latestEnd = null, List<MalformedItem>? skipped = null)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }

        foreach (var metric in data.EnumerateArray())
        {
            if (metric.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var name = metric.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            var period = metric.TryGetProperty("period", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : "day";
            if (!MetricNames.IsValid(name) || period != "day" || !metric.TryGetProperty("values", out var values) || values.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var value in values.EnumerateArray())
            {
                if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty("value", out var v) || v.ValueKind != JsonValueKind.Number)
                {
                    continue;
                }

                if (!value.TryGetProperty("end_time", out var end) || end.ValueKind != JsonValueKind.String
                    || !GraphPayload.TryTime(end.GetString(), latestEnd ?? DateTimeOffset.MaxValue, out var endTime))
                {
                    skipped?.Add(new MalformedItem("insight " + name, "end_time"));
                    continue;
                }

                if (!GraphPayload.TryCount(v, out var number))
                {
                    skipped?.Add(new MalformedItem("insight " + name, "value"));
                    continue;
                }

                yield return new InsightValue { Metric = name!, EndTime = endTime.ToUniversalTime(), Value = number };
            }
        }
    }

    /// <summary>A post Meta sent as expected; throws <see cref="FormatException"/> naming the malformed field otherwise.</summary>
    internal static PostObservation ParsePost(JsonElement post) =>
        TryParsePost(post, DateTimeOffset.MaxValue, out var parsed, out var problem) ? parsed : throw new FormatException(problem!.ToString());

    /// <summary>
    /// One post of <c>published_posts</c>. A post without a usable id or <c>created_time</c>, with a creation time
    /// after <paramref name="latestCreated"/>, or with a count that is no count (<see cref="GraphPayload.TryCount"/>)
    /// is malformed: false, and <paramref name="problem"/> names the post and the field.
    /// </summary>
    internal static bool TryParsePost(
        JsonElement post, DateTimeOffset latestCreated,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PostObservation? parsed,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out MalformedItem? problem)
    {
        parsed = null;
        problem = null;
        if (post.ValueKind != JsonValueKind.Object)
        {
            problem = new MalformedItem("a post", "the post itself");
            return false;
        }

        var id = post.TryGetProperty("id", out var idValue) && idValue.ValueKind == JsonValueKind.String ? idValue.GetString() : null;
        var item = "post " + GraphPayload.SafeId(id);
        if (string.IsNullOrEmpty(id) || GraphPayload.SafeId(id) != id)
        {
            problem = new MalformedItem(item, "id");
            return false;
        }

        if (!post.TryGetProperty("created_time", out var created) || created.ValueKind != JsonValueKind.String
            || !GraphPayload.TryTime(created.GetString(), latestCreated, out var createdTime))
        {
            problem = new MalformedItem(item, "created_time");
            return false;
        }

        string? bad = null;
        long Summary(string property)
        {
            if (!post.TryGetProperty(property, out var edge) || edge.ValueKind == JsonValueKind.Null)
            {
                return 0;
            }

            if (edge.ValueKind == JsonValueKind.Object && edge.TryGetProperty("summary", out var s) && s.ValueKind == JsonValueKind.Object
                && s.TryGetProperty("total_count", out var c) && GraphPayload.TryCount(c, out var count))
            {
                return count;
            }

            bad ??= property;
            return 0;
        }

        Dictionary<string, long>? metrics = null;
        if (post.TryGetProperty("insights", out var insights) && insights.ValueKind == JsonValueKind.Object
            && insights.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
        {
            foreach (var metric in data.EnumerateArray())
            {
                if (metric.ValueKind == JsonValueKind.Object
                    && metric.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String && MetricNames.IsValid(name.GetString())
                    && metric.TryGetProperty("values", out var values) && values.ValueKind == JsonValueKind.Array && values.GetArrayLength() > 0
                    && values[0].ValueKind == JsonValueKind.Object && values[0].TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Number)
                {
                    if (GraphPayload.TryCount(value, out var count))
                    {
                        metrics ??= new Dictionary<string, long>(StringComparer.Ordinal);
                        metrics[name.GetString()!] = count;
                    }
                    else
                    {
                        bad ??= "insights " + name.GetString();
                    }
                }
            }
        }

        // Meta leaves "shares" out when nobody shared the post.
        long shares = 0;
        if (post.TryGetProperty("shares", out var sh) && sh.ValueKind != JsonValueKind.Null
            && !(sh.ValueKind == JsonValueKind.Object && sh.TryGetProperty("count", out var sc) && GraphPayload.TryCount(sc, out shares)))
        {
            bad ??= "shares";
        }

        var observation = new PostObservation
        {
            Id = id,
            CreatedTime = createdTime,
            Permalink = post.TryGetProperty("permalink_url", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null,
            Message = post.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null,
            Comments = Summary("comments"),
            Shares = shares,
            Reactions = new ReactionCounts
            {
                Like = Summary("reactions_like"),
                Love = Summary("reactions_love"),
                Care = Summary("reactions_care"),
                Haha = Summary("reactions_haha"),
                Wow = Summary("reactions_wow"),
                Sad = Summary("reactions_sad"),
                Angry = Summary("reactions_angry"),
            },
            Metrics = metrics,
        };

        if (bad is not null)
        {
            // Counters are cumulative: a zero in place of a garbage value would read as a drop, so the post waits.
            problem = new MalformedItem(item, bad);
            return false;
        }

        parsed = observation;
        return true;
    }

    /// <summary>A paging link with its <c>limit</c> set to the current page size.</summary>
    internal static string WithLimit(string url, int limit)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return url;
        }

        var parts = uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !p.StartsWith("limit=", StringComparison.Ordinal))
            .Append("limit=" + limit.ToString(CultureInfo.InvariantCulture));
        return new UriBuilder(uri) { Query = string.Join('&', parts) }.Uri.ToString();
    }

    /// <summary>One value per metric and day: a window split in halves can overlap at its edges.</summary>
    private static List<InsightValue> Deduplicate(List<InsightValue> values) =>
        [.. values.GroupBy(v => (v.Metric, v.EndTime)).Select(g => g.MaxBy(v => v.Value)!).OrderBy(v => v.EndTime).ThenBy(v => v.Metric, StringComparer.Ordinal)];

    [LoggerMessage(Level = LogLevel.Information, Message = "Read page {PageId}: {Posts} posts, {InsightValues} insight values in {HttpRequests} HTTP requests ({GraphCalls} Graph calls), usage {UsagePercent} %")]
    private static partial void LogCaptured(ILogger logger, string pageId, int posts, int insightValues, int httpRequests, int graphCalls, int usagePercent);

    [LoggerMessage(Level = LogLevel.Warning, Message = "debug_token failed for page {PageId} ({Problem}); the pull goes on without it")]
    private static partial void LogTokenCheckFailed(ILogger logger, string pageId, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Meta rejected metric {Metric} for page {PageId} ({Problem}); carrying on without it")]
    private static partial void LogRejected(ILogger logger, string pageId, string metric, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Meta rejected every configured Page metric ({Count}) for page {PageId}: check Listening:Facebook:PageMetrics")]
    private static partial void LogAllRejected(ILogger logger, string pageId, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Meta asked for less data: insights window {From} to {To} of page {PageId} is read in halves")]
    private static partial void LogHalvedWindow(ILogger logger, string pageId, DateOnly from, DateOnly to);

    [LoggerMessage(Level = LogLevel.Information, Message = "Meta asked for less data: posts of page {PageId} are read {Limit} per page")]
    private static partial void LogHalvedPage(ILogger logger, string pageId, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped a malformed item of page {PageId}: {Item}, field {Field} missing or out of range; the rest of the Page goes on")]
    private static partial void LogMalformed(ILogger logger, string pageId, string item, string field);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Paging of the posts of page {PageId} repeated a link after {Pages} pages; stopped with {Posts} posts")]
    private static partial void LogPagingRepeated(ILogger logger, string pageId, int pages, int posts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Paging of the posts of page {PageId} stopped at the limit of {Pages} pages (Listening:Facebook:MaxPostPagesPerCycle) with {Posts} posts")]
    private static partial void LogPagingLimit(ILogger logger, string pageId, int pages, int posts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Posts of page {PageId} failed with their insights although each metric works alone ({Problem}); reading them without post insights this time")]
    private static partial void LogPostsWithoutInsights(ILogger logger, string pageId, string problem);
}

/// <summary>Why the paging of posts stopped before its end, if it did.</summary>
internal sealed class PostPaging
{
    public string? Stopped { get; set; }
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
