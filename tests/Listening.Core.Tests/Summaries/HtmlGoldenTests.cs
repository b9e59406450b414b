using System.Text;
using Listening.Core.Contracts;
using Listening.Core.Summaries;

namespace Listening.Core.Tests.Summaries;

/// <summary>
/// The day and period pages, byte for byte, against files under <c>Golden/</c>: a rich day with every section, an
/// empty day, a quiet day, a day full of hostile text, a 30-day period, a period with gaps and an empty period. A
/// change to the rendering must show up here as a changed file. After an intended change, regenerate with
/// <c>LISTENING_UPDATE_GOLDEN=1 dotnet test tests/Listening.Core.Tests --filter "FullyQualifiedName~HtmlGoldenTests"</c>
/// and review the diff.
/// </summary>
/// <remarks>The summaries are built here by hand, not by the builders, so that only the rendering is compared.</remarks>
public sealed partial class HtmlGoldenTests
{
    public static TheoryData<string> Cases => new(Pages.Keys.Order(StringComparer.Ordinal));

    private static Dictionary<string, Func<string>> Pages => new(StringComparer.Ordinal)
    {
        ["day-rich.html"] = () => SummaryHtmlRenderer.Render(RichDay(), new SummaryLinks(null)),
        ["day-rich-file.html"] = () => SummaryHtmlRenderer.Render(RichDay() with { Demo = true, Pages = [RichPage() with { Demo = true }] }),
        ["day-empty.html"] = () => SummaryHtmlRenderer.Render(new DailySummary { Date = Day, TimeZone = Zone, Demo = true, GeneratedAt = GeneratedAt, Pages = [] }),
        ["day-quiet.html"] = () => SummaryHtmlRenderer.Render(QuietDay(), new SummaryLinks("104857600000001")),
        ["day-hostile.html"] = () => SummaryHtmlRenderer.Render(HostileDay(), new SummaryLinks("1\"><script>&x=+1")),
        ["period-30-days.html"] = () => PeriodHtmlRenderer.Render(Month(), new SummaryLinks(null)),
        ["period-gaps.html"] = () => PeriodHtmlRenderer.Render(WeekWithGaps()),
        ["period-hostile.html"] = () => PeriodHtmlRenderer.Render(HostilePeriod(), new SummaryLinks("1\"><script>")),
        ["period-empty.html"] = () => PeriodHtmlRenderer.Render(EmptyPeriod(), new SummaryLinks(null)),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rendered_page_matches_its_golden_file_byte_for_byte(string file)
    {
        var html = Pages[file]();
        var path = Path.Combine(GoldenDirectory(), file);
        if (Environment.GetEnvironmentVariable("LISTENING_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, html, new UTF8Encoding(false));
            return;
        }

        Assert.True(File.Exists(path), $"Golden file {path} is missing. Run with LISTENING_UPDATE_GOLDEN=1 to write it, then review and commit it.");
        var golden = File.ReadAllText(path, Encoding.UTF8);
        if (string.Equals(golden, html, StringComparison.Ordinal))
        {
            return;
        }

        var at = 0;
        while (at < golden.Length && at < html.Length && golden[at] == html[at])
        {
            at++;
        }

        var actual = Path.Combine(AppContext.BaseDirectory, "golden-actual", file);
        Directory.CreateDirectory(Path.GetDirectoryName(actual)!);
        File.WriteAllText(actual, html, new UTF8Encoding(false));
        var from = Math.Max(0, at - 80);
        Assert.Fail($"{file} differs from its golden file at character {at} (golden {golden.Length}, rendered {html.Length} characters).\n"
            + $"golden:   …{Excerpt(golden, from)}…\nrendered: …{Excerpt(html, from)}…\n"
            + $"The whole page is in {actual}. If the change is intended, run with LISTENING_UPDATE_GOLDEN=1 and review the diff of tests/Listening.Core.Tests/Golden.");
    }

    [Fact]
    public void Every_golden_file_belongs_to_a_case()
    {
        var files = Directory.GetFiles(GoldenDirectory(), "*.html").Select(Path.GetFileName).Order(StringComparer.Ordinal);

        Assert.Equal(Pages.Keys.Order(StringComparer.Ordinal), files);
    }

    private static string Excerpt(string text, int from) =>
        text.Substring(from, Math.Min(160, text.Length - from)).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string GoldenDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Listening.Core.Tests.csproj")))
            {
                var golden = Path.Combine(directory.FullName, "Golden");
                Directory.CreateDirectory(golden);
                return golden;
            }
        }

        throw new InvalidOperationException("The test project folder (Listening.Core.Tests.csproj) was not found above " + AppContext.BaseDirectory);
    }
}
