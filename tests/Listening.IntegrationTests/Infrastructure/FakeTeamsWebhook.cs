using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Listening.IntegrationTests.Infrastructure;

/// <summary>
/// A Teams Workflows webhook on 127.0.0.1: answers 202 like the real flow, or, when told, 429 with Retry-After,
/// 500, 400, or not in time. Several channels are paths of one server; each records what it was sent.
/// </summary>
public sealed class FakeTeamsWebhook : IAsyncDisposable
{
    private readonly FakeServer _server;
    private readonly ConcurrentQueue<Answer> _script = new();
    private readonly ConcurrentQueue<RecordedRequest> _accepted = new();

    private FakeTeamsWebhook(FakeServer server)
    {
        _server = server;
        server.Handler = HandleAsync;
    }

    /// <summary>How long a <see cref="Answer.Slow"/> answer takes before it accepts.</summary>
    public TimeSpan SlowFor { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a <see cref="Answer.Hang"/> answer keeps the caller waiting.</summary>
    public TimeSpan HangFor { get; set; } = TimeSpan.FromSeconds(5);

    public IReadOnlyCollection<RecordedRequest> Requests => _server.Requests;

    public static async Task<FakeTeamsWebhook> StartAsync() => new(await FakeServer.StartAsync());

    /// <summary>A webhook URL of this server for a channel, shaped like a Workflows URL with its secret sig=.</summary>
    public string Url(string channel = "presse", string secret = "TopSecretSig") =>
        new Uri(_server.BaseUri, $"/workflows/{channel}/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={secret}").ToString();

    /// <summary>The next requests get these answers, in order; then 202 again.</summary>
    public void Script(params Answer[] answers)
    {
        foreach (var answer in answers)
        {
            _script.Enqueue(answer);
        }
    }

    /// <summary>The payloads a channel got that Teams would show (answered 202).</summary>
    public IReadOnlyList<JsonNode> Delivered(string channel = "presse") =>
        [.. _accepted.Where(r => r.Path.StartsWith($"/workflows/{channel}/", StringComparison.Ordinal)).Select(r => JsonNode.Parse(r.Body)!)];

    /// <summary>The texts a channel got, with umlauts as they are (the sender escapes them as \uXXXX), for Contains checks.</summary>
    public IReadOnlyList<string> DeliveredText(string channel = "presse") =>
        [.. Delivered(channel).Select(d => d.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))];

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task HandleAsync(HttpContext context, RecordedRequest request)
    {
        var answer = _script.TryDequeue(out var next) ? next : Answer.Accepted;
        switch (answer.Kind)
        {
            case AnswerKind.Hang:
                await Task.Delay(HangFor, context.RequestAborted).ContinueWith(static _ => { }, TaskScheduler.Default);
                context.Response.StatusCode = 202;
                return;
            case AnswerKind.Slow:
                await Task.Delay(SlowFor, context.RequestAborted);
                context.Response.StatusCode = 202;
                _accepted.Enqueue(request);
                return;
            case AnswerKind.Status:
                context.Response.StatusCode = answer.Status;
                if (answer.RetryAfterSeconds is { } seconds)
                {
                    context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                if (answer.Status == 202)
                {
                    _accepted.Enqueue(request);
                }
                else
                {
                    context.Response.ContentType = "application/json";
                    await context.Response.WriteAsync("""{"error":{"code":"TooManyRequests","message":"Rate limit is exceeded."}}""");
                }

                return;
        }
    }

    public enum AnswerKind
    {
        Status,
        Hang,
        Slow,
    }

    public sealed record Answer(AnswerKind Kind, int Status = 202, int? RetryAfterSeconds = null)
    {
        public static readonly Answer Accepted = new(AnswerKind.Status, 202);

        public static readonly Answer Hang = new(AnswerKind.Hang);

        /// <summary>202 after <see cref="SlowFor"/>: a post still on its way while another copy is handled.</summary>
        public static readonly Answer Slow = new(AnswerKind.Slow);

        public static Answer TooManyRequests(int retryAfterSeconds) => new(AnswerKind.Status, 429, retryAfterSeconds);

        public static Answer ServerError => new(AnswerKind.Status, 500);

        public static Answer BadRequest => new(AnswerKind.Status, 400);
    }
}
