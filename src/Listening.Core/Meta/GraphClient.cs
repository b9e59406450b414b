using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Listening.Core.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Listening.Core.Meta;

/// <summary>
/// The Graph API on the wire: batch requests (<c>POST /</c> with <c>batch=[...]</c>, at most 50 calls each) and
/// <c>paging.next</c> follow-ups. The Page token travels in the <c>Authorization: Bearer</c> header only; a
/// parameter that must carry it (<c>debug_token?input_token=</c>) goes inside the batch body, never into a request
/// URL. <c>appsecret_proof</c> is added when <c>Listening:Facebook:AppSecret</c> is set.
/// Transient faults (codes 1 and 2, HTTP 5xx, timeouts) are retried by the resilience handler of the "graph"
/// HttpClient (<see cref="GraphResilience"/>); everything else comes back to the caller as a
/// <see cref="GraphResult"/> with its <see cref="GraphApiException"/>.
/// </summary>
public sealed partial class GraphClient(HttpClient http, IOptions<ListeningOptions> options, SecretMasker masker, ILogger<GraphClient> logger)
{
    public const string HttpClientName = "graph";

    /// <summary>Meta's limit of calls per batch.</summary>
    public const int MaxBatchSize = 50;

    private readonly FacebookOptions _facebook = options.Value.Facebook;

    /// <summary>The relative URL of a call, with the configured API version in front.</summary>
    public string Versioned(string pathAndQuery) => _facebook.ApiVersion + "/" + pathAndQuery.TrimStart('/');

    /// <summary>
    /// Runs GET calls (relative URLs, see <see cref="Versioned"/>) in as few batch requests as possible. The answer
    /// has one result per call, in order; an error of the whole request becomes the error of each of its calls.
    /// Calls Meta did not finish (a <c>null</c> item) are asked once more.
    /// </summary>
    internal async Task<IReadOnlyList<GraphResult>> BatchAsync(GraphSession session, IReadOnlyList<string> relativeUrls, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(relativeUrls);
        var results = new GraphResult?[relativeUrls.Count];
        for (var offset = 0; offset < relativeUrls.Count; offset += MaxBatchSize)
        {
            var chunk = relativeUrls.Skip(offset).Take(MaxBatchSize).ToList();
            var (answers, whole) = await SendBatchAsync(session, chunk, cancellationToken);

            // The resilience handler retries whole requests; a single call that Meta did not finish (null) or that
            // failed transiently (codes 1, 2) inside a good batch answer is asked once more in a follow-up batch.
            var unfinished = whole ? [] : Enumerable.Range(0, chunk.Count).Where(i => answers[i] is null || answers[i]!.Error?.IsTransient == true).ToList();
            if (unfinished.Count > 0)
            {
                LogUnfinished(logger, unfinished.Count, chunk.Count);
                var (again, _) = await SendBatchAsync(session, [.. unfinished.Select(i => chunk[i])], cancellationToken);
                for (var j = 0; j < unfinished.Count; j++)
                {
                    answers[unfinished[j]] = again[j] ?? new GraphResult(0, default,
                        new GraphApiException(0, 2, null, null, "Meta did not finish this call of a batch request (twice).") { IsNoAnswer = true });
                }
            }

            for (var i = 0; i < chunk.Count; i++)
            {
                results[offset + i] = answers[i];
            }
        }

        return results.Select(r => r!).ToList();
    }

    /// <summary>Runs one POST call (its parameters in the relative URL) through a batch request; not repeated when unfinished.</summary>
    internal async Task<GraphResult> PostAsync(GraphSession session, string relativeUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var (answers, _) = await SendBatchAsync(session, [relativeUrl], cancellationToken, "POST");
        return answers[0] ?? new GraphResult(0, default, new GraphApiException(0, 2, null, null, "Meta did not finish this call of a batch request.") { IsNoAnswer = true });
    }

    /// <summary>Runs one GET call through a batch request.</summary>
    internal async Task<GraphResult> CallAsync(GraphSession session, string relativeUrl, CancellationToken cancellationToken) =>
        (await BatchAsync(session, [relativeUrl], cancellationToken))[0];

    /// <summary>
    /// Follows a <c>paging.next</c> URL: its <c>access_token</c> is dropped (the header carries the token) and it
    /// must point at the configured Graph host, so the token is never sent anywhere else.
    /// </summary>
    internal async Task<GraphResult> NextPageAsync(GraphSession session, string next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var baseUri = new Uri(_facebook.GraphBaseUrl);
        if (!Uri.TryCreate(next, UriKind.Absolute, out var url)
            || Uri.Compare(url, baseUri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
        {
            return new GraphResult(0, default, new GraphApiException(0, 0, null, null, "The Graph API answered with a paging link to another host; it was not followed."));
        }

        var target = WithProof(WithoutToken(url), session.Token);
        using var request = new HttpRequestMessage(HttpMethod.Get, target);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.Token);
        LogCall(logger, "GET", new Redacted(target.PathAndQuery));

        session.Count(httpRequests: 1, calls: 1);
        var (status, body, usage, retryAfter, failure) = await SendAsync(request, cancellationToken);
        session.Record(usage);
        if (failure is not null)
        {
            return new GraphResult(status, default, failure);
        }

        return Interpret(status, body, usage, retryAfter);
    }

    /// <summary>A <c>paging.next</c> URL without its token parameters.</summary>
    public static Uri WithoutToken(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var query = url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !p.StartsWith("access_token=", StringComparison.OrdinalIgnoreCase)
                && !p.StartsWith("appsecret_proof=", StringComparison.OrdinalIgnoreCase));
        return new UriBuilder(url) { Query = string.Join('&', query) }.Uri;
    }

    /// <summary>Hex HMAC-SHA256 of the token, keyed with the app secret.</summary>
    public static string Proof(string token, string appSecret) => AppSecretProof.Of(token, appSecret);

    private Uri WithProof(Uri url, string token) =>
        _facebook.AppSecret is { Length: > 0 } secret
            ? new Uri(url + (url.Query.Length > 0 ? "&" : "?") + "appsecret_proof=" + Proof(token, secret))
            : url;

    private async Task<(GraphResult?[] Answers, bool Whole)> SendBatchAsync(GraphSession session, List<string> chunk, CancellationToken cancellationToken, string method = "GET")
    {
        var batch = new StringBuilder("[");
        for (var i = 0; i < chunk.Count; i++)
        {
            batch.Append(i == 0 ? "" : ",").Append("{\"method\":\"").Append(method).Append("\",\"relative_url\":").Append(JsonSerializer.Serialize(chunk[i], GraphJsonContext.Default.String)).Append('}');
            LogCall(logger, "batch " + method, new Redacted(chunk[i]));
        }

        batch.Append(']');
        var form = new List<KeyValuePair<string, string>> { new("batch", batch.ToString()), new("include_headers", "false") };
        if (_facebook.AppSecret is { Length: > 0 } secret)
        {
            form.Add(new("appsecret_proof", Proof(session.Token, secret)));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_facebook.GraphBaseUrl.TrimEnd('/') + "/"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.Token);
        request.Content = new FormUrlEncodedContent(form);
        session.Count(httpRequests: 1, calls: chunk.Count);
        var (status, body, usage, retryAfter, failure) = await SendAsync(request, cancellationToken);
        session.Record(usage);
        var answers = new GraphResult?[chunk.Count];
        if (failure is null)
        {
            var whole = Interpret(status, body, usage, retryAfter);
            if (whole.Error is null && whole.Body.ValueKind == JsonValueKind.Array && whole.Body.GetArrayLength() == chunk.Count)
            {
                var i = 0;
                foreach (var item in whole.Body.EnumerateArray())
                {
                    answers[i++] = item.ValueKind == JsonValueKind.Object ? Item(item, usage, retryAfter) : null;
                }

                return (answers, false);
            }

            failure = whole.Error ?? new GraphApiException(status, 0, null, null, $"The Graph API answered a batch of {chunk.Count} calls with something other than {chunk.Count} results.");
        }

        for (var i = 0; i < chunk.Count; i++)
        {
            answers[i] = new GraphResult(status, default, failure);
        }

        return (answers, true);
    }

    private GraphResult Item(JsonElement item, GraphUsage usage, TimeSpan? retryAfter)
    {
        var code = item.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var status) ? status : 0;
        var text = item.TryGetProperty("body", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString() ?? "" : "";
        return Interpret(code, Encoding.UTF8.GetBytes(text), usage, retryAfter);
    }

    private GraphResult Interpret(int status, byte[] body, GraphUsage usage, TimeSpan? retryAfter)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return new GraphResult(status, default, new GraphApiException(status, 0, null, null,
                string.Create(CultureInfo.InvariantCulture, $"The Graph API answered HTTP {status} with a body that is not JSON.")) { Usage = usage, RetryAfter = retryAfter });
        }

        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            var failure = new GraphApiException(
                status,
                error.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.Number && code.TryGetInt32(out var c) ? c : 0,
                error.TryGetProperty("error_subcode", out var sub) && sub.ValueKind == JsonValueKind.Number && sub.TryGetInt32(out var sc) ? sc : null,
                error.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null,
                // Meta's text can echo the token ("Malformed access token EAA..."): masked where it enters the process.
                masker.Mask(error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String ? message.GetString() ?? "" : ""))
            {
                Usage = usage,
                RetryAfter = retryAfter,
            };
            if (failure.IsThrottling && status != 429)
            {
                // HTTP 429 is counted by GraphTelemetryHandler; Meta's throttling codes come in error bodies.
                Telemetry.ListeningTelemetry.GraphThrottles.Add(1);
            }

            return new GraphResult(status, default, failure);
        }

        if (status is < 200 or > 299)
        {
            return new GraphResult(status, default, new GraphApiException(status, 0, null, null,
                string.Create(CultureInfo.InvariantCulture, $"The Graph API answered HTTP {status}.")) { Usage = usage, RetryAfter = retryAfter });
        }

        return new GraphResult(status, root, null);
    }

    private async Task<(int Status, byte[] Body, GraphUsage Usage, TimeSpan? RetryAfter, GraphApiException? Failure)> SendAsync(
        HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var usage = GraphUsage.Parse(name => response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null);
            var retryAfter = response.Headers.RetryAfter?.Delta;
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            LogAnswer(logger, (int)response.StatusCode, body.Length, usage.MaxPercent);
            return ((int)response.StatusCode, body, usage, retryAfter, null);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested
            && ex is HttpRequestException or TaskCanceledException or TimeoutException or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException)
        {
            // The message of these exceptions names at most host and port, never the query; redact anyway.
            return (0, [], GraphUsage.None, null, new GraphApiException(
                ex is Polly.CircuitBreaker.BrokenCircuitException ? "the Graph API failed too often lately; calls pause for a moment"
                    : ex is HttpRequestException ? "the Graph API could not be reached: " + ex.Message
                    : "the Graph API did not answer in time",
                ex) { IsNoAnswer = true });
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Graph {Method} {RelativeUrl}")]
    private static partial void LogCall(ILogger logger, string method, Redacted relativeUrl);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Graph answered HTTP {Status} ({Bytes} bytes, usage {UsagePercent} %)")]
    private static partial void LogAnswer(ILogger logger, int status, int bytes, int usagePercent);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Unfinished} of {Calls} calls of a batch request were not finished or failed transiently; asking once more")]
    private static partial void LogUnfinished(ILogger logger, int unfinished, int calls);
}

/// <summary>One Graph call's answer: the JSON body, or the error.</summary>
internal sealed record GraphResult(int Status, JsonElement Body, GraphApiException? Error)
{
    public bool Ok => Error is null;

    /// <summary>The body, or the error thrown.</summary>
    public JsonElement Value => Error is null ? Body : throw Error;
}

/// <summary>
/// One pull's conversation with the Graph API: the token it uses (never shown), the requests and calls it made
/// and the highest usage Meta reported.
/// </summary>
public sealed class GraphSession(string token)
{
    internal string Token { get; } = token;

    /// <summary>HTTP requests sent (a batch counts once).</summary>
    public int HttpRequests { get; private set; }

    /// <summary>Graph calls made (each call of a batch counts, as it does against Meta's limits).</summary>
    public int GraphCalls { get; private set; }

    public GraphUsage Usage { get; private set; } = GraphUsage.None;

    public override string ToString() => $"{HttpRequests} HTTP requests, {GraphCalls} Graph calls";

    internal void Count(int httpRequests, int calls)
    {
        HttpRequests += httpRequests;
        GraphCalls += calls;
    }

    internal void Record(GraphUsage usage) => Usage = Usage.Max(usage);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class GraphJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
