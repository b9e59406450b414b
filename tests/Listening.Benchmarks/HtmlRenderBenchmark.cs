using System.Diagnostics;
using System.Globalization;
using Listening.Core.Summaries;
using Listening.Core.Tests.Summaries;
using Listening.Core.Contracts;

namespace Listening.Benchmarks;

/// <summary>
/// What rendering the HTML pages costs in process, without storage: the rich day, the 30-day period and the hostile
/// day of the golden test (<c>HtmlGoldenTests.Fixtures.cs</c>, linked), interleaved so that all three see the same load.
/// <c>dotnet run -c Release --project tests/Listening.Benchmarks -- html-render [iterations]</c>
/// </summary>
internal static class HtmlRenderBenchmark
{
    public static Task RunAsync(string[] args)
    {
        var iterations = args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out var n) ? n : 1000;
        var rich = HtmlGoldenTests.RichDay();
        var month = HtmlGoldenTests.Month();
        var hostile = HtmlGoldenTests.HostileDay();
        var empty = new DailySummary { Date = rich.Date, TimeZone = rich.TimeZone, Demo = false, GeneratedAt = rich.GeneratedAt, Pages = [] };
        var pages = new (string Name, Func<string> Render)[]
        {
            ("Day page, rich (golden day-rich.html)", () => SummaryHtmlRenderer.Render(rich, new SummaryLinks(null))),
            ("Period page, 30 days (golden period-30-days.html)", () => PeriodHtmlRenderer.Render(month, new SummaryLinks(null))),
            ("Day page, hostile text (golden day-hostile.html)", () => SummaryHtmlRenderer.Render(hostile, new SummaryLinks("1\"><script>&x=+1"))),
            ("Day page, no Pages (what every page costs)", () => SummaryHtmlRenderer.Render(empty)),
        };

        // Warm up for at least two seconds as well: tiered compilation recompiles hot methods in the background only
        // after a quiet period, and with a short warm-up the first part of the measured run still executes unoptimised
        // code (the Razor pages call many more methods than the StringBuilder pages did, so they suffered more).
        var warmUp = 0;
        var warmUpClock = Stopwatch.StartNew();
        while (warmUp < Math.Max(50, iterations / 10) || warmUpClock.Elapsed < TimeSpan.FromSeconds(2))
        {
            foreach (var page in pages)
            {
                page.Render();
            }

            warmUp++;
        }

        var samples = pages.Select(_ => new List<double>(iterations)).ToArray();
        var allocated = new long[pages.Length];
        var length = new int[pages.Length];
        for (var i = 0; i < iterations; i++)
        {
            for (var p = 0; p < pages.Length; p++)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                var watch = Stopwatch.StartNew();
                length[p] = pages[p].Render().Length;
                samples[p].Add(watch.Elapsed.TotalMilliseconds);
                allocated[p] += GC.GetAllocatedBytesForCurrentThread() - before;
            }
        }

        Console.WriteLine();
        Console.WriteLine("### HTML rendering");
        Console.WriteLine();
        Console.WriteLine($"Command: `dotnet run -c Release --project tests/Listening.Benchmarks -- html-render {iterations}`. "
            + $"{iterations} interleaved iterations after {warmUp} warm-up rounds; allocated bytes of the rendering thread.");
        Console.WriteLine();
        Console.WriteLine("| Page | Characters | p50 ms | p95 ms | KiB allocated per render |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        for (var p = 0; p < pages.Length; p++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {pages[p].Name} | {length[p]} | {Percentile(samples[p], 0.5):0.000} | {Percentile(samples[p], 0.95):0.000} | {allocated[p] / 1024.0 / iterations:0.0} |"));
        }

        return Task.CompletedTask;
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }
}
