namespace Listening.Core.Meta;

/// <summary>Which of the configured metrics to ask Meta for, given the ones it rejected before (Page, post and Instagram metrics alike).</summary>
internal static class MetricSelection
{
    /// <summary>
    /// The configured metrics in order, without duplicates; a rejected metric whose new name is known (the alias map,
    /// followed as far as it goes, cycles cut) is replaced by it, so the series goes on under the new source.
    /// </summary>
    public static List<string> Requestable(IReadOnlyList<string> configured, Func<string, bool> rejected, IReadOnlyDictionary<string, string> aliases)
    {
        var list = new List<string>();
        foreach (var metric in configured)
        {
            var candidate = metric;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (rejected(candidate) && seen.Add(candidate) && aliases.TryGetValue(candidate, out var next))
            {
                candidate = next;
            }

            if (!rejected(candidate) && !list.Contains(candidate))
            {
                list.Add(candidate);
            }
        }

        return list;
    }
}
