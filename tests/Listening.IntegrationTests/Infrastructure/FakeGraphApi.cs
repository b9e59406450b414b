using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Listening.IntegrationTests.Infrastructure;

/// <summary>
/// The Graph API as a real HTTP server on 127.0.0.1, answering like the real one: Page fields, published_posts
/// with field expansions and cursor paging whose <c>paging.next</c> carries the access token (as Meta's does),
/// <c>shares</c> left out when zero, and Graph error bodies.
/// </summary>
public sealed class FakeGraphApi : IAsyncDisposable
{
    private readonly FakeServer _server;

    private FakeGraphApi(FakeServer server)
    {
        _server = server;
        server.Handler = HandleAsync;
    }

    public string PageId { get; set; } = "104857600000001";

    public string PageName { get; set; } = "Kreis Soest";

    public long Followers { get; set; } = 998;

    public long Fans { get; set; } = 950;

    public int PageSize { get; set; } = 2;

    public List<FakePost> Posts { get; } = [];

    /// <summary>When set, every request gets this Graph error (status, code, subcode, message).</summary>
    public (int Status, int Code, int? Subcode, string Message)? Error { get; set; }

    public Uri BaseUri => _server.BaseUri;

    public IReadOnlyCollection<RecordedRequest> Requests => _server.Requests;

    public static async Task<FakeGraphApi> StartAsync() => new(await FakeServer.StartAsync());

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task HandleAsync(HttpContext context, RecordedRequest request)
    {
        context.Response.ContentType = "application/json; charset=UTF-8";
        if (Error is { } error)
        {
            context.Response.StatusCode = error.Status;
            var body = new JsonObject
            {
                ["error"] = new JsonObject
                {
                    ["message"] = error.Message,
                    ["type"] = error.Code == 190 ? "OAuthException" : "GraphMethodException",
                    ["code"] = error.Code,
                    ["error_subcode"] = error.Subcode,
                    ["fbtrace_id"] = "AbCdEfGhIjK",
                },
            };
            await context.Response.WriteAsync(body.ToJsonString());
            return;
        }

        var segments = request.Path.Trim('/').Split('/');
        if (segments.Length == 2 && segments[1] == PageId)
        {
            await context.Response.WriteAsync(new JsonObject
            {
                ["name"] = PageName,
                ["followers_count"] = Followers,
                ["fan_count"] = Fans,
                ["id"] = PageId,
            }.ToJsonString());
            return;
        }

        if (segments.Length == 3 && segments[1] == PageId && segments[2] == "published_posts")
        {
            var after = int.TryParse(context.Request.Query["after"], CultureInfo.InvariantCulture, out var a) ? a : 0;
            var ordered = Posts.OrderByDescending(p => p.CreatedTime).ToList();
            var page = ordered.Skip(after).Take(PageSize).ToList();
            var data = new JsonArray([.. page.Select(ToJson)]);
            var paging = new JsonObject { ["cursors"] = new JsonObject { ["before"] = "QVFIUmJl", ["after"] = "QVFIUmFm" } };
            if (after + PageSize < ordered.Count)
            {
                // Meta's next link is absolute and carries the access token in its query.
                var token = context.Request.Headers.Authorization.ToString().Replace("Bearer ", "", StringComparison.Ordinal);
                paging["next"] = $"{BaseUri.ToString().TrimEnd('/')}{request.Path}?access_token={token}&limit={PageSize}&after={after + PageSize}&fields={Uri.EscapeDataString(context.Request.Query["fields"].ToString())}";
            }

            await context.Response.WriteAsync(new JsonObject { ["data"] = data, ["paging"] = paging }.ToJsonString());
            return;
        }

        context.Response.StatusCode = 400;
        await context.Response.WriteAsync("""{"error":{"message":"Unknown path components","type":"OAuthException","code":2500,"fbtrace_id":"x"}}""");
    }

    private static JsonObject ToJson(FakePost post)
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
            ["reactions_care"] = Summary(0),
            ["reactions_haha"] = Summary(0),
            ["reactions_wow"] = Summary(post.Wow),
            ["reactions_sad"] = Summary(post.Sad),
            ["reactions_angry"] = Summary(post.Angry),
        };
        if (post.Shares > 0)
        {
            json["shares"] = new JsonObject { ["count"] = post.Shares };
        }

        return json;
    }
}

public sealed class FakePost
{
    public required string Id { get; init; }

    public required DateTimeOffset CreatedTime { get; init; }

    public string Message { get; set; } = "";

    public long Like { get; set; }

    public long Love { get; set; }

    public long Wow { get; set; }

    public long Sad { get; set; }

    public long Angry { get; set; }

    public long Comments { get; set; }

    public long Shares { get; set; }
}
