namespace Listening.Benchmarks;

/// <summary>Every benchmark by name. Add yours here: one line, one class in its own file.</summary>
internal static class BenchmarkCatalog
{
    public static IReadOnlyDictionary<string, Func<string[], Task>> All { get; } = new SortedDictionary<string, Func<string[], Task>>(StringComparer.Ordinal)
    {
        ["aggregation"] = AggregationBenchmark.RunAsync,
        ["graph-cycle"] = GraphCycleBenchmark.RunAsync,
        ["html-render"] = HtmlRenderBenchmark.RunAsync,
        ["insights"] = InsightsBenchmark.RunAsync,
        ["scale"] = ScaleBenchmark.RunAsync,
        ["summaries"] = SummaryServingBenchmark.RunAsync,
        ["teams-card-size"] = TeamsCardSizeBenchmark.RunAsync,
        ["webhook-latency"] = WebhookLatencyBenchmark.RunAsync,
    };
}
