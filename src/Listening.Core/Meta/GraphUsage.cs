using System.Text.Json;

namespace Listening.Core.Meta;

/// <summary>
/// How close a Page (and the app) is to Meta's rate limits, from the usage headers of an answer:
/// <c>X-App-Usage</c> and <c>X-Page-Usage</c> (<c>{"call_count","total_cputime","total_time"}</c>, percentages) and
/// <c>X-Business-Use-Case-Usage</c> (<c>{"id":[{"type","call_count","total_cputime","total_time","estimated_time_to_regain_access"}]}</c>, minutes).
/// </summary>
public sealed record GraphUsage
{
    public static readonly string[] HeaderNames = ["X-App-Usage", "X-Page-Usage", "X-Business-Use-Case-Usage"];

    public static readonly GraphUsage None = new();

    /// <summary>How long to wait when Meta throttles without saying for how long: the first back-off step.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromMinutes(15);

    /// <summary>The highest percentage any header reported (0-100, may exceed 100 while throttled).</summary>
    public int MaxPercent { get; init; }

    /// <summary>The header that reported <see cref="MaxPercent"/>.</summary>
    public string? Header { get; init; }

    /// <summary>Meta's <c>estimated_time_to_regain_access</c>, when it is above zero.</summary>
    public TimeSpan? RegainAccessIn { get; init; }

    public bool IsEmpty => MaxPercent == 0 && RegainAccessIn is null;

    /// <summary>Reads the usage headers of one answer; unknown or malformed values count as zero.</summary>
    public static GraphUsage Parse(Func<string, string?> header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var usage = None;
        foreach (var name in HeaderNames)
        {
            var value = header(name);
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(value);
                usage = usage.Max(name == "X-Business-Use-Case-Usage" ? ParseBusinessUseCase(document.RootElement, name) : ParseFlat(document.RootElement, name));
            }
            catch (JsonException)
            {
                // A header we cannot read says nothing about the limits; the error codes still do.
            }
        }

        return usage;
    }

    public GraphUsage Max(GraphUsage other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var higher = other.MaxPercent > MaxPercent ? other : this;
        return new GraphUsage
        {
            MaxPercent = higher.MaxPercent,
            Header = higher.Header,
            RegainAccessIn = (RegainAccessIn, other.RegainAccessIn) switch
            {
                ({ } a, { } b) => a >= b ? a : b,
                (var a, var b) => a ?? b,
            },
        };
    }

    private static GraphUsage ParseFlat(JsonElement root, string name)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return None;
        }

        var percent = Percent(root);
        var regain = Number(root, "estimated_time_to_regain_access");
        return new GraphUsage
        {
            MaxPercent = percent,
            Header = percent > 0 ? name : null,
            RegainAccessIn = regain > 0 ? TimeSpan.FromMinutes(regain) : null,
        };
    }

    private static GraphUsage ParseBusinessUseCase(JsonElement root, string name)
    {
        var usage = None;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return usage;
        }

        foreach (var business in root.EnumerateObject())
        {
            if (business.Value.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var entry in business.Value.EnumerateArray())
            {
                usage = usage.Max(ParseFlat(entry, name));
            }
        }

        return usage;
    }

    private static int Percent(JsonElement entry) =>
        Math.Max(Number(entry, "call_count"), Math.Max(Number(entry, "total_cputime"), Number(entry, "total_time")));

    private static int Number(JsonElement entry, string property) =>
        entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number
            ? (int)Math.Clamp(Math.Ceiling(value.GetDouble()), 0, 100_000)
            : 0;
}
