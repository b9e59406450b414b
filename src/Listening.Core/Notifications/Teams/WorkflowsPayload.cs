using System.Text.Json.Nodes;

namespace Listening.Core.Notifications.Teams;

/// <summary>The shape the Workflows trigger "When a Teams webhook request is received" needs (FACTS.md, "Microsoft Teams").</summary>
public static class WorkflowsPayload
{
    public const int MaxBytes = TeamsWebhookSender.MaxPayloadBytes;

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

    /// <summary>The first card of a payload (what the builders put there), or null.</summary>
    public static JsonObject? CardOf(JsonObject? payload) =>
        payload?["attachments"] is JsonArray { Count: > 0 } attachments ? attachments[0]?["content"] as JsonObject : null;

    /// <summary>Bytes of a payload as Teams counts them: the UTF-8 JSON we send.</summary>
    public static int SizeOf(JsonNode payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return System.Text.Encoding.UTF8.GetByteCount(payload.ToJsonString());
    }

    /// <summary>Null when the payload is usable, else what is wrong with it.</summary>
    public static string? Validate(JsonObject? payload)
    {
        if (payload is null)
        {
            return "it is empty";
        }

        if (StringOf(payload["type"]) != "message")
        {
            return "type must be \"message\"";
        }

        if (payload["attachments"] is not JsonArray { Count: > 0 } attachments)
        {
            return "attachments is missing or empty";
        }

        foreach (var attachment in attachments)
        {
            if (StringOf(attachment?["contentType"]) != "application/vnd.microsoft.card.adaptive")
            {
                return "an attachment's contentType is not application/vnd.microsoft.card.adaptive";
            }

            if (attachment!["content"] is not JsonObject content || StringOf(content["type"]) != "AdaptiveCard")
            {
                return "an attachment's content.type is not AdaptiveCard";
            }

            if (StringOf(content["version"]) is not ("1.0" or "1.1" or "1.2" or "1.3" or "1.4" or "1.5"))
            {
                return "the card version must be 1.5 or lower for Teams";
            }

            if (content["body"] is not JsonArray)
            {
                return "the card has no body";
            }
        }

        var size = SizeOf(payload);
        return size > MaxBytes ? $"it is {size} bytes, more than the {MaxBytes} bytes Teams accepts" : null;
    }

    internal static string? StringOf(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
