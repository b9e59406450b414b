using System.Text.RegularExpressions;
using Listening.Core.Summaries;
using Listening.Core.Contracts;

namespace Listening.Core.Tests.Summaries;

public sealed class PeriodHtmlRendererTests
{
    private const string Script = "<script>alert(1)</script>";
    private static readonly DateOnly From = new(2026, 11, 23);
    private static readonly DateOnly To = new(2026, 11, 29);

    [Theory]
    [InlineData("2026-11-23", "2026-11-29", "Wochenbericht")]
    [InlineData("2026-11-01", "2026-11-30", "Monatsbericht")]
    [InlineData("2026-02-01", "2026-02-28", "Monatsbericht")]
    [InlineData("2026-11-01", "2026-11-29", "Bericht")]
    [InlineData("2026-11-02", "2026-12-01", "Bericht")]
    public void Report_is_named_by_its_length(string from, string to, string name)
    {
        Assert.Equal(name, PeriodHtmlRenderer.ReportName(DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(to, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Headline_numbers_compare_with_the_period_before_in_german_format()
    {
        var html = PeriodHtmlRenderer.Render(Sample());

        Assert.Contains("<h1>Wochenbericht 23.11.2026 – 29.11.2026</h1>", html, StringComparison.Ordinal);
        Assert.Contains("verglichen mit dem Zeitraum davor (16.11.2026 – 22.11.2026)", html, StringComparison.Ordinal);
        // Reactions: 1.060 now against 20 before.
        Assert.Contains(">1.060<", html, StringComparison.Ordinal);
        Assert.Contains("+1.040 (+5.200,0 %) zum Zeitraum davor", html, StringComparison.Ordinal);
        // Followers: from 910 to 1.005.
        Assert.Contains("+95 im Zeitraum; davor +12", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Follower_chart_is_an_image_with_a_description_and_the_values_in_a_table()
    {
        var html = PeriodHtmlRenderer.Render(Sample());

        var svg = Regex.Match(html, "<svg role=\"img\" aria-labelledby=\"([^\"]+)\"[^>]*>.*?</svg>", RegexOptions.Singleline);
        Assert.True(svg.Success);
        var ids = svg.Groups[1].Value.Split(' ');
        Assert.Equal(2, ids.Length);
        Assert.Contains($"<title id=\"{ids[0]}\">Follower-Verlauf</title>", svg.Value, StringComparison.Ordinal);
        var description = Regex.Match(svg.Value, $"<desc id=\"{ids[1]}\">([^<]+)</desc>").Groups[1].Value;
        Assert.Contains("Von 920 am 23.11.2026 auf 1.005 am 29.11.2026 (+85)", description, StringComparison.Ordinal);
        Assert.Contains("Tageswerte", description, StringComparison.Ordinal);
        // Two runs of consecutive days (23.-24. and 29.): two lines, the gap left open.
        Assert.Equal(2, Regex.Count(svg.Value, "<polyline"));

        var table = Regex.Match(html, "<table class=\"days\">.*?</table>", RegexOptions.Singleline).Value;
        var body = Regex.Match(table, "<tbody>.*?</tbody>", RegexOptions.Singleline).Value;
        Assert.Equal(7, Regex.Count(body, "<tr[ >]"));
        Assert.Equal(4, Regex.Count(table, "keine Daten"));
        Assert.Contains("<th scope=\"row\">Sonntag, 29.11.2026</th><td class=\"num\">1.005</td>", table, StringComparison.Ordinal);
    }

    [Fact]
    public void Top_posts_show_reactions_by_type_topic_tags_and_a_link()
    {
        var html = PeriodHtmlRenderer.Render(Sample());

        var top = Regex.Match(html, "<ol class=\"top\">.*?</ol>", RegexOptions.Singleline).Value;
        Assert.Contains("1.000 Reaktionen</strong> (Gefällt mir 1.000)", top, StringComparison.Ordinal);
        Assert.Contains("<ul class=\"tags\" aria-label=\"Themen\"><li>Ausbildung</li></ul>", top, StringComparison.Ordinal);
        Assert.Contains("href=\"https://www.facebook.com/104857600000001/posts/1\"", top, StringComparison.Ordinal);
        Assert.Contains("<table class=\"topics\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_from_facebook_is_encoded_everywhere()
    {
        var post = SampleSummary.PostOn(From, Script, like: 5, topics: [Script], excerpt: "Hallo " + Script + "\" onmouseover=\"x");
        var day = SampleSummary.DayOf(From, 920, 10, likes: 5, posts: post) with
        {
            Name = "Kreis " + Script,
            Alerts = [new SummaryAlert("crisis", "Warnung " + Script)],
            MetaDay = new MetaDaySummary { Date = From, Metrics = new Dictionary<string, long> { [Script] = 1 }, Sources = new Dictionary<string, string> { [Script] = Script } },
            Giveaways = [new GiveawayFollowThrough { PostId = "1", Excerpt = Script, FollowersGained = 10, FollowersRetained = 5 }],
        };
        var period = PeriodSummaryBuilder.Build(From, To, "Europe/Berlin", false, [new PageDays("1", Script, [day])]);

        var html = PeriodHtmlRenderer.Render(period, new SummaryLinks("1\"><script>"));

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\" onmouseover", html, StringComparison.Ordinal);
        Assert.DoesNotMatch("<[^>]*\\son[a-z]+\\s*=", html);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Page_is_german_with_landmarks_and_no_script()
    {
        var html = PeriodHtmlRenderer.Render(Sample());

        Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"de\">", html, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(html, "<main[ >]"));
        Assert.Single(Regex.Matches(html, "<h1[ >]"));
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("@media print", html, StringComparison.Ordinal);
        var tables = Regex.Matches(html, "<table[^>]*>(.*?)</table>", RegexOptions.Singleline);
        Assert.All(tables, t => Assert.StartsWith("\n<caption", t.Groups[1].Value, StringComparison.Ordinal));
        Assert.All(Regex.Matches(html, "<th[ >][^>]*"), th => Assert.Matches("scope=\"(col|row)\"", th.Value));
    }

    [Fact]
    public void Milestones_of_the_period_are_listed_with_their_day()
    {
        var html = PeriodHtmlRenderer.Render(Sample());

        Assert.Contains("<strong>Meilenstein:</strong> 1.000 Follower erreicht am 29.11.2026.", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Served_pages_link_to_the_previous_period_the_days_and_the_csv()
    {
        var html = PeriodHtmlRenderer.Render(Sample(), new SummaryLinks(null));

        Assert.Contains("href=\"summaries?from=2026-11-16&amp;to=2026-11-22\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"summaries/2026-11-23\"", html, StringComparison.Ordinal);
        Assert.Contains("&amp;format=csv\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"summaries", PeriodHtmlRenderer.Render(Sample()), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_period_before_the_change_is_not_made_up()
    {
        var period = PeriodSummaryBuilder.Build(From, To, "Europe/Berlin", false, [new PageDays("1", "Kreis", [SampleSummary.DayOf(From, 920, null, likes: 5)])]);

        var html = PeriodHtmlRenderer.Render(period);

        Assert.Contains("im Zeitraum; davor keine Daten", html, StringComparison.Ordinal);
    }

    /// <summary>A week with data on 23., 24. and 29.11. and two days in the week before.</summary>
    internal static PeriodSummary Sample()
    {
        var days = new List<PageDaySummary>
        {
            SampleSummary.DayOf(From.AddDays(-7), 900, 2, likes: 5),
            SampleSummary.DayOf(From.AddDays(-1), 910, 10, likes: 15, comments: 2),
            SampleSummary.DayOf(From, 920, 10, likes: 1_010, comments: 3, shares: 2, posts: SampleSummary.PostOn(From, "1", like: 1_000, isNew: true, topics: ["Ausbildung"])),
            SampleSummary.DayOf(From.AddDays(1), 960, 40, likes: 30, comments: 4, shares: 1),
            SampleSummary.DayOf(To, 1_005, 45, likes: 20, comments: 5),
        };
        return PeriodSummaryBuilder.Build(From, To, "Europe/Berlin", false, [new PageDays("104857600000001", "Kreis Soest", days)]);
    }
}
