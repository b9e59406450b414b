using System.Globalization;
using System.Text.Json;
using Listening.Core.Contracts;

namespace Listening.Core.Meta;

/// <summary>
/// What a value from Meta must look like to be used: counts are whole numbers from 0 to 10^12, times lie between
/// 2004 (Facebook's start) and shortly after the capture. A value outside is a malformed field: the item that holds
/// it is skipped and named (<see cref="MalformedItem"/>), the rest of the Page flows.
/// </summary>
public static class GraphPayload
{
    /// <summary>
    /// No Facebook counter comes near this; above it the value is garbage (1e20 was seen). The decoder's limit, so
    /// the puller skips exactly what the snapshot decoder would park.
    /// </summary>
    public const long MaxCount = MessageSchema.MaxCount;

    /// <summary>Nothing on Facebook is older (the decoder's first year).</summary>
    public static readonly DateTimeOffset Earliest = new(MessageSchema.FirstYear, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A count: a JSON number that is whole (or rounds to one), from 0 to <see cref="MaxCount"/>.</summary>
    public static bool TryCount(JsonElement value, out long count)
    {
        count = 0;
        if (value.ValueKind != JsonValueKind.Number)
        {
            return false;
        }

        if (value.TryGetInt64(out var whole))
        {
            count = whole;
        }
        else if (value.TryGetDouble(out var real) && double.IsFinite(real) && Math.Abs(real) <= MaxCount)
        {
            count = (long)Math.Round(real, MidpointRounding.AwayFromZero);
        }
        else
        {
            return false;
        }

        return count is >= 0 and <= MaxCount;
    }

    /// <summary>A Graph time (<c>2026-11-27T09:15:00+0000</c>) between <see cref="Earliest"/> and <paramref name="latest"/>.</summary>
    public static bool TryTime(string? text, DateTimeOffset latest, out DateTimeOffset time)
    {
        time = default;
        if (string.IsNullOrEmpty(text) || text.Length > 40)
        {
            return false;
        }

        // Graph writes offsets as +0000; .NET wants +00:00.
        if (text.Length > 5 && (text[^5] is '+' or '-') && char.IsDigit(text[^1]))
        {
            text = text[..^2] + ":" + text[^2..];
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time)
            && time >= Earliest && time <= latest;
    }

    /// <summary>Unix seconds between <see cref="Earliest"/> and <paramref name="latest"/> (0 and absent are "none", not malformed).</summary>
    public static bool TryUnixTime(JsonElement value, DateTimeOffset latest, out DateTimeOffset time)
    {
        time = default;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var seconds)
            || seconds < Earliest.ToUnixTimeSeconds() || seconds > latest.ToUnixTimeSeconds())
        {
            return false;
        }

        time = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return true;
    }

    /// <summary>An id as it may appear in logs and health: Meta's ids are digits and underscores; anything else is not repeated.</summary>
    public static string SafeId(string? id) =>
        id is { Length: > 0 and <= 64 } && id.All(c => char.IsAsciiDigit(c) || c == '_') ? id : "(unusable id)";

    /// <summary>One sentence for health and <c>lastFailure</c> about skipped items, in our words (at most three named).</summary>
    public static string Describe(IReadOnlyList<MalformedItem> skipped)
    {
        ArgumentNullException.ThrowIfNull(skipped);
        var named = string.Join("; ", skipped.Take(3).Select(s => s.ToString()));
        var more = skipped.Count > 3 ? string.Create(CultureInfo.InvariantCulture, $" and {skipped.Count - 3} more") : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"Meta sent {skipped.Count} malformed item(s), skipped while the rest of the Page was read: {named}{more}");
    }
}

/// <summary>An item Meta sent that could not be used: what it is (<c>post 123_456</c>) and which field was wrong.</summary>
public sealed record MalformedItem(string Item, string Field)
{
    public override string ToString() => $"{Item} ({Field} missing or out of range)";
}
