using System.Globalization;
using System.Text.Json;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Listening.Core.Meta;

/// <summary>
/// The posts of a window, page by page through <c>paging.next</c>: to the end, to a link already followed (a
/// repeating cursor), or to <c>MaxPostPagesPerCycle</c> pages, whichever comes first. When Meta rejects the posts
/// with their insights (code 100) each post metric is probed alone; the rejected ones are dropped (an alias asked
/// for instead), and when none is rejected the posts are read without insights this time. When Meta asks for less
/// data (code 1, subcode 99) the page size is halved. Token errors, throttling and other errors end the read with
/// the <see cref="GraphApiException"/>.
/// </summary>
public sealed partial class PostPager(GraphClient graph, GraphRequests requests, IOptions<ListeningOptions> options, TimeProvider time, ILogger<PostPager> logger)
{
    /// <summary>Below this page size, halving stops and the error stands.</summary>
    public const int MinPostPageSize = 5;

    /// <summary>
    /// Further pages of one post's new comments (100 each) a pull follows: only a post with more than 100 comments
    /// since the last pull costs requests of its own.
    /// </summary>
    public const int MaxCommentPagesPerPost = 10;

    private readonly FacebookOptions _facebook = options.Value.Facebook;
    private readonly IReadOnlyDictionary<string, string> _aliases = options.Value.Facebook.EffectiveAliases;

    /// <summary>
    /// Posts created in [since, until), and the comments created since <paramref name="commentsSince"/> on them (when
    /// given); <paramref name="first"/> is the first page, already asked in the pull's batch.
    /// </summary>
    internal async Task<PostPages> ReadAsync(
        GraphSession session, DateTimeOffset since, DateTimeOffset? until, IReadOnlyList<string> postMetrics, GraphResult first,
        CaptureFindings findings, CancellationToken cancellationToken, DateTimeOffset? commentsSince = null)
    {
        var pageId = findings.PageId;
        var followed = new HashSet<string>(StringComparer.Ordinal);
        var pagesRead = 0;
        var latestCreated = time.GetUtcNow().AddDays(1);
        var posts = new List<PostObservation>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var metrics = postMetrics.ToList();
        var limit = GraphRequests.PostPageSize;
        var withInsights = true;
        var comments = new List<CommentEvent>();
        var commentIds = new HashSet<string>(StringComparer.Ordinal);
        var capturedAt = time.GetUtcNow();
        var result = first;
        string? next = null;

        // The same page again (the first one, or the next one) with the current page size, metrics and comments.
        Task<GraphResult> RepeatAsync() =>
            next is null
                ? graph.CallAsync(session, requests.Posts(pageId, since, until, limit, withInsights ? metrics : [], commentsSince), cancellationToken)
                : graph.NextPageAsync(session, GraphRequests.WithLimit(next, limit), cancellationToken);

        while (true)
        {
            var error = result.Error;
            if (error is not null)
            {
                if (error.IsTokenError || error.IsThrottling)
                {
                    throw error;
                }

                if (commentsSince is not null && error.IsPermissionError)
                {
                    // Without pages_read_user_content the comments cannot be read; the posts still can.
                    LogCommentsNotReadable(logger, pageId, error.Describe());
                    commentsSince = null;
                    next = null;
                    result = await RepeatAsync();
                    continue;
                }

                if (error.IsInvalidParameter && withInsights && metrics.Count > 0)
                {
                    var found = await ProbeAsync(session, pageId, metrics, cancellationToken);
                    foreach (var (metric, problem) in found.Rejected)
                    {
                        findings.Reject([metric], problem);
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
                    if (!GraphPayload.TryParsePost(item, latestCreated, out var post, out var problem))
                    {
                        findings.Skip(problem);
                    }
                    else if (seen.Add(post.Id))
                    {
                        posts.Add(post);
                        if (commentsSince is { } c && item.TryGetProperty(GraphRequests.NewCommentsField, out var edge))
                        {
                            await ReadCommentsAsync(session, edge, post.Id, c, capturedAt, findings, comments, commentIds, cancellationToken);
                        }
                    }
                }
            }

            next = result.Body.ValueKind == JsonValueKind.Object
                && result.Body.TryGetProperty("paging", out var links) && links.ValueKind == JsonValueKind.Object
                && links.TryGetProperty("next", out var n) && n.ValueKind == JsonValueKind.String && n.GetString() is { Length: > 0 } url
                ? GraphRequests.WithLimit(url, limit)
                : null;
            if (next is null)
            {
                return new PostPages(posts, comments, null);
            }

            if (!followed.Add(GraphRequests.PagingKey(next)))
            {
                LogPagingRepeated(logger, pageId, pagesRead, posts.Count);
                return new PostPages(posts, comments, string.Create(CultureInfo.InvariantCulture,
                    $"Meta's paging.next of the posts repeated a link after {pagesRead} page(s); stopped there with {posts.Count} posts"));
            }

            if (pagesRead >= _facebook.MaxPostPagesPerCycle)
            {
                LogPagingLimit(logger, pageId, pagesRead, posts.Count);
                return new PostPages(posts, comments, string.Create(CultureInfo.InvariantCulture,
                    $"the posts were read up to the limit of {pagesRead} page(s) (Listening:Facebook:MaxPostPagesPerCycle) with {posts.Count} posts; older posts of the window were left for now"));
            }

            result = await graph.NextPageAsync(session, next, cancellationToken);
        }
    }

    /// <summary>One post's new comments: the page in the post's answer, then its paging (rare: over 100 since the last pull).</summary>
    private async Task ReadCommentsAsync(
        GraphSession session, JsonElement edge, string postId, DateTimeOffset since, DateTimeOffset capturedAt, CaptureFindings findings,
        List<CommentEvent> comments, HashSet<string> commentIds, CancellationToken cancellationToken)
    {
        if (!MessageCodec.IsEventId(postId))
        {
            return;
        }

        var followed = new HashSet<string>(StringComparer.Ordinal);
        var (events, next) = PostComments.Read(edge, findings.PageId, postId, since, capturedAt, findings);
        comments.AddRange(events.Where(e => commentIds.Add(e.CommentId)));
        var pages = 0;
        while (next is not null && followed.Add(GraphRequests.PagingKey(next)))
        {
            if (++pages > MaxCommentPagesPerPost)
            {
                LogCommentPagingLimit(logger, findings.PageId, postId, MaxCommentPagesPerPost);
                return;
            }

            var page = await graph.NextPageAsync(session, next, cancellationToken);
            if (page.Error is { } error)
            {
                if (error.IsTokenError || error.IsThrottling)
                {
                    throw error;
                }

                // The post's other comments come with the next pull (its since is this pull's, so they are older: the webhook has them).
                LogCommentPageFailed(logger, findings.PageId, postId, error.Describe());
                return;
            }

            (events, next) = PostComments.Read(page.Body, findings.PageId, postId, since, capturedAt, findings);
            comments.AddRange(events.Where(e => commentIds.Add(e.CommentId)));
        }
    }

    /// <summary>Each metric alone on one post: which Meta rejects, and which new names (aliases) it accepts instead.</summary>
    private async Task<(List<(string Metric, GraphApiException Problem)> Rejected, List<string> Successors)> ProbeAsync(
        GraphSession session, string pageId, List<string> metrics, CancellationToken cancellationToken)
    {
        var rejected = new List<(string, GraphApiException)>();
        var successors = new List<string>();
        var probe = metrics;
        while (probe.Count > 0)
        {
            var answers = await graph.BatchAsync(session, [.. probe.Select(m => requests.PostMetricProbe(pageId, m))], cancellationToken);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Meta asked for less data: posts of page {PageId} are read {Limit} per page")]
    private static partial void LogHalvedPage(ILogger logger, string pageId, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Paging of the posts of page {PageId} repeated a link after {Pages} pages; stopped with {Posts} posts")]
    private static partial void LogPagingRepeated(ILogger logger, string pageId, int pages, int posts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Paging of the posts of page {PageId} stopped at the limit of {Pages} pages (Listening:Facebook:MaxPostPagesPerCycle) with {Posts} posts")]
    private static partial void LogPagingLimit(ILogger logger, string pageId, int pages, int posts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Comments of page {PageId} cannot be read ({Problem}); the posts are read without them (needs pages_read_user_content)")]
    private static partial void LogCommentsNotReadable(ILogger logger, string pageId, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "New comments of post {PostId} of page {PageId} were read up to {Pages} further pages; the rest is left to the webhook")]
    private static partial void LogCommentPagingLimit(ILogger logger, string pageId, string postId, int pages);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A further page of the new comments of post {PostId} of page {PageId} failed ({Problem}); the rest is left to the webhook")]
    private static partial void LogCommentPageFailed(ILogger logger, string pageId, string postId, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Posts of page {PageId} failed with their insights although each metric works alone ({Problem}); reading them without post insights this time")]
    private static partial void LogPostsWithoutInsights(ILogger logger, string pageId, string problem);
}

/// <summary>The posts read, the new comments on them, and why the paging stopped before its end (a repeated cursor, the page limit), if it did.</summary>
internal sealed record PostPages(List<PostObservation> Posts, List<CommentEvent> Comments, string? Stopped);
