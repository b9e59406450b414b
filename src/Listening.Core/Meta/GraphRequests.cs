using System.Globalization;
using Listening.Core.Configuration;
using Microsoft.Extensions.Options;

namespace Listening.Core.Meta;

/// <summary>
/// The relative URLs of the Graph calls a pull and <c>listening check</c> make, with the configured API version in
/// front: Page fields, <c>debug_token</c>, Page insights of Meta's days, published posts with their reactions,
/// comments, shares and insights, and the probe of one post metric. The token never goes into a URL built here
/// except as <c>input_token</c> of <c>debug_token</c>, which travels inside the batch body.
/// </summary>
public sealed class GraphRequests(IOptions<ListeningOptions> options)
{
    /// <summary>Posts per page: Meta's maximum.</summary>
    public const int PostPageSize = 100;

    internal static readonly string[] ReactionTypes = ["LIKE", "LOVE", "CARE", "HAHA", "WOW", "SAD", "ANGRY"];

    private readonly string _apiVersion = options.Value.Facebook.ApiVersion;

    public static string PostFields { get; } = string.Join(',',
        new[] { "id", "created_time", "message", "permalink_url", "shares", "comments.limit(0).summary(true)", PostAttachments.Field }
            .Concat(ReactionTypes.Select(t => $"reactions.type({t}).limit(0).summary(total_count).as(reactions_{t.ToLowerInvariant()})")));

    /// <summary>The relative URL of a call, with the configured API version in front.</summary>
    public string Versioned(string pathAndQuery) => _apiVersion + "/" + pathAndQuery.TrimStart('/');

    public string PageFields(string pageId) => Versioned($"{Uri.EscapeDataString(pageId)}?fields=name,followers_count,fan_count");

    public string DebugToken(string token) => Versioned("debug_token?input_token=" + Uri.EscapeDataString(token));

    /// <summary>
    /// Meta's days [from, to]: values whose <c>end_time</c> lies in (since, until]. A 90-day window across the autumn
    /// clock change is 90 days and an hour long; <c>since</c> moves up by that hour, as Meta allows 90 days at most.
    /// </summary>
    public string Insights(string pageId, IReadOnlyCollection<string> metrics, DateOnly from, DateOnly to)
    {
        var until = MetaCalendar.EndOf(to);
        var since = MetaCalendar.StartOf(from);
        var longest = TimeSpan.FromDays(MetaCalendar.MaxWindowDays);
        if (until - since > longest)
        {
            since = until - longest;
        }

        return Versioned(string.Create(CultureInfo.InvariantCulture,
            $"{Uri.EscapeDataString(pageId)}/insights?metric={string.Join(',', metrics)}&period=day&since={since.ToUnixTimeSeconds()}&until={until.ToUnixTimeSeconds()}"));
    }

    /// <summary>New comments per post and cycle in the field expansion; a post with more gets its comments' own paging.</summary>
    public const int CommentPageSize = 100;

    /// <summary>The alias of the comments expansion (the plain <c>comments</c> field carries the count).</summary>
    public const string NewCommentsField = "new_comments";

    /// <summary>
    /// The comments created since <paramref name="since"/> on each post, as a field expansion of the posts (no request
    /// per post): every comment and reply (<c>filter(stream)</c>), newest first, with the parent (a reply) and the
    /// author's id only (to tell the Page's own replies; it goes no further than the parser).
    /// </summary>
    public static string NewComments(DateTimeOffset since) => string.Create(CultureInfo.InvariantCulture,
        $"comments.filter(stream).order(reverse_chronological).since({since.ToUnixTimeSeconds()}).limit({CommentPageSize}).as({NewCommentsField}){{id,created_time,message,from{{id}},parent{{id}}}}");

    /// <summary>
    /// Posts created in [since, until), <paramref name="limit"/> per page, with the post metrics as insights (none when
    /// empty) and, when <paramref name="commentsSince"/> is given, the comments created since then (<see cref="NewComments"/>).
    /// </summary>
    public string Posts(string pageId, DateTimeOffset since, DateTimeOffset? until, int limit, IReadOnlyCollection<string> postMetrics, DateTimeOffset? commentsSince = null)
    {
        var fields = postMetrics.Count > 0 ? PostFields + ",insights.metric(" + string.Join(',', postMetrics) + ")" : PostFields;
        if (commentsSince is { } c)
        {
            fields += "," + NewComments(c);
        }

        return Versioned(string.Create(CultureInfo.InvariantCulture,
            $"{Uri.EscapeDataString(pageId)}/published_posts?limit={limit}&since={since.ToUnixTimeSeconds()}{(until is { } u ? "&until=" + u.ToUnixTimeSeconds() : "")}&fields={Uri.EscapeDataString(fields)}"));
    }

    /// <summary>
    /// The Page's own photos uploaded since <paramref name="since"/> with their written alternative text
    /// (<c>alt_text_custom</c>): one call beside the posts tells which of their images have one (no call per post).
    /// </summary>
    public string PhotoAltTexts(string pageId, DateTimeOffset since) =>
        Versioned(string.Create(CultureInfo.InvariantCulture,
            $"{Uri.EscapeDataString(pageId)}/photos?type=uploaded&limit={PostPageSize}&since={since.ToUnixTimeSeconds()}&fields=id,alt_text_custom"));

    /// <summary>The apps the Page sends webhook events to, with their fields (GET), or subscribing this app to <c>feed</c> (POST).</summary>
    public string SubscribedApps(string pageId) => Versioned($"{Uri.EscapeDataString(pageId)}/subscribed_apps");

    public string SubscribeFeed(string pageId) => Versioned($"{Uri.EscapeDataString(pageId)}/subscribed_apps?subscribed_fields=feed");

    /// <summary>One post with one metric: whether Meta serves that post metric.</summary>
    public string PostMetricProbe(string pageId, string metric) =>
        Versioned($"{Uri.EscapeDataString(pageId)}/published_posts?limit=1&fields={Uri.EscapeDataString("id,insights.metric(" + metric + ")")}");

    /// <summary>A paging link with its <c>limit</c> set to the current page size.</summary>
    public static string WithLimit(string url, int limit)
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

    /// <summary>A paging link as followed: without token, proof and page size, so a repeated cursor is recognised.</summary>
    public static string PagingKey(string next) =>
        Uri.TryCreate(next, UriKind.Absolute, out var uri) ? WithLimit(GraphClient.WithoutToken(uri).ToString(), 0) : next;
}
