using System.Globalization;
using System.Text.Json;
using Listening.Core.Contracts;

namespace Listening.Core.Meta;

/// <summary>
/// What a value from Meta must look like to be used: counts are whole numbers from 0 to 10^12, times lie between
/// 2004 (Facebook's start) and shortly after the capture. A value outside is a malformed field: the item that holds
/// it is skipped and named (<see cref="MalformedItem"/>), the rest of the Page flows. The parser of Meta's answers
/// (insights values, posts) applies these rules.
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

    /// <summary>
    /// The <c>data</c> of an insights answer: numeric daily values only (breakdowns such as per-country objects are
    /// skipped). A value that is no count or an <c>end_time</c> outside 2004 to <paramref name="latestEnd"/> is
    /// malformed: skipped and added to <paramref name="skipped"/>.
    /// </summary>
    internal static IEnumerable<InsightValue> ParseInsights(JsonElement body, DateTimeOffset? latestEnd = null, List<MalformedItem>? skipped = null)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }

        foreach (var metric in data.EnumerateArray())
        {
            if (metric.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var name = metric.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            var period = metric.TryGetProperty("period", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : "day";
            if (!MetricNames.IsValid(name) || period != "day" || !metric.TryGetProperty("values", out var values) || values.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var value in values.EnumerateArray())
            {
                if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty("value", out var v) || v.ValueKind != JsonValueKind.Number)
                {
                    continue;
                }

                if (!value.TryGetProperty("end_time", out var end) || end.ValueKind != JsonValueKind.String
                    || !TryTime(end.GetString(), latestEnd ?? DateTimeOffset.MaxValue, out var endTime))
                {
                    skipped?.Add(new MalformedItem("insight " + name, "end_time"));
                    continue;
                }

                if (!TryCount(v, out var number))
                {
                    skipped?.Add(new MalformedItem("insight " + name, "value"));
                    continue;
                }

                yield return new InsightValue { Metric = name!, EndTime = endTime.ToUniversalTime(), Value = number };
            }
        }
    }

    /// <summary>A post Meta sent as expected; throws <see cref="FormatException"/> naming the malformed field otherwise.</summary>
    internal static PostObservation ParsePost(JsonElement post) =>
        TryParsePost(post, DateTimeOffset.MaxValue, out var parsed, out var problem) ? parsed : throw new FormatException(problem!.ToString());

    /// <summary>
    /// One post of <c>published_posts</c>. A post without a usable id or <c>created_time</c>, with a creation time
    /// after <paramref name="latestCreated"/>, or with a count that is no count (<see cref="TryCount"/>)
    /// is malformed: false, and <paramref name="problem"/> names the post and the field.
    /// </summary>
    internal static bool TryParsePost(
        JsonElement post, DateTimeOffset latestCreated,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PostObservation? parsed,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out MalformedItem? problem)
    {
        parsed = null;
        problem = null;
        if (post.ValueKind != JsonValueKind.Object)
        {
            problem = new MalformedItem("a post", "the post itself");
            return false;
        }

        var id = post.TryGetProperty("id", out var idValue) && idValue.ValueKind == JsonValueKind.String ? idValue.GetString() : null;
        var item = "post " + SafeId(id);
        if (string.IsNullOrEmpty(id) || SafeId(id) != id)
        {
            problem = new MalformedItem(item, "id");
            return false;
        }

        if (!post.TryGetProperty("created_time", out var created) || created.ValueKind != JsonValueKind.String
            || !TryTime(created.GetString(), latestCreated, out var createdTime))
        {
            problem = new MalformedItem(item, "created_time");
            return false;
        }

        string? bad = null;
        long Summary(string property)
        {
            if (!post.TryGetProperty(property, out var edge) || edge.ValueKind == JsonValueKind.Null)
            {
                return 0;
            }

            if (edge.ValueKind == JsonValueKind.Object && edge.TryGetProperty("summary", out var s) && s.ValueKind == JsonValueKind.Object
                && s.TryGetProperty("total_count", out var c) && TryCount(c, out var count))
            {
                return count;
            }

            bad ??= property;
            return 0;
        }

        Dictionary<string, long>? metrics = null;
        if (post.TryGetProperty("insights", out var insights) && insights.ValueKind == JsonValueKind.Object
            && insights.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
        {
            foreach (var metric in data.EnumerateArray())
            {
                if (metric.ValueKind == JsonValueKind.Object
                    && metric.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String && MetricNames.IsValid(name.GetString())
                    && metric.TryGetProperty("values", out var values) && values.ValueKind == JsonValueKind.Array && values.GetArrayLength() > 0
                    && values[0].ValueKind == JsonValueKind.Object && values[0].TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Number)
                {
                    if (TryCount(value, out var count))
                    {
                        metrics ??= new Dictionary<string, long>(StringComparer.Ordinal);
                        metrics[name.GetString()!] = count;
                    }
                    else
                    {
                        bad ??= "insights " + name.GetString();
                    }
                }
            }
        }

        // Meta leaves "shares" out when nobody shared the post.
        long shares = 0;
        if (post.TryGetProperty("shares", out var sh) && sh.ValueKind != JsonValueKind.Null
            && !(sh.ValueKind == JsonValueKind.Object && sh.TryGetProperty("count", out var sc) && TryCount(sc, out shares)))
        {
            bad ??= "shares";
        }

        var observation = new PostObservation
        {
            Id = id,
            CreatedTime = createdTime,
            Permalink = post.TryGetProperty("permalink_url", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null,
            Message = post.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null,
            Comments = Summary("comments"),
            Shares = shares,
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
            Metrics = metrics,
        };
        var (photoIds, hasVideo) = PostAttachments.MediaOf(post);
        observation = observation with
        {
            Format = PostAttachments.FormatOf(post, observation.Permalink),
            Accessibility = photoIds.Count > 0 || hasVideo ? new PostAccessibility { Images = photoIds.Count } : null,
            PhotoIds = photoIds,
        };

        if (bad is not null)
        {
            // Counters are cumulative: a zero in place of a garbage value would read as a drop, so the post waits.
            problem = new MalformedItem(item, bad);
            return false;
        }

        parsed = observation;
        return true;
    }

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
