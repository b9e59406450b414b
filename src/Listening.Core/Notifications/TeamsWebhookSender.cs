using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Listening.Core.Facebook;

namespace Listening.Core.Notifications;

/// <summary>
/// Posts a Workflows payload to a Teams webhook. The flow answers 202 even for a payload it cannot use and fails
/// silently, so the payload is checked here first. The webhook URL (its sig=) is never put into a message.
/// </summary>
public sealed class TeamsWebhookSender(HttpClient http)
{
    public const string HttpClientName = "teams";

    public const int MaxPayloadBytes = 28 * 1024;

    public async Task SendAsync(Uri webhook, JsonObject payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        var problem = WorkflowsPayload.Validate(payload);
        if (problem is not null)
        {
            throw new InvalidOperationException($"The Teams payload is not valid: {problem}");
        }

        using var content = JsonContent.Create(payload, NotificationJsonContext.Default.JsonObject);
        using var response = await http.PostAsync(webhook, content, cancellationToken);
        if (response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK or HttpStatusCode.NoContent)
        {
            return;
        }

        var retryAfter = response.Headers.RetryAfter?.Delta
            ?? (response.Headers.RetryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        throw new TeamsDeliveryException((int)response.StatusCode, retryAfter,
            $"Teams webhook {Redaction.Redact(webhook.GetLeftPart(UriPartial.Path))} answered HTTP {(int)response.StatusCode}.");
    }
}

public sealed class TeamsDeliveryException : Exception
{
    public TeamsDeliveryException(int status, TimeSpan? retryAfter, string message)
        : base(message)
    {
        Status = status;
        RetryAfter = retryAfter;
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

    public int Status { get; }

    public TimeSpan? RetryAfter { get; }

    public bool IsTransient => Status is 408 or 429 or >= 500;
}

/// <summary>The shape the Workflows trigger "When a Teams webhook request is received" needs.</summary>
public static class WorkflowsPayload
{
    public static JsonObject Wrap(JsonObject card) => new()
    {
        ["type"] = "message",
        ["attachments"] = new JsonArray(new JsonObject
        {
            ["contentType"] = "application/vnd.microsoft.card.adaptive",
            ["contentUrl"] = null,
            ["content"] = card,
        }),
    };

    /// <summary>Null when the payload is usable, else what is wrong with it.</summary>
    public static string? Validate(JsonObject? payload)
    {
        if (payload is null)
        {
            return "it is empty";
        }

        if (payload["type"]?.GetValue<string>() != "message")
        {
            return "type must be \"message\"";
        }

        if (payload["attachments"] is not JsonArray { Count: > 0 } attachments)
        {
            return "attachments is missing or empty";
        }

        foreach (var attachment in attachments)
        {
            if (attachment?["contentType"]?.GetValue<string>() != "application/vnd.microsoft.card.adaptive")
            {
                return "an attachment's contentType is not application/vnd.microsoft.card.adaptive";
            }

            if (attachment["content"] is not JsonObject content || content["type"]?.GetValue<string>() != "AdaptiveCard")
            {
                return "an attachment's content.type is not AdaptiveCard";
            }

            if (content["version"]?.GetValue<string>() is not ("1.0" or "1.1" or "1.2" or "1.3" or "1.4" or "1.5"))
            {
                return "the card version must be 1.5 or lower for Teams";
            }

            if (content["body"] is not JsonArray)
            {
                return "the card has no body";
            }
        }

        var size = System.Text.Encoding.UTF8.GetByteCount(payload.ToJsonString());
        return size > MaxBytes ? $"it is {size} bytes, more than the {MaxBytes} bytes Teams accepts" : null;
    }

    public const int MaxBytes = TeamsWebhookSender.MaxPayloadBytes;
}

[System.Text.Json.Serialization.JsonSerializable(typeof(JsonObject))]
internal sealed partial class NotificationJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
