using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Listening.Core.Notifications.Teams;

/// <summary>
/// Posts one payload to one Teams webhook. The Workflows flow answers 202 even for a payload it cannot use and
/// fails silently, so the payload is checked here first. The webhook URL (its sig=) is never put into a message:
/// failures name the channel.
/// </summary>
public sealed class TeamsWebhookSender(HttpClient http, TimeProvider time)
{
    public const string HttpClientName = "teams";

    public const int MaxPayloadBytes = 28 * 1024;

    public async Task SendAsync(string channel, Uri webhook, JsonObject payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        var problem = MessageCardPayload.IsMessageCard(payload) ? MessageCardPayload.Validate(payload) : WorkflowsPayload.Validate(payload);
        if (problem is not null)
        {
            throw new TeamsDeliveryException(0, null, $"The payload for Teams channel {channel} is not valid: {problem}.", transient: false);
        }

        HttpResponseMessage response;
        try
        {
            using var content = JsonContent.Create(payload, NotificationJsonContext.Default.JsonObject);
            response = await http.PostAsync(webhook, content, cancellationToken);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TeamsDeliveryException(0, null,
                $"Teams channel {channel} did not answer within {http.Timeout.TotalSeconds:0} s.", transient: true);
        }
        catch (HttpRequestException ex)
        {
            // The exception's own message can name the host; the error kind says enough.
            throw new TeamsDeliveryException(0, null, $"Teams channel {channel} could not be reached ({ex.HttpRequestError}).", transient: true);
        }

        using (response)
        {
            if (response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK or HttpStatusCode.NoContent)
            {
                return;
            }

            var status = (int)response.StatusCode;
            var retryAfter = response.Headers.RetryAfter?.Delta
                ?? (response.Headers.RetryAfter?.Date is { } date ? date - time.GetUtcNow() : null);
            if (retryAfter < TimeSpan.Zero)
            {
                retryAfter = TimeSpan.Zero;
            }

            throw new TeamsDeliveryException(status, retryAfter,
                $"Teams channel {channel} answered HTTP {status}" + (retryAfter is { } wait ? $" (Retry-After {wait.TotalSeconds:0} s)." : "."),
                transient: status is 408 or 429 or >= 500);
        }
    }
}

/// <summary>A Teams webhook refused or did not take a payload. The message names the channel, never the URL.</summary>
public sealed class TeamsDeliveryException : Exception
{
    public TeamsDeliveryException(int status, TimeSpan? retryAfter, string message, bool transient)
        : base(message)
    {
        Status = status;
        RetryAfter = retryAfter;
        IsTransient = transient;
    }

    public TeamsDeliveryException()
    {
    }

    public TeamsDeliveryException(string message)
        : base(message)
    {
    }

    public TeamsDeliveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The HTTP status, or 0 when there was no answer (timeout, connection refused) or the payload was not sent.</summary>
    public int Status { get; }

    public TimeSpan? RetryAfter { get; }

    /// <summary>Worth another try later: 408, 429, 5xx, a timeout or no connection.</summary>
    public bool IsTransient { get; }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(JsonObject))]
internal sealed partial class NotificationJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
