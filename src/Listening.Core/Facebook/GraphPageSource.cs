using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Listening.Core.Configuration;
using Listening.Core.Ingestion;
using Listening.Core.Snapshots;
using Microsoft.Extensions.Options;

namespace Listening.Core.Facebook;

/// <summary>
/// Reads a Page through the Graph API: Page fields, then every post of the look-back window with all reaction
/// types, comments and shares in field expansions (no per-post request), following <c>paging.next</c> to the end.
/// The token travels in the Authorization header only.
/// </summary>
public sealed class GraphPageSource(HttpClient http, IOptions<ListeningOptions> options, TimeProvider time) : IPageSource
{
    public const string HttpClientName = "graph";

    internal static readonly string[] ReactionTypes = ["LIKE", "LOVE", "CARE", "HAHA", "WOW", "SAD", "ANGRY"];

    private readonly FacebookOptions _facebook = options.Value.Facebook;

    public static string PostFields { get; } = string.Join(',',
        new[] { "id", "created_time", "message", "permalink_url", "shares", "comments.limit(0).summary(true)" }
            .Concat(ReactionTypes.Select(t => $"reactions.type({t}).limit(0).summary(total_count).as(reactions_{t.ToLowerInvariant()})")));

    public async Task<PageCapture> CaptureAsync(PageOptions page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        var token = page.AccessToken ?? throw new InvalidOperationException($"Page {page.Id} has no access token (Listening:Pages:N:AccessToken).");
        var capturedAt = time.GetUtcNow();
        var since = capturedAt.AddDays(-_facebook.PostLookbackDays).ToUnixTimeSeconds();

        using var pageFields = await GetAsync(RelativeUri($"{Uri.EscapeDataString(page.Id)}?fields=name,followers_count,fan_count"), token, cancellationToken);
        var root = pageFields.RootElement;
        var posts = new List<PostObservation>();
        Uri? next = RelativeUri($"{Uri.EscapeDataString(page.Id)}/published_posts?limit=100&since={since}&fields={Uri.EscapeDataString(PostFields)}");
        while (next is not null)
        {
            using var answer = await GetAsync(next, token, cancellationToken);
            if (answer.RootElement.TryGetProperty("data", out var data))
            {
                posts.AddRange(data.EnumerateArray().Select(ParsePost));
            }

            next = answer.RootElement.TryGetProperty("paging", out var paging) && paging.TryGetProperty("next", out var n) && n.GetString() is { } url
                ? WithoutToken(new Uri(url))
                : null;
        }

        return new PageCapture
        {
            PageId = page.Id,
            PageName = root.TryGetProperty("name", out var name) ? name.GetString() ?? page.Id : page.Name ?? page.Id,
            CapturedAt = capturedAt,
            Followers = root.TryGetProperty("followers_count", out var f) ? f.GetInt64() : null,
            Fans = root.TryGetProperty("fan_count", out var l) ? l.GetInt64() : null,
            Posts = posts,
        };
    }

    internal static PostObservation ParsePost(JsonElement post)
    {
        long Summary(string property) =>
            post.TryGetProperty(property, out var edge) && edge.TryGetProperty("summary", out var s) && s.TryGetProperty("total_count", out var c)
                ? c.GetInt64()
                : 0;

        return new PostObservation
        {
            Id = post.GetProperty("id").GetString()!,
            CreatedTime = ParseTime(post.GetProperty("created_time").GetString()!),
            Permalink = post.TryGetProperty("permalink_url", out var p) ? p.GetString() : null,
            Message = post.TryGetProperty("message", out var m) ? m.GetString() : null,
            Comments = Summary("comments"),
            // Meta leaves "shares" out when nobody shared the post.
            Shares = post.TryGetProperty("shares", out var sh) && sh.TryGetProperty("count", out var sc) ? sc.GetInt64() : 0,
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
        };
    }

    /// <summary>Graph writes offsets as +0000; .NET wants +00:00.</summary>
    internal static DateTimeOffset ParseTime(string value)
    {
        if (value.Length > 5 && (value[^5] is '+' or '-') && char.IsDigit(value[^1]))
        {
            value = value[..^2] + ":" + value[^2..];
        }

        return DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }

    /// <summary>A <c>paging.next</c> URL carries the token in its query: drop it, the header carries it.</summary>
    internal static Uri WithoutToken(Uri url)
    {
        var query = url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !p.StartsWith("access_token=", StringComparison.OrdinalIgnoreCase)
                && !p.StartsWith("appsecret_proof=", StringComparison.OrdinalIgnoreCase));
        return new UriBuilder(url) { Query = string.Join('&', query) }.Uri;
    }

    private Uri RelativeUri(string pathAndQuery) =>
        new($"{_facebook.GraphBaseUrl.TrimEnd('/')}/{_facebook.ApiVersion}/{pathAndQuery}");

    private async Task<JsonDocument> GetAsync(Uri uri, string token, CancellationToken cancellationToken)
    {
        if (_facebook.AppSecret is { Length: > 0 } secret)
        {
            var proof = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(token)));
            uri = new Uri(uri + (uri.Query.Length > 0 ? "&" : "?") + "appsecret_proof=" + proof);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        }
        catch (JsonException)
        {
            throw new GraphApiException((int)response.StatusCode, 0, null, null, $"The Graph API answered HTTP {(int)response.StatusCode} with a body that is not JSON.");
        }

        if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error))
        {
            using (document)
            {
                throw new GraphApiException(
                    (int)response.StatusCode,
                    error.TryGetProperty("code", out var code) ? code.GetInt32() : 0,
                    error.TryGetProperty("error_subcode", out var sub) ? sub.GetInt32() : null,
                    error.TryGetProperty("type", out var type) ? type.GetString() : null,
                    error.TryGetProperty("message", out var message) ? message.GetString() ?? "" : "");
            }
        }

        if (!response.IsSuccessStatusCode)
        {
            document.Dispose();
            throw new GraphApiException((int)response.StatusCode, 0, null, null, $"The Graph API answered HTTP {(int)response.StatusCode}.");
        }

        return document;
    }
}
