using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Listening.IntegrationTests.Infrastructure;

/// <summary>
/// The Graph API as a real HTTP server on 127.0.0.1, answering like the real one (FACTS.md):
/// <list type="bullet">
/// <item>batch requests (<c>POST /</c> with a form field <c>batch=[{"method","relative_url"}]</c>, at most 50):
/// an array of <c>{code, body}</c> where <c>body</c> is a JSON string, <c>null</c> for calls Meta did not finish;</item>
/// <item>Page fields; <c>published_posts</c> with field expansions (reactions by type, comments, <c>shares</c> left out
/// when zero, <c>insights.metric(...)</c>), <c>since</c>/<c>until</c>, <c>limit</c> and cursor paging whose
/// <c>paging.next</c> is absolute and carries the access token;</item>
/// <item><c>/insights?metric=...&amp;period=day&amp;since=&amp;until=</c> with <c>end_time</c> at Pacific midnight
/// (07:00 or 08:00 UTC), where one unknown metric fails the whole call with #100, and at most 90 days;</item>
/// <item><c>debug_token</c>; <c>appsecret_proof</c> checked when <see cref="AppSecret"/> is set; usage headers;</item>
/// <item>scripted faults for whole requests (<see cref="Faults"/>) and for single calls (<see cref="CallFaults"/>).</item>
/// </list>
/// </summary>
public sealed partial class FakeGraphApi : IAsyncDisposable
{
    private static readonly TimeZoneInfo Pacific = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");
    private readonly FakeServer _server;
    private int _graphCalls;

    private FakeGraphApi(FakeServer server)
    {
        _server = server;
        server.Handler = HandleAsync;
    }

    public string PageId { get; set; } = "104857600000001";

    public string PageName { get; set; } = "Kreis Soest";

    public long Followers { get; set; } = 998;

    public long Fans { get; set; } = 950;

    /// <summary>Posts per page at most (Meta: 100); the request's <c>limit</c> can make it smaller.</summary>
    public int PageSize { get; set; } = 2;

    public List<FakePost> Posts { get; } = [];

    /// <summary>The Page's uploaded photos (<c>/{page-id}/photos</c>): id → <c>alt_text_custom</c> (null: none written).</summary>
    public Dictionary<string, string?> Photos { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// While above 0, each posts answer carries the same <c>paging.next</c> (to the second page), even at the end,
    /// and counts it down: the repeating link that once made 36,836 requests in a minute.
    /// </summary>
    public int RepeatNextLinkTimes { get; set; }

    /// <summary>When set, every request gets this Graph error (status, code, subcode, message).</summary>
    public (int Status, int Code, int? Subcode, string Message)? Error { get; set; }

    /// <summary>Tokens Meta refuses (code 190, subcode 467): a request with one fails as a whole.</summary>
    public HashSet<string> InvalidTokens { get; } = new(StringComparer.Ordinal);

    /// <summary>Metrics Meta no longer serves: asking for one fails the whole call with #100.</summary>
    public HashSet<string> RetiredMetrics { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether the #100 message names the metric (some do); by default it says only "a valid insights metric".</summary>
    public bool NameRetiredMetric { get; set; }

    /// <summary>An insights window longer than this many days answers code 1 subcode 99 ("reduce the amount of data").</summary>
    public int TooMuchDataAboveDays { get; set; } = int.MaxValue;

    /// <summary>A posts page larger than this answers code 1 subcode 99.</summary>
    public int TooMuchDataAbovePostLimit { get; set; } = int.MaxValue;

    /// <summary>The fields the Page sends to this app's webhook (<c>subscribed_apps</c>); empty: not subscribed.</summary>
    public List<string> SubscribedFields { get; } = [];

    /// <summary>The token lacks <c>pages_manage_metadata</c>: subscribing fails with code 200.</summary>
    public bool SubscribeDenied { get; set; }

    /// <summary>The token lacks <c>pages_read_user_content</c>: a posts call that asks for comments fails with code 10.</summary>
    public bool CommentsPermissionDenied { get; set; }

    /// <summary>The value Meta reports for a metric on a Meta date (complete day).</summary>
    public Func<string, DateOnly, long> InsightValue { get; set; } = static (metric, date) =>
        (Math.Abs(StringComparer.Ordinal.GetHashCode(metric) % 1000) * 10) + date.DayNumber % 97;

    /// <summary>The fake's clock: a day not over at this time is reported with a partial value.</summary>
    public Func<DateTimeOffset> Now { get; set; } = static () => DateTimeOffset.UtcNow;

    /// <summary>What debug_token says about the token.</summary>
    public JsonObject TokenData { get; set; } = new()
    {
        ["app_id"] = "123456789012345",
        ["type"] = "PAGE",
        ["application"] = "Listening Kreis",
        ["data_access_expires_at"] = 1_800_000_000,
        ["expires_at"] = 0,
        ["is_valid"] = true,
        ["issued_at"] = 1_760_000_000,
        ["profile_id"] = "104857600000001",
        ["scopes"] = new JsonArray("pages_show_list", "pages_read_engagement", "read_insights"),
        ["user_id"] = "10160000000000001",
    };

    /// <summary>When set, every request must carry <c>appsecret_proof</c> = HMAC-SHA256(token, secret).</summary>
    public string? AppSecret { get; set; }

    /// <summary>Headers sent with every answer (X-App-Usage, X-Page-Usage, X-Business-Use-Case-Usage).</summary>
    public ConcurrentDictionary<string, string> UsageHeaders { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Faults for the next whole HTTP requests, in order.</summary>
    public ConcurrentQueue<FakeFault> Faults { get; } = new();

    /// <summary>Faults for the next single calls whose path contains the key (batch items or paging GETs).</summary>
    public ConcurrentQueue<(string PathContains, FakeFault Fault)> CallFaults { get; } = new();

    public Uri BaseUri => _server.BaseUri;

    public IReadOnlyCollection<RecordedRequest> Requests => _server.Requests;

    /// <summary>Graph calls answered: each call of a batch counts, as it does at Meta.</summary>
    public int GraphCalls => Volatile.Read(ref _graphCalls);

    /// <summary>The relative URLs of every batch call so far, and the paths of GETs.</summary>
    public ConcurrentQueue<string> Calls { get; } = new();

    public static async Task<FakeGraphApi> StartAsync() => new(await FakeServer.StartAsync());

    public static FakeFault GraphError(int status, int code, int? subcode, string message) => new() { Status = status, Code = code, Subcode = subcode, Message = message };

    public static string Pacific8(DateOnly metaDate) => EndOf(metaDate).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'+0000'", CultureInfo.InvariantCulture);

    /// <summary>End of Meta's day <paramref name="metaDate"/>: Pacific midnight.</summary>
    public static DateTimeOffset EndOf(DateOnly metaDate)
    {
        var local = metaDate.AddDays(1).ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, Pacific.GetUtcOffset(local)).ToUniversalTime();
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    /// <summary>Further Pages the fake answers for (Page fields, insights and the same posts), e.g. registered ones.</summary>
    public HashSet<string> OtherPageIds { get; } = new(StringComparer.Ordinal);

    private bool IsPage(string id) => id == PageId || OtherPageIds.Contains(id);

    /// <summary>When set, how many of <see cref="Posts"/> (newest first) a Page has, by Page id.</summary>
    public Func<string, int>? PostCountFor { get; set; }

    private async Task HandleAsync(HttpContext context, RecordedRequest request)
    {
        context.Response.ContentType = "application/json; charset=UTF-8";
        foreach (var (name, value) in UsageHeaders)
        {
            context.Response.Headers[name] = value;
        }

        var token = context.Request.Headers.Authorization.ToString().Replace("Bearer ", "", StringComparison.Ordinal);
        if (Faults.TryDequeue(out var fault))
        {
            foreach (var (name, value) in fault.Headers)
            {
                context.Response.Headers[name] = value;
            }

            if (fault.Delay is { } delay)
            {
                await Task.Delay(delay, context.RequestAborted);
            }

            if (fault.Status != 0)
            {
                await WriteFaultAsync(context, fault);
                return;
            }
        }

        if (Error is { } error)
        {
            await WriteFaultAsync(context, GraphError(error.Status, error.Code, error.Subcode, error.Message));
            return;
        }

        if (InvalidTokens.Contains(token))
        {
            await WriteFaultAsync(context, GraphError(400, 190, 467, "Error validating access token: The session is invalid because the user logged out."));
            return;
        }

        if (request.Method == "POST" && request.Path.TrimEnd('/').Length == 0)
        {
            await HandleBatchAsync(context, request, token);
            return;
        }

        Interlocked.Increment(ref _graphCalls);
        Calls.Enqueue(request.Path + request.Query);
        if (AppSecret is not null && context.Request.Query["appsecret_proof"].ToString() != Proof(token))
        {
            await WriteFaultAsync(context, GraphError(400, 100, null, "Invalid appsecret_proof provided in the API argument"));
            return;
        }

        var (status, body) = Answer(request.Path, context.Request.QueryString.Value ?? "", token);
        context.Response.StatusCode = status;
        await context.Response.WriteAsync(body.ToJsonString());
    }

    private async Task HandleBatchAsync(HttpContext context, RecordedRequest request, string token)
    {
        var form = QueryHelpersParse(request.Body);
        if (AppSecret is not null && form.GetValueOrDefault("appsecret_proof") != Proof(token))
        {
            await WriteFaultAsync(context, GraphError(400, 100, null, "Invalid appsecret_proof provided in the API argument"));
            return;
        }

        if (JsonNode.Parse(form.GetValueOrDefault("batch") ?? "null") is not JsonArray batch || batch.Count is 0 or > 50)
        {
            await WriteFaultAsync(context, GraphError(400, 100, null, "(#100) Too many requests in batch message. Maximum batch size is 50"));
            return;
        }

        var answers = new JsonArray();
        foreach (var call in batch)
        {
            Interlocked.Increment(ref _graphCalls);
            var relative = call!["relative_url"]!.GetValue<string>();
            var method = call["method"]?.GetValue<string>() ?? "GET";
            Calls.Enqueue(method == "GET" ? relative : method + " " + relative);
            var split = relative.Split('?', 2);
            var path = "/" + split[0].TrimStart('/');
            var query = split.Length > 1 ? "?" + split[1] : "";
            var callFault = TakeCallFault(path);
            if (callFault is { IsNull: true })
            {
                answers.Add(null);
                continue;
            }

            var (status, body) = callFault is { Status: not 0 } f
                ? (f.Status, ErrorBody(f))
                : method == "POST" ? Post(path, query)
                : Answer(path, query, token);
            answers.Add(new JsonObject { ["code"] = status, ["body"] = body.ToJsonString() });
        }

        await context.Response.WriteAsync(answers.ToJsonString());
    }

    private FakeFault? TakeCallFault(string path)
    {
        lock (CallFaults)
        {
            var all = CallFaults.ToList();
            var index = all.FindIndex(f => path.Contains(f.PathContains, StringComparison.Ordinal));
            if (index < 0)
            {
                return null;
            }

            CallFaults.Clear();
            for (var i = 0; i < all.Count; i++)
            {
                if (i != index)
                {
                    CallFaults.Enqueue(all[i]);
                }
            }

            return all[index].Fault;
        }
    }

    private (int Status, JsonNode Body) Answer(string path, string queryString, string token)
    {
        var query = QueryHelpersParse(queryString.TrimStart('?'));
        var segments = path.Trim('/').Split('/');
        var versioned = segments.Length > 0 && segments[0].StartsWith('v') && segments[0].Contains('.', StringComparison.Ordinal);
        var parts = versioned ? segments[1..] : segments;
        var version = versioned ? segments[0] : "v24.0";

        if (parts is ["debug_token"])
        {
            return (200, new JsonObject { ["data"] = TokenData.DeepClone() });
        }

        if (AnswerInstagram(parts, query, token, version) is { } instagram)
        {
            return instagram;
        }

        if (parts.Length == 1 && IsPage(parts[0]))
        {
            return (200, new JsonObject { ["name"] = parts[0] == PageId ? PageName : "Seite " + parts[0], ["followers_count"] = Followers, ["fan_count"] = Fans, ["id"] = parts[0] });
        }

        if (parts.Length == 2 && IsPage(parts[0]) && parts[1] == "insights")
        {
            return Insights(query, token, version);
        }

        if (parts.Length == 2 && IsPage(parts[0]) && parts[1] == "published_posts")
        {
            return PublishedPosts(path, query, token);
        }

        if (parts.Length == 2 && parts[0] == PageId && parts[1] == "photos")
        {
            var photos = new JsonArray();
            foreach (var (id, altText) in Photos)
            {
                // Meta generates alt_text for every photo; only alt_text_custom is written by the Page.
                var photo = new JsonObject { ["id"] = id, ["alt_text"] = "Möglicherweise ein Bild von 1 Person" };
                if (altText is not null)
                {
                    photo["alt_text_custom"] = altText;
                }

                photos.Add(photo);
            }

            return (200, new JsonObject { ["data"] = photos });
        }

        if (parts.Length == 2 && parts[0] == PageId && parts[1] == "subscribed_apps")
        {
            string[] fields;
            lock (SubscribedFields)
            {
                fields = [.. SubscribedFields];
            }

            var apps = new JsonArray();
            if (fields.Length > 0)
            {
                apps.Add(new JsonObject { ["category"] = "Business", ["link"] = "https://example.org/", ["name"] = "Listening Kreis", ["id"] = "123456789012345", ["subscribed_fields"] = new JsonArray([.. fields.Select(f => (JsonNode)f)]) });
            }

            // Another app of the Page (a chat tool) that receives messages, not the feed.
            apps.Add(new JsonObject { ["name"] = "Chat-Tool", ["id"] = "555", ["subscribed_fields"] = new JsonArray("messages") });
            return (200, new JsonObject { ["data"] = apps });
        }

        if (parts.Length == 2 && parts[1] == "comments" && FindPost(parts[0]) is { } commented)
        {
            // The paging of one post's comments (paging.next of the field expansion).
            var since = long.TryParse(query.GetValueOrDefault("since"), CultureInfo.InvariantCulture, out var cs) ? DateTimeOffset.FromUnixTimeSeconds(cs) : DateTimeOffset.MinValue;
            var climit = int.TryParse(query.GetValueOrDefault("limit"), CultureInfo.InvariantCulture, out var cl) ? cl : 25;
            var cafter = int.TryParse(query.GetValueOrDefault("after"), CultureInfo.InvariantCulture, out var ca) ? ca : 0;
            return (200, CommentsEdge(commented, since, climit, cafter, token, version));
        }

        return (400, new JsonObject { ["error"] = new JsonObject { ["message"] = "Unknown path components: /" + string.Join('/', parts), ["type"] = "OAuthException", ["code"] = 2500, ["fbtrace_id"] = "x" } });
    }

    private (int, JsonNode) Insights(Dictionary<string, string> query, string token, string version)
    {
        var metrics = (query.GetValueOrDefault("metric") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var retired = metrics.Where(RetiredMetrics.Contains).ToList();
        if (retired.Count > 0 || metrics.Length == 0)
        {
            return (400, ErrorBody(GraphError(400, 100, null, NameRetiredMetric && retired.Count > 0
                ? $"(#100) The metric {retired[0]} has been deprecated"
                : "(#100) The value must be a valid insights metric")));
        }

        var since = DateTimeOffset.FromUnixTimeSeconds(long.Parse(query["since"], CultureInfo.InvariantCulture));
        var until = DateTimeOffset.FromUnixTimeSeconds(long.Parse(query["until"], CultureInfo.InvariantCulture));
        if (until - since > TimeSpan.FromDays(90))
        {
            return (400, ErrorBody(GraphError(400, 100, null, "(#100) There cannot be more than 90 days (7776000 s) between since and until")));
        }

        var days = new List<DateOnly>();
        for (var date = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(since, Pacific).DateTime).AddDays(-1); EndOf(date) <= until; date = date.AddDays(1))
        {
            if (EndOf(date) > since)
            {
                days.Add(date);
            }
        }

        if (days.Count > TooMuchDataAboveDays)
        {
            return (500, ErrorBody(GraphError(500, 1, 99, "Please reduce the amount of data you're asking for, then retry your request")));
        }

        var now = Now();
        var data = new JsonArray();
        foreach (var metric in metrics)
        {
            var values = new JsonArray();
            foreach (var date in days)
            {
                var end = EndOf(date);
                var full = InsightValue(metric, date);
                var value = end <= now ? full : full / 2; // a day still running: what Meta has counted so far
                values.Add(new JsonObject { ["value"] = value, ["end_time"] = Pacific8(date) });
            }

            data.Add(new JsonObject
            {
                ["name"] = metric,
                ["period"] = "day",
                ["values"] = values,
                ["title"] = "Daily " + metric,
                ["description"] = "Daily: " + metric,
                ["id"] = $"{PageId}/insights/{metric}/day",
            });
        }

        var link = $"{BaseUri.ToString().TrimEnd('/')}/{version}/{PageId}/insights?access_token={token}&metric={string.Join(',', metrics)}&period=day";
        return (200, new JsonObject
        {
            ["data"] = data,
            ["paging"] = new JsonObject
            {
                ["previous"] = link + $"&since={since.AddDays(-days.Count).ToUnixTimeSeconds()}&until={since.ToUnixTimeSeconds()}",
                ["next"] = link + $"&since={until.ToUnixTimeSeconds()}&until={until.AddDays(days.Count).ToUnixTimeSeconds()}",
            },
        });
    }

    /// <summary>POST calls: subscribing the app to the Page's fields.</summary>
    private (int Status, JsonNode Body) Post(string path, string queryString)
    {
        var query = QueryHelpersParse(queryString.TrimStart('?'));
        var parts = path.Trim('/').Split('/');
        if (parts.Length == 3 && parts[1] == PageId && parts[2] == "subscribed_apps")
        {
            if (SubscribeDenied)
            {
                return (403, ErrorBody(GraphError(403, 200, null, "(#200) The user must be an administrator, editor, or moderator of the page in order to impersonate it. Requires pages_manage_metadata permission.")));
            }

            lock (SubscribedFields)
            {
                SubscribedFields.Clear();
                SubscribedFields.AddRange((query.GetValueOrDefault("subscribed_fields") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries));
            }

            return (200, new JsonObject { ["success"] = true });
        }

        return (400, ErrorBody(GraphError(400, 100, null, "Unsupported post request.")));
    }

    private FakePost? FindPost(string id)
    {
        lock (Posts)
        {
            return Posts.FirstOrDefault(p => p.Id == id);
        }
    }

    /// <summary>One page of a post's comments newest first, created since <paramref name="since"/>, as Meta answers the edge.</summary>
    private JsonObject CommentsEdge(FakePost post, DateTimeOffset since, int limit, int after, string token, string version)
    {
        List<FakeComment> all;
        lock (post.CommentList)
        {
            all = [.. post.CommentList.Where(c => c.CreatedTime >= since).OrderByDescending(c => c.CreatedTime)];
        }

        var page = all.Skip(after).Take(limit).ToList();
        var data = new JsonArray([.. page.Select(c =>
        {
            var json = new JsonObject
            {
                ["id"] = c.Id,
                ["created_time"] = c.CreatedTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'+0000'", CultureInfo.InvariantCulture),
                ["message"] = c.Message,
                ["from"] = new JsonObject { ["id"] = c.FromId },
            };
            if (c.ParentId is { } parent)
            {
                json["parent"] = new JsonObject { ["id"] = parent };
            }

            return (JsonNode)json;
        })]);
        var paging = new JsonObject { ["cursors"] = new JsonObject { ["before"] = "QVFIUmJl", ["after"] = "QVFIUmFm" } };
        if (after + limit < all.Count)
        {
            paging["next"] = $"{BaseUri.ToString().TrimEnd('/')}/{version}/{post.Id}/comments?access_token={token}&filter=stream&order=reverse_chronological&since={since.ToUnixTimeSeconds()}&limit={limit}&after={after + limit}";
        }

        return new JsonObject { ["data"] = data, ["paging"] = paging };
    }

    private (int, JsonNode) PublishedPosts(string path, Dictionary<string, string> query, string token)
    {
        var fields = query.GetValueOrDefault("fields") ?? "";
        var commentsField = System.Text.RegularExpressions.Regex.Match(fields, @"comments\.filter\(stream\)\.order\(reverse_chronological\)\.since\((\d+)\)\.limit\((\d+)\)\.as\(new_comments\)\{id,created_time,message,from\{id\},parent\{id\}\}");
        if (commentsField.Success && CommentsPermissionDenied)
        {
            return (403, ErrorBody(GraphError(403, 10, null, "(#10) This endpoint requires the 'pages_read_user_content' permission or the 'Page Public Content Access' feature.")));
        }

        var insightsField = System.Text.RegularExpressions.Regex.Match(fields, @"insights\.metric\(([^)]*)\)");
        var postMetrics = insightsField.Success ? insightsField.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries) : [];
        var retired = postMetrics.Where(RetiredMetrics.Contains).ToList();
        if (retired.Count > 0)
        {
            return (400, ErrorBody(GraphError(400, 100, null, NameRetiredMetric
                ? $"(#100) The metric {retired[0]} has been deprecated"
                : "(#100) The value must be a valid insights metric")));
        }

        var limit = int.TryParse(query.GetValueOrDefault("limit"), CultureInfo.InvariantCulture, out var l) ? l : 25;
        if (limit > TooMuchDataAbovePostLimit)
        {
            return (500, ErrorBody(GraphError(500, 1, 99, "Please reduce the amount of data you're asking for, then retry your request")));
        }

        var pageSize = Math.Min(PageSize, limit);
        var after = int.TryParse(query.GetValueOrDefault("after"), CultureInfo.InvariantCulture, out var a) ? a : 0;
        var since = long.TryParse(query.GetValueOrDefault("since"), CultureInfo.InvariantCulture, out var s) ? DateTimeOffset.FromUnixTimeSeconds(s) : DateTimeOffset.MinValue;
        var until = long.TryParse(query.GetValueOrDefault("until"), CultureInfo.InvariantCulture, out var u) ? DateTimeOffset.FromUnixTimeSeconds(u) : DateTimeOffset.MaxValue;
        List<FakePost> ordered;
        lock (Posts)
        {
            ordered = [.. Posts.Where(p => p.CreatedTime >= since && p.CreatedTime <= until).OrderByDescending(p => p.CreatedTime)];
        }

        if (PostCountFor is { } countFor)
        {
            var segments = path.Trim('/').Split('/');
            ordered = [.. ordered.Take(countFor(segments[^2]))];
        }

        var page = ordered.Skip(after).Take(pageSize).ToList();
        var data = new JsonArray([.. page.Select(p =>
        {
            var json = ToJson(p, postMetrics);
            if (commentsField.Success)
            {
                json["new_comments"] = CommentsEdge(p, DateTimeOffset.FromUnixTimeSeconds(long.Parse(commentsField.Groups[1].Value, CultureInfo.InvariantCulture)),
                    int.Parse(commentsField.Groups[2].Value, CultureInfo.InvariantCulture), 0, token, path.Split('/', StringSplitOptions.RemoveEmptyEntries)[0]);
            }

            return (JsonNode)json;
        })]);
        var paging = new JsonObject { ["cursors"] = new JsonObject { ["before"] = "QVFIUmJl", ["after"] = "QVFIUmFm" } };
        if (RepeatNextLinkTimes > 0)
        {
            RepeatNextLinkTimes--;
            paging["next"] = $"{BaseUri.ToString().TrimEnd('/')}{path}?access_token={token}&limit={pageSize}&after={pageSize}&fields={Uri.EscapeDataString(fields)}";
        }
        else if (after + pageSize < ordered.Count)
        {
            // Meta's next link is absolute and carries the access token in its query.
            var sinceUntil = (query.TryGetValue("since", out var sinceText) ? "&since=" + sinceText : "") + (query.TryGetValue("until", out var untilText) ? "&until=" + untilText : "");
            paging["next"] = $"{BaseUri.ToString().TrimEnd('/')}{path}?access_token={token}&limit={pageSize}{sinceUntil}&after={after + pageSize}&fields={Uri.EscapeDataString(fields)}";
        }

        return (200, new JsonObject { ["data"] = data, ["paging"] = paging });
    }

    private static JsonObject ToJson(FakePost post, string[] postMetrics)
    {
        JsonObject Summary(long count) => new() { ["data"] = new JsonArray(), ["summary"] = new JsonObject { ["total_count"] = count, ["viewer_reaction"] = "NONE" } };
        var json = new JsonObject
        {
            ["id"] = post.Id,
            ["created_time"] = post.CreatedTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'+0000'", CultureInfo.InvariantCulture),
            ["message"] = post.Message,
            ["permalink_url"] = $"https://www.facebook.com/{post.Id.Replace('_', '/')}",
            ["comments"] = new JsonObject { ["data"] = new JsonArray(), ["summary"] = new JsonObject { ["order"] = "ranked", ["total_count"] = post.Comments, ["can_comment"] = true } },
            ["reactions_like"] = Summary(post.Like),
            ["reactions_love"] = Summary(post.Love),
            ["reactions_care"] = Summary(post.Care),
            ["reactions_haha"] = Summary(post.Haha),
            ["reactions_wow"] = Summary(post.Wow),
            ["reactions_sad"] = Summary(post.Sad),
            ["reactions_angry"] = Summary(post.Angry),
        };
        if (post.Shares > 0)
        {
            json["shares"] = new JsonObject { ["count"] = post.Shares };
        }

        post.Malform?.Invoke(json);
        if (postMetrics.Length > 0)
        {
            json["insights"] = new JsonObject
            {
                ["data"] = new JsonArray([.. postMetrics.Where(m => !post.Unanswered.Contains(m)).Select(m => (JsonNode)new JsonObject
                {
                    ["name"] = m,
                    ["period"] = "lifetime",
                    ["values"] = new JsonArray(new JsonObject { ["value"] = m.Contains("unique", StringComparison.Ordinal) || m.Contains("viewers", StringComparison.Ordinal) ? post.Reach : post.Views }),
                    ["title"] = "Lifetime " + m,
                    ["id"] = $"{post.Id}/insights/{m}/lifetime",
                })]),
            };
        }

        return json;
    }

    private static JsonObject ErrorBody(FakeFault fault) => new()
    {
        ["error"] = new JsonObject
        {
            ["message"] = fault.Message,
            ["type"] = fault.Code == 190 ? "OAuthException" : fault.Code is 4 or 17 or 32 or 613 ? "OAuthException" : "GraphMethodException",
            ["code"] = fault.Code,
            ["error_subcode"] = fault.Subcode,
            ["is_transient"] = fault.Code is 1 or 2 or 4 or 17,
            ["fbtrace_id"] = "AbCdEfGhIjK",
        },
    };

    private static async Task WriteFaultAsync(HttpContext context, FakeFault fault)
    {
        context.Response.StatusCode = fault.Status;
        foreach (var (name, value) in fault.Headers)
        {
            context.Response.Headers[name] = value;
        }

        if (fault.RawBody is { } raw)
        {
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync(raw);
            return;
        }

        await context.Response.WriteAsync(ErrorBody(fault).ToJsonString());
    }

    private string Proof(string token) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(AppSecret!), Encoding.UTF8.GetBytes(token)));

    private static Dictionary<string, string> QueryHelpersParse(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in text.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            result[Uri.UnescapeDataString(kv[0].Replace('+', ' '))] = kv.Length > 1 ? Uri.UnescapeDataString(kv[1].Replace('+', ' ')) : "";
        }

        return result;
    }
}

/// <summary>A scripted fault: a Graph error, a raw HTTP status with a body that is not JSON, a delay, or a null batch item.</summary>
public sealed record FakeFault
{
    public int Status { get; init; }

    public int Code { get; init; }

    public int? Subcode { get; init; }

    public string Message { get; init; } = "";

    /// <summary>A body that is not JSON (a proxy's error page).</summary>
    public string? RawBody { get; init; }

    /// <summary>Wait this long before answering (a timeout when longer than the attempt timeout).</summary>
    public TimeSpan? Delay { get; init; }

    /// <summary>A batch item Meta did not finish: <c>null</c> in the answer array.</summary>
    public bool IsNull { get; init; }

    public Dictionary<string, string> Headers { get; init; } = new(StringComparer.OrdinalIgnoreCase);
}

public sealed class FakePost
{
    public required string Id { get; init; }

    public required DateTimeOffset CreatedTime { get; init; }

    public string Message { get; set; } = "";

    public long Like { get; set; }

    public long Love { get; set; }

    public long Care { get; set; }

    public long Haha { get; set; }

    public long Wow { get; set; }

    public long Sad { get; set; }

    public long Angry { get; set; }

    public long Comments { get; set; }

    public long Shares { get; set; }

    /// <summary>Lifetime <c>post_media_view</c>.</summary>
    public long Views { get; set; }

    /// <summary>Lifetime <c>post_total_media_view_unique</c> (also served under a "viewers" name).</summary>
    public long Reach { get; set; }

    /// <summary>Post metrics Meta leaves out of this post's insights although they were asked for (it stopped answering them).</summary>
    public HashSet<string> Unanswered { get; } = new(StringComparer.Ordinal);

    /// <summary>Edits the post's JSON as Meta sends it (a field left out, a count of 1e20).</summary>
    public Action<JsonObject>? Malform { get; set; }

    /// <summary>The post's comments and replies, as the comments edge serves them (lock it to change it while serving).</summary>
    public List<FakeComment> CommentList { get; } = [];
}

/// <summary>A comment as Meta keeps it: author id (the Page's own for its replies), text, the comment replied to.</summary>
public sealed record FakeComment(string Id, DateTimeOffset CreatedTime, string Message, string FromId, string? ParentId = null);
