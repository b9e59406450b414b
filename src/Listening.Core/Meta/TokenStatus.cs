using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Listening.Core.Configuration;

namespace Listening.Core.Meta;

/// <summary>
/// What <c>debug_token</c> says about a Page token: valid or not, when it expires (null = never), when its data
/// access lapses (90 days after the granting user was last active), and its scopes.
/// </summary>
public sealed record TokenStatus
{
    /// <summary>The scopes a Page needs for what Listening reads.</summary>
    public static readonly IReadOnlyList<string> RequiredScopes = ["pages_read_engagement", "read_insights"];

    /// <summary>What comments need: reading them (<c>pages_read_user_content</c>) and subscribing the Page's webhook (<c>pages_manage_metadata</c>).</summary>
    public static readonly IReadOnlyList<string> CommentScopes = ["pages_read_user_content", "pages_manage_metadata"];

    /// <summary>Token times after this are malformed (Meta's tokens live months, not centuries).</summary>
    public static readonly DateTimeOffset LatestTime = new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public required bool IsValid { get; init; }

    public string? Type { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public DateTimeOffset? DataAccessExpiresAt { get; init; }

    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>The Page or user the token belongs to (<c>profile_id</c>, else <c>user_id</c>).</summary>
    public string? ProfileId { get; init; }

    /// <summary>Meta's own explanation when the token is not valid (redacted).</summary>
    public string? Problem { get; init; }

    /// <summary>Fields of the answer that were malformed (a time out of range, say) and read as unknown.</summary>
    public IReadOnlyList<string> MalformedFields { get; init; } = [];

    public IReadOnlyList<string> MissingScopes => [.. RequiredScopes.Where(s => !Scopes.Contains(s, StringComparer.Ordinal))];

    /// <summary>What reading the linked Instagram account needs besides (issue 14).</summary>
    public static readonly IReadOnlyList<string> InstagramScopes = ["instagram_basic", "instagram_manage_insights"];

    public IReadOnlyList<string> MissingInstagramScopes => [.. InstagramScopes.Where(s => !Scopes.Contains(s, StringComparer.Ordinal))];

    /// <summary>Comment permissions the token lacks: without them the pull and the webhook cannot hear comments (not fatal for the rest).</summary>
    public IReadOnlyList<string> MissingCommentScopes => [.. CommentScopes.Where(s => !Scopes.Contains(s, StringComparer.Ordinal))];

    /// <summary>Reads the body of <c>debug_token</c>: <c>{"data":{"is_valid","expires_at","data_access_expires_at","scopes",...}}</c>.</summary>
    public static TokenStatus Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            return new TokenStatus { IsValid = false, Problem = "debug_token answered without data" };
        }

        // 0 or absent means "never"; anything but Unix seconds before 2100 is malformed and read as unknown.
        var malformed = new List<string>();
        DateTimeOffset? Time(string property)
        {
            if (!data.TryGetProperty(property, out var t) || t.ValueKind == JsonValueKind.Null
                || (t.ValueKind == JsonValueKind.Number && t.TryGetInt64(out var zero) && zero == 0))
            {
                return null;
            }

            if (GraphPayload.TryUnixTime(t, LatestTime, out var at))
            {
                return at;
            }

            malformed.Add(property);
            return null;
        }

        string? Text(JsonElement element, string property) =>
            element.TryGetProperty(property, out var v) ? v.ValueKind switch
            {
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Number => v.GetRawText(),
                _ => null,
            } : null;

        var expiresAt = Time("expires_at");
        var dataAccessExpiresAt = Time("data_access_expires_at");
        return new TokenStatus
        {
            IsValid = data.TryGetProperty("is_valid", out var valid) && valid.ValueKind == JsonValueKind.True,
            Type = Text(data, "type"),
            ExpiresAt = expiresAt,
            DataAccessExpiresAt = dataAccessExpiresAt,
            Scopes = data.TryGetProperty("scopes", out var scopes) && scopes.ValueKind == JsonValueKind.Array
                ? [.. scopes.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.String).Select(s => s.GetString()).OfType<string>()]
                : [],
            MalformedFields = malformed,
            ProfileId = Text(data, "profile_id") ?? Text(data, "user_id"),
            Problem = data.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object && Text(error, "message") is { } message
                ? Redaction.Redact(message)
                : null,
        };
    }

    /// <summary>
    /// A short one-way fingerprint of a token (first 16 hex digits of its SHA-256): enough to notice that the
    /// configured token changed, useless for calling Meta. The token itself is never stored.
    /// </summary>
    public static string Fingerprint(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token ?? "")))[..16];

    /// <summary>What Meta's token subcode means, in a few English words for health and logs (the Teams card says it in German).</summary>
    public static string ProblemOf(int? subcode) => subcode switch
    {
        463 => "expired",
        467 => "invalidated",
        460 => "invalidated by a password change",
        458 => "the app was removed",
        459 => "the user is checkpointed",
        464 => "the user is unconfirmed",
        _ => "invalid",
    };
}
