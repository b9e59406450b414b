using System.Text.Json;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Listening.Core.Meta;

/// <summary>
/// Reads a Page through the Graph API with as few requests as possible: one batch request carries the Page
/// fields, Meta's daily insights for the days that may still change, the first 100 posts of the look-back window
/// (all reaction types, comments, shares, post insights and the comments since the last pull in field expansions, never a request per post) and,
/// once a day, <c>debug_token</c>; the insights (<see cref="PageInsightsReader"/>) and the further posts
/// (<see cref="PostPager"/>) follow from there. A token error or throttling anywhere ends the pull: the result
/// says which (<see cref="PullResult"/>), and the puller records it.
/// </summary>
public sealed partial class GraphPageSource(
    GraphClient graph,
    GraphRequests requests,
    PageInsightsReader insightsReader,
    PostPager postPager,
    InstagramReader instagramReader,
    IOptions<ListeningOptions> options,
    TimeProvider time,
    ILogger<GraphPageSource> logger) : IPageSource
{
    public const string HttpClientName = GraphClient.HttpClientName;

    private readonly FacebookOptions _facebook = options.Value.Facebook;
    private readonly IReadOnlyDictionary<string, string> _aliases = options.Value.Facebook.EffectiveAliases;

    public async Task<PullResult> CaptureAsync(PageOptions page, PullPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(plan);
        var token = page.AccessToken is { Length: > 0 } t ? t : throw new InvalidOperationException($"Page {page.Id} has no access token (Listening:Pages:N:AccessToken).");
        try
        {
            return new PullResult.Ok(await CaptureAsync(page, token, plan, cancellationToken));
        }
        catch (GraphApiException ex)
        {
            return PullResult.Of(ex);
        }
    }

    private async Task<PageCapture> CaptureAsync(PageOptions page, string token, PullPlan plan, CancellationToken cancellationToken)
    {
        var session = new GraphSession(token);
        var capturedAt = time.GetUtcNow();
        var findings = new CaptureFindings(page.Id, logger);
        var pageMetrics = Requestable(_facebook.EffectivePageMetrics, plan.RejectedMetrics);
        var postMetrics = Requestable(_facebook.EffectivePostMetrics, plan.RejectedMetrics);
        var postsSince = plan.PostsSince ?? capturedAt.AddDays(-_facebook.PostLookbackDays);
        var postsUntil = plan.PostsUntil;

        var calls = new List<string>();
        int Add(bool wanted, Func<string> url)
        {
            if (!wanted)
            {
                return -1;
            }

            calls.Add(url());
            return calls.Count - 1;
        }

        var fieldsAt = Add(plan.PageFields, () => requests.PageFields(page.Id));
        var insightsAt = Add(plan.Insights is not null && pageMetrics.Count > 0, () => requests.Insights(page.Id, pageMetrics, plan.Insights!.Value.From, plan.Insights!.Value.To));
        var postsAt = Add(plan.Posts, () => requests.Posts(page.Id, postsSince, postsUntil, GraphRequests.PostPageSize, postMetrics, plan.CommentsSince));
        var tokenAt = Add(plan.CheckToken, () => requests.DebugToken(token));
        var altTextsAt = Add(plan.Posts && !plan.Backfill, () => requests.PhotoAltTexts(page.Id, postsSince));
        var instagramAt = Add(plan.Instagram, () => instagramReader.LinkedAccount(page.Id));
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
                findings.Skip(new MalformedItem("debug_token", field));
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
            insights.AddRange(await insightsReader.ReadAsync(session, pageMetrics, from, to, results[insightsAt], findings, cancellationToken));
        }

        var posts = postsAt >= 0
            ? await postPager.ReadAsync(session, postsSince, postsUntil, postMetrics, results[postsAt], findings, cancellationToken, plan.CommentsSince)
            : new PostPages([], [], null);
        // Instagram after Facebook: whatever goes wrong with it leaves the Page's data as read.
        var instagram = instagramAt >= 0
            ? await instagramReader.ReadAsync(session, results[instagramAt], plan, postsSince, findings, cancellationToken)
            : null;
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

            findings.Skip(new MalformedItem("Page " + GraphPayload.SafeId(page.Id), property));
            return null;
        }

        var altTexts = altTextsAt >= 0 ? PhotoAltTexts.Parse(results[altTextsAt]) : null;
        if (altTextsAt >= 0 && altTexts is null)
        {
            LogAltTextsUnknown(logger, page.Id, results[altTextsAt].Error?.Describe() ?? "unexpected answer");
        }

        var capture = new PageCapture
        {
            PageId = page.Id,
            PageName = fields is { } f && f.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String && name.GetString() is { Length: > 0 } n ? n : page.Name ?? page.Id,
            CapturedAt = capturedAt,
            Followers = Count("followers_count"),
            Fans = Count("fan_count"),
            Posts = [.. posts.Posts.Select(p => PhotoAltTexts.Apply(p, altTexts))],
            Insights = Deduplicate(insights),
            InsightsThrough = insightsAt >= 0 ? plan.Insights!.Value.To : null,
            RejectedMetrics = [.. findings.Rejected.Distinct(StringComparer.Ordinal)],
            Token = tokenStatus,
            Usage = session.Usage,
            HttpRequests = session.HttpRequests,
            GraphCalls = session.GraphCalls,
            Backfill = plan.Backfill,
            Skipped = [.. findings.Skipped],
            PagingStopped = posts.Stopped,
            Instagram = instagram?.Account,
            InstagramNote = instagram?.Note,
            Comments = posts.Comments,
        };
        LogCaptured(logger, page.Id, posts.Posts.Count, capture.Insights.Count, session.HttpRequests, session.GraphCalls, session.Usage.MaxPercent);
        return capture;
    }

    private List<string> Requestable(IReadOnlyList<string> configured, IReadOnlyCollection<string> rejected) =>
        MetricSelection.Requestable(configured, rejected.Contains, _aliases);

    /// <summary>One value per metric and day: a window split in halves can overlap at its edges.</summary>
    private static List<InsightValue> Deduplicate(List<InsightValue> values) =>
        [.. values.GroupBy(v => (v.Metric, v.EndTime)).Select(g => g.MaxBy(v => v.Value)!).OrderBy(v => v.EndTime).ThenBy(v => v.Metric, StringComparer.Ordinal)];

    [LoggerMessage(Level = LogLevel.Information, Message = "Read page {PageId}: {Posts} posts, {InsightValues} insight values in {HttpRequests} HTTP requests ({GraphCalls} Graph calls), usage {UsagePercent} %")]
    private static partial void LogCaptured(ILogger logger, string pageId, int posts, int insightValues, int httpRequests, int graphCalls, int usagePercent);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The alternative texts of page {PageId}'s photos could not be read ({Problem}); the posts' images count as not told")]
    private static partial void LogAltTextsUnknown(ILogger logger, string pageId, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "debug_token failed for page {PageId} ({Problem}); the pull goes on without it")]
    private static partial void LogTokenCheckFailed(ILogger logger, string pageId, string problem);
}
