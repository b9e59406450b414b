using System.Net;
using System.Text.Json;
using Listening.Core.Configuration;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Listening.Core.Meta;

/// <summary>
/// What the standard resilience handler of the "graph" HttpClient retries, and what it leaves to the pull:
/// <list type="bullet">
/// <item>retried here, at most twice within seconds: HTTP 5xx, 408, network failures, attempt timeouts, and Graph
/// codes 1 and 2 whatever their HTTP status;</item>
/// <item>never retried here: code 1 subcode 99 (ask for less instead), throttling (codes 4, 17, 32, 613, 80001 and
/// HTTP 429: the Page pauses until Meta lets it back, see <see cref="Ingestion.PagePuller"/>), token errors and
/// every other 4xx.</item>
/// </list>
/// A pull never sleeps for minutes inside a function: long back-offs become "resume after" in the Page state.
/// </summary>
public static class GraphResilience
{
    public const int MaxRetries = 2;

    public static void Configure(HttpStandardResilienceOptions resilience, FacebookOptions facebook)
    {
        ArgumentNullException.ThrowIfNull(resilience);
        ArgumentNullException.ThrowIfNull(facebook);
        var attempt = TimeSpan.FromSeconds(facebook.TimeoutSeconds);
        resilience.AttemptTimeout.Timeout = attempt;
        resilience.Retry.MaxRetryAttempts = MaxRetries;
        resilience.Retry.Delay = TimeSpan.FromSeconds(1);
        resilience.Retry.MaxDelay = TimeSpan.FromSeconds(10);
        resilience.Retry.BackoffType = DelayBackoffType.Exponential;
        resilience.Retry.UseJitter = true;
        resilience.Retry.ShouldRetryAfterHeader = false;
        resilience.Retry.ShouldHandle = args => ShouldRetryAsync(args.Outcome, args.Context.CancellationToken);
        resilience.TotalRequestTimeout.Timeout = (attempt * (MaxRetries + 1)) + TimeSpan.FromSeconds(15);
        resilience.CircuitBreaker.SamplingDuration = attempt * 2 > TimeSpan.FromSeconds(30) ? attempt * 2 : TimeSpan.FromSeconds(30);
        resilience.CircuitBreaker.ShouldHandle = args => ShouldRetryAsync(args.Outcome, args.Context.CancellationToken);
    }

    /// <summary>Whether an outcome is a transient fault worth another attempt right away.</summary>
    public static async ValueTask<bool> ShouldRetryAsync(Outcome<HttpResponseMessage> outcome, CancellationToken cancellationToken)
    {
        if (outcome.Exception is not null)
        {
            return outcome.Exception is HttpRequestException or Polly.Timeout.TimeoutRejectedException;
        }

        var response = outcome.Result;
        if (response is null || response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            return false;
        }

        var (code, subcode) = await ErrorCodeAsync(response, cancellationToken);
        if (code is 1 && subcode == 99)
        {
            return false;
        }

        if (code is 1 or 2)
        {
            return true;
        }

        var throttled = code is 4 or 17 or 32 or 613 or (>= 80000 and <= 80014);
        return !throttled && code != 190 && ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout);
    }

    /// <summary>The Graph error code of an error answer; the body is buffered so the caller can still read it.</summary>
    private static async Task<(int? Code, int? Subcode)> ErrorCodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            using var document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.Object)
            {
                return (
                    error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : null,
                    error.TryGetProperty("error_subcode", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt32() : null);
            }
        }
        catch (JsonException)
        {
            // Not a Graph error body (a proxy's HTML page, say): the HTTP status decides.
        }
        catch (HttpRequestException)
        {
            // The body broke off: the HTTP status decides.
        }

        return (null, null);
    }
}
