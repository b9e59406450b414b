using System.Globalization;
using System.Text.Json.Nodes;

namespace Listening.IntegrationTests.Infrastructure;

/// <summary>
/// The Instagram professional account linked to the fake Page, answering like the Graph API (FACTS.md, "Instagram
/// professional accounts"): <c>/{page-id}?fields=instagram_business_account{...}</c> (the field left out when no
/// account is linked), <c>/{ig-user-id}/insights?metric=...&amp;period=day&amp;metric_type=total_value&amp;since&amp;until</c>
/// with <c>total_value.value</c> per metric, <c>/{ig-user-id}/media</c> (newest first, <c>since</c>, <c>limit</c>, cursor
/// paging with an absolute <c>paging.next</c> carrying the token) and <c>/{ig-user-id}/stories</c>, both with
/// <c>insights.metric(...)</c> field expansions whose lifetime values sit in <c>values[0].value</c>, and media by id
/// (<c>/?ids=...&amp;fields=insights.metric(...)</c>). A metric a media product type does not support fails the whole call
/// with #100, as Meta does.
/// </summary>
public sealed partial class FakeGraphApi
{
    /// <summary>The linked account; null: none is linked (the Page answers without the field).</summary>
    public FakeInstagramAccount? Instagram { get; set; }

    /// <summary>Account metrics Meta no longer serves (#100 for the whole call).</summary>
    public HashSet<string> RetiredInstagramMetrics { get; } = new(StringComparer.Ordinal);

    /// <summary>Media metrics a product type rejects (FEED, REELS, STORY): asking for one on a page holding such an item fails with #100.</summary>
    public Dictionary<string, HashSet<string>> RejectedMediaMetrics { get; } = new(StringComparer.Ordinal)
    {
        ["STORY"] = new(StringComparer.Ordinal) { "saved", "impressions", "plays" },
        ["FEED"] = new(StringComparer.Ordinal) { "impressions", "plays", "replies" },
        ["REELS"] = new(StringComparer.Ordinal) { "impressions", "plays", "replies" },
    };

    /// <summary>
    /// Answer the Instagram calls by the token's scopes (<see cref="TokenData"/>), as Meta does: without
    /// <c>instagram_basic</c> the Page's <c>instagram_business_account</c> fails with (#10); without
    /// <c>instagram_manage_insights</c> every call asking for insights does. Off by default (the default scopes lack both).
    /// </summary>
    public bool EnforceInstagramScopes { get; set; }

    private bool Lacks(string scope) =>
        EnforceInstagramScopes && !(TokenData["scopes"]?.AsArray().Any(s => s?.GetValue<string>() == scope) ?? false);

    private static (int, JsonNode) PermissionError() =>
        (403, ErrorBody(GraphError(403, 10, null, "(#10) Application does not have permission for this action")));

    /// <summary>Media per page at most; the request's <c>limit</c> can make it smaller.</summary>
    public int InstagramPageSize { get; set; } = 100;

    /// <summary>The value of an account metric on a Meta date (the whole day).</summary>
    public Func<string, DateOnly, long> InstagramInsightValue { get; set; } = static (metric, date) =>
        (Math.Abs(StringComparer.Ordinal.GetHashCode(metric) % 500) * 3) + date.DayNumber % 31;

    private (int Status, JsonNode Body)? AnswerInstagram(string[] parts, Dictionary<string, string> query, string token, string version)
    {
        var fields = query.GetValueOrDefault("fields") ?? "";
        if (parts is [] or [""] && query.TryGetValue("ids", out var ids) && Instagram is { } owner)
        {
            return Lacks("instagram_manage_insights") ? PermissionError() : MediaByIds(owner, ids.Split(',', StringSplitOptions.RemoveEmptyEntries), fields);
        }

        if (parts.Length == 1 && parts[0] == PageId && fields.Contains("instagram_business_account", StringComparison.Ordinal))
        {
            if (Lacks("instagram_basic"))
            {
                return PermissionError();
            }

            var page = new JsonObject { ["id"] = PageId };
            if (Instagram is { } linked)
            {
                page["instagram_business_account"] = new JsonObject
                {
                    ["id"] = linked.Id,
                    ["username"] = linked.Username,
                    ["followers_count"] = linked.Followers,
                    ["follows_count"] = linked.Follows,
                    ["media_count"] = linked.Media.Count(m => m.ProductType != "STORY"),
                };
            }

            return (200, page);
        }

        if (Instagram is not { } account || parts.Length != 2 || parts[0] != account.Id)
        {
            return null;
        }

        if (Lacks("instagram_basic") || (Lacks("instagram_manage_insights") && (parts[1] == "insights" || fields.Contains("insights", StringComparison.Ordinal))))
        {
            return PermissionError();
        }

        return parts[1] switch
        {
            "insights" => AccountInsights(account, query),
            "media" => MediaPage(account, query, token, version, stories: false),
            "stories" => MediaPage(account, query, token, version, stories: true),
            _ => null,
        };
    }

    private (int, JsonNode) AccountInsights(FakeInstagramAccount account, Dictionary<string, string> query)
    {
        var metrics = (query.GetValueOrDefault("metric") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var retired = metrics.Where(RetiredInstagramMetrics.Contains).ToList();
        if (retired.Count > 0 || metrics.Length == 0)
        {
            return (400, ErrorBody(GraphError(400, 100, null, "(#100) metric[0] must be one of the following values: reach, follower_count, website_clicks, profile_views, online_followers, accounts_engaged, total_interactions, likes, comments, shares, saves, replies, follows_and_unfollows, profile_links_taps, views")));
        }

        if (query.GetValueOrDefault("metric_type") != "total_value")
        {
            return (400, ErrorBody(GraphError(400, 100, null, "(#100) The following metrics (views) should be specified with parameter metric_type=total_value")));
        }

        var since = DateTimeOffset.FromUnixTimeSeconds(long.Parse(query["since"], CultureInfo.InvariantCulture));
        var until = DateTimeOffset.FromUnixTimeSeconds(long.Parse(query["until"], CultureInfo.InvariantCulture));
        var now = Now();
        var data = new JsonArray();
        foreach (var metric in metrics)
        {
            long total = 0;
            for (var date = DateOnly.FromDateTime(since.UtcDateTime).AddDays(-1); FakeGraphApi.EndOf(date) <= until.AddDays(1); date = date.AddDays(1))
            {
                var end = FakeGraphApi.EndOf(date);
                if (end > since && end <= until)
                {
                    total += end <= now ? InstagramInsightValue(metric, date) : InstagramInsightValue(metric, date) / 2;
                }
            }

            data.Add(new JsonObject
            {
                ["name"] = metric,
                ["period"] = "day",
                ["title"] = metric,
                ["description"] = "The number of " + metric,
                ["total_value"] = new JsonObject { ["value"] = total },
                ["id"] = $"{account.Id}/insights/{metric}/day",
            });
        }

        return (200, new JsonObject { ["data"] = data });
    }

    private (int, JsonNode) MediaPage(FakeInstagramAccount account, Dictionary<string, string> query, string token, string version, bool stories)
    {
        var fields = query.GetValueOrDefault("fields") ?? "";
        var insightsField = System.Text.RegularExpressions.Regex.Match(fields, @"insights\.metric\(([^)]*)\)");
        var metrics = insightsField.Success ? insightsField.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries) : [];
        var limit = int.TryParse(query.GetValueOrDefault("limit"), CultureInfo.InvariantCulture, out var l) ? l : 25;
        var after = int.TryParse(query.GetValueOrDefault("after"), CultureInfo.InvariantCulture, out var a) ? a : 0;
        var since = long.TryParse(query.GetValueOrDefault("since"), CultureInfo.InvariantCulture, out var s) ? DateTimeOffset.FromUnixTimeSeconds(s) : DateTimeOffset.MinValue;
        List<FakeMedia> ordered;
        lock (account.Media)
        {
            ordered = [.. account.Media
                .Where(m => stories ? m.ProductType == "STORY" && !m.Expired : m.ProductType != "STORY")
                .Where(m => m.Timestamp >= since)
                .OrderByDescending(m => m.Timestamp)];
        }

        var pageSize = Math.Min(InstagramPageSize, limit);
        var page = ordered.Skip(after).Take(pageSize).ToList();
        foreach (var item in page)
        {
            var rejected = RejectedMediaMetrics.GetValueOrDefault(item.ProductType);
            if (rejected is not null && metrics.FirstOrDefault(rejected.Contains) is { } metric)
            {
                return (400, ErrorBody(GraphError(400, 100, null, $"(#100) The Media Insights API does not support the {metric} metric for this media product type.")));
            }
        }

        var data = new JsonArray([.. page.Select(m => (JsonNode)ToJson(m, metrics))]);
        var paging = new JsonObject { ["cursors"] = new JsonObject { ["before"] = "QVFIUmJl", ["after"] = "QVFIUmFm" } };
        if (after + pageSize < ordered.Count)
        {
            paging["next"] = $"{BaseUri.ToString().TrimEnd('/')}/{version}/{account.Id}/{(stories ? "stories" : "media")}?access_token={token}&limit={pageSize}&after={after + pageSize}&fields={Uri.EscapeDataString(fields)}"
                + (query.TryGetValue("since", out var sinceText) ? "&since=" + sinceText : "");
        }

        return (200, new JsonObject { ["data"] = data, ["paging"] = paging });
    }

    /// <summary>
    /// <c>/?ids=a,b&amp;fields=insights.metric(...)</c>: an object keyed by id, as Graph answers several objects at once
    /// (at most 50 ids); an unknown id, or a metric one of the media's product type rejects, fails the whole call with #100.
    /// </summary>
    private (int, JsonNode) MediaByIds(FakeInstagramAccount account, string[] ids, string fields)
    {
        if (ids.Length > 50)
        {
            return (400, ErrorBody(GraphError(400, 100, null, "(#100) Too many IDs. Maximum: 50. Provided: " + ids.Length.ToString(CultureInfo.InvariantCulture) + ".")));
        }

        var insightsField = System.Text.RegularExpressions.Regex.Match(fields, @"insights\.metric\(([^)]*)\)");
        var metrics = insightsField.Success ? insightsField.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries) : [];
        var answer = new JsonObject();
        foreach (var id in ids)
        {
            FakeMedia? media;
            lock (account.Media)
            {
                media = account.Media.FirstOrDefault(m => m.Id == id);
            }

            if (media is null)
            {
                return (400, ErrorBody(GraphError(400, 100, 33, $"Unsupported get request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.")));
            }

            if (RejectedMediaMetrics.GetValueOrDefault(media.ProductType) is { } rejected && metrics.FirstOrDefault(rejected.Contains) is { } metric)
            {
                return (400, ErrorBody(GraphError(400, 100, null, $"(#100) The Media Insights API does not support the {metric} metric for this media product type.")));
            }

            var json = ToJson(media, metrics);
            answer[id] = new JsonObject { ["insights"] = json["insights"]?.DeepClone(), ["id"] = id };
        }

        return (200, answer);
    }

    private static JsonObject ToJson(FakeMedia media, string[] metrics)
    {
        var json = new JsonObject
        {
            ["id"] = media.Id,
            ["caption"] = media.Caption,
            ["media_type"] = media.MediaType,
            ["media_product_type"] = media.ProductType,
            ["permalink"] = media.ProductType == "STORY" ? $"https://instagram.com/stories/kreis/{media.Id}/" : $"https://www.instagram.com/p/{media.Id}/",
            ["timestamp"] = media.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'+0000'", CultureInfo.InvariantCulture),
        };

        // Meta leaves like_count out of stories (and when the owner hides likes); comments_count is there for all.
        if (media.ProductType != "STORY")
        {
            json["like_count"] = media.Likes;
        }

        json["comments_count"] = media.Comments;
        if (metrics.Length > 0)
        {
            json["insights"] = new JsonObject
            {
                ["data"] = new JsonArray([.. metrics.Select(m => (JsonNode)new JsonObject
                {
                    ["name"] = m,
                    ["period"] = "lifetime",
                    ["values"] = new JsonArray(new JsonObject { ["value"] = media.Value(m) }),
                    ["title"] = m,
                    ["description"] = "Lifetime " + m,
                    ["id"] = $"{media.Id}/insights/{m}/lifetime",
                })]),
            };
        }

        return json;
    }
}

public sealed class FakeInstagramAccount
{
    public string Id { get; init; } = "17841400000000001";

    public string Username { get; set; } = "kreis_soest";

    public long Followers { get; set; } = 4_980;

    public long Follows { get; set; } = 120;

    public List<FakeMedia> Media { get; } = [];
}

public sealed class FakeMedia
{
    public required string Id { get; init; }

    public required DateTimeOffset Timestamp { get; init; }

    public string Caption { get; set; } = "";

    /// <summary>IMAGE, VIDEO, CAROUSEL_ALBUM.</summary>
    public string MediaType { get; set; } = "IMAGE";

    /// <summary>FEED, REELS, STORY.</summary>
    public string ProductType { get; set; } = "FEED";

    /// <summary>A story past its 24 hours: the stories edge no longer lists it.</summary>
    public bool Expired { get; set; }

    public long Likes { get; set; }

    public long Comments { get; set; }

    public long Views { get; set; }

    public long Reach { get; set; }

    public long Saved { get; set; }

    public long Shares { get; set; }

    public long Replies { get; set; }

    public long Value(string metric) => metric switch
    {
        "views" => Views,
        "reach" => Reach,
        "saved" => Saved,
        "shares" => Shares,
        "replies" => Replies,
        "total_interactions" => Likes + Comments + Saved + Shares,
        _ => 0,
    };
}
