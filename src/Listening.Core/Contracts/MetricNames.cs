using System.Text.RegularExpressions;

namespace Listening.Core.Contracts;

/// <summary>
/// Metric names Meta serves, the renames of its deprecation waves, and the rules that keep a series continuous
/// across a rename. Defaults follow FACTS.md ("Working page metrics", mid 2026).
/// </summary>
public static partial class MetricNames
{
    public static readonly IReadOnlyList<string> DefaultPageMetrics =
    [
        "page_media_view", "page_total_media_view_unique", "page_post_engagements", "page_views_total", "page_video_views",
        "page_follows", "page_daily_follows", "page_daily_follows_unique", "page_total_actions",
    ];

    public static readonly IReadOnlyList<string> DefaultPostMetrics = [PostViews, PostReach];

    /// <summary>Meta's daily Page reach, people reached (the day page's "Reichweite laut Meta").</summary>
    public const string PageReach = "page_total_media_view_unique";

    /// <summary>The series of a post's lifetime views (<c>views</c>, <c>viewsTotal</c> in a summary).</summary>
    public const string PostViews = "post_media_view";

    /// <summary>The series of a post's lifetime unique reach, people reached (<c>reach</c>, <c>reachTotal</c> in a summary).</summary>
    public const string PostReach = "post_total_media_view_unique";

    /// <summary>Renames of 2025-11-15 and 2026-06-15: old name -> the name that continues its series.</summary>
    public static readonly IReadOnlyDictionary<string, string> DefaultAliases = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["page_impressions"] = "page_media_view",
        ["page_fans"] = "page_follows",
        ["page_impressions_unique"] = "page_total_media_view_unique",
        ["post_impressions"] = "post_media_view",
        ["post_impressions_unique"] = "post_total_media_view_unique",
    };

    public static bool IsValid(string? name) => name is not null && Name().IsMatch(name);

    /// <summary>A comma-separated list, trimmed, without duplicates; the defaults when the list is empty.</summary>
    public static IReadOnlyList<string> Parse(string? list, IReadOnlyList<string> defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        var names = (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return names.Count == 0 ? defaults : names;
    }

    /// <summary>The first entry of a configured list that is not a metric name, or null when all are.</summary>
    public static string? Invalid(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault(n => !IsValid(n));

    public static IReadOnlyDictionary<string, string> Aliases(IReadOnlyDictionary<string, string>? configured)
    {
        var all = new Dictionary<string, string>(DefaultAliases, StringComparer.Ordinal);
        foreach (var (from, to) in configured ?? new Dictionary<string, string>())
        {
            all[from.Trim()] = to.Trim();
        }

        return all;
    }

    /// <summary>The series a metric's values belong to: follows the alias chain (a -> b -> c), stops at a cycle.</summary>
    public static string SeriesOf(string metric, IReadOnlyDictionary<string, string> aliases)
    {
        ArgumentNullException.ThrowIfNull(aliases);
        var current = metric;
        var seen = new HashSet<string>(StringComparer.Ordinal) { current };
        while (aliases.TryGetValue(current, out var next) && seen.Add(next))
        {
            current = next;
        }

        return current;
    }

    /// <summary>
    /// A post's value of <paramref name="series"/> from the metrics Meta reported for it: the series' own metric if
    /// present, else a metric that continues the series through the alias map (the first by ordinal name, so the
    /// choice never depends on order), with the name that delivered it; (null, null) when none did.
    /// </summary>
    public static (long? Value, string? Source) PostValue(IReadOnlyDictionary<string, long>? metrics, string series, IReadOnlyDictionary<string, string> aliases)
    {
        ArgumentNullException.ThrowIfNull(aliases);
        if (metrics is null || metrics.Count == 0)
        {
            return (null, null);
        }

        if (metrics.TryGetValue(series, out var own))
        {
            return (own, series);
        }

        foreach (var name in metrics.Keys.Order(StringComparer.Ordinal))
        {
            if (SeriesOf(name, aliases) == series)
            {
                return (metrics[name], name);
            }
        }

        return (null, null);
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{1,99}$")]
    private static partial Regex Name();
}
