using System.Text.RegularExpressions;
using Listening.Core.Summaries;
using Listening.Core.Contracts;

namespace Listening.Core.Tests.Summaries;

public sealed class SummaryHtmlRendererTests
{
    private const string Script = "<script>alert(1)</script>";
    private const string AttributeBreak = "\" onmouseover=\"x";

    [Fact]
    public void Html_encodes_script_in_excerpt_and_page_name()
    {
        var page = SampleSummary.Page(name: "Kreis " + Script, posts: SampleSummary.Post(excerpt: "Hallo " + Script));

        var html = SummaryHtmlRenderer.Render(SampleSummary.Create(pages: page));

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Hallo &lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("<h2 id=\"seite-1\">Kreis &lt;script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("<title>Tageszusammenfassung 27.11.2026 – Kreis &lt;script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_encodes_quotes_that_would_break_out_of_an_attribute()
    {
        var page = SampleSummary.Page(name: AttributeBreak, posts: SampleSummary.Post(excerpt: AttributeBreak));
        var second = SampleSummary.Page(name: "Zweite Seite", id: "2");

        var html = SummaryHtmlRenderer.Render(SampleSummary.Create(pages: [page, second]));

        Assert.DoesNotContain("onmouseover=\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("\" onmouseover", html, StringComparison.Ordinal);
        // The page name appears in the page list and the heading (the title names two pages by count); the excerpt in
        // the top posts and in the table of all posts.
        Assert.Equal(4, Regex.Count(html, "&quot; onmouseover=&quot;x"));
    }

    [Fact]
    public void Html_encodes_the_permalink_inside_href()
    {
        var post = SampleSummary.Post(permalink: "https://www.facebook.com/story.php?a=1&b=2\"><img src=x>");

        var html = SummaryHtmlRenderer.Render(SampleSummary.Create(pages: SampleSummary.Page(posts: post)));

        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://www.facebook.com/story.php?a=1&amp;b=2%22%3E%3Cimg%20src=x%3E\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_uses_german_number_date_and_time_formats()
    {
        var html = SummaryHtmlRenderer.Render(SampleSummary.Create());

        Assert.Contains(">52.000<", html, StringComparison.Ordinal);
        Assert.Contains(">1.282<", html, StringComparison.Ordinal);
        Assert.Contains("27.11.2026, 09:15 Uhr", html, StringComparison.Ordinal);
        Assert.Contains("Stand: 28.11.2026, 06:00 Uhr", html, StringComparison.Ordinal);
        Assert.Contains("Freitag, 27. November 2026", html, StringComparison.Ordinal);
        Assert.Contains("92,0 %", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_shows_summer_times_in_central_european_summer_time()
    {
        var summary = SampleSummary.Create() with { Date = new DateOnly(2026, 7, 3), GeneratedAt = new DateTimeOffset(2026, 7, 4, 4, 0, 0, TimeSpan.Zero) };

        var html = SummaryHtmlRenderer.Render(summary);

        Assert.Contains("Stand: 04.07.2026, 06:00 Uhr", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_shows_follower_and_like_changes_with_their_sign_in_words()
    {
        var html = SummaryHtmlRenderer.Render(SampleSummary.Create());

        Assert.Contains("+12 zum Vortag", html, StringComparison.Ordinal);
        Assert.Contains("−3 zum Vortag", html, StringComparison.Ordinal);
        Assert.Contains("„Gefällt mir“-Angaben", html, StringComparison.Ordinal);
        Assert.Contains(">48.310<", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_says_unknown_when_there_is_no_previous_day()
    {
        var page = SampleSummary.Page() with { Followers = new CounterChange(52_000, null) };

        var html = SummaryHtmlRenderer.Render(SampleSummary.Create(pages: page));

        Assert.Contains("Vortag unbekannt", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Html_shows_the_demo_banner_only_for_demo_data(bool demo)
    {
        var html = SummaryHtmlRenderer.Render(SampleSummary.Create(demo));

        Assert.Equal(demo, html.Contains("role=\"note\"", StringComparison.Ordinal));
        Assert.Equal(demo, html.Contains("<title>Demo – Tageszusammenfassung", StringComparison.Ordinal));
        Assert.Equal(demo, html.Contains("<h1>Demo – ", StringComparison.Ordinal));
    }

    [Fact]
    public void Html_is_german_with_landmarks_headings_and_a_skip_link()
    {
        var html = SummaryHtmlRenderer.Render(SampleSummary.Create(pages: [SampleSummary.Page(), SampleSummary.Page("Kreis Soest Jobs", "2")]));

        Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"de\">", html, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(html, "<header[ >]"));
        Assert.Single(Regex.Matches(html, "<main[ >]"));
        Assert.Single(Regex.Matches(html, "<footer[ >]"));
        Assert.Single(Regex.Matches(html, "<h1[ >]"));
        Assert.Equal(2, Regex.Count(html, "<h2[ >]"));
        Assert.Equal(8, Regex.Count(html, "<h3[ >]"));
        Assert.Contains("<a class=\"skip\" href=\"#inhalt\">", html, StringComparison.Ordinal);
        Assert.Contains("<main id=\"inhalt\"", html, StringComparison.Ordinal);
        Assert.Contains("<title>Tageszusammenfassung 27.11.2026 – 2 Seiten</title>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_tables_have_a_caption_and_scoped_header_cells()
    {
        var html = SummaryHtmlRenderer.Render(SampleSummary.Create());

        var tables = Regex.Matches(html, "<table[^>]*>(.*?)</table>", RegexOptions.Singleline);
        Assert.Equal(2, tables.Count);
        foreach (Match table in tables)
        {
            Assert.StartsWith("\n<caption", table.Groups[1].Value, StringComparison.Ordinal);
            var headers = Regex.Matches(table.Groups[1].Value, "<th[ >][^>]*");
            Assert.NotEmpty(headers);
            Assert.All(headers, th => Assert.Matches("scope=\"(col|row)\"", th.Value));
        }
    }

    [Fact]
    public void Html_chart_is_an_image_with_a_text_alternative()
    {
        var html = SummaryHtmlRenderer.Render(SampleSummary.Create());

        var svg = Regex.Match(html, "<svg[^>]*>.*?</svg>", RegexOptions.Singleline).Value;
        Assert.Contains("role=\"img\"", svg, StringComparison.Ordinal);
        var label = Regex.Match(svg, "aria-label=\"([^\"]+)\"").Groups[1].Value;
        Assert.Contains("Gefällt mir 1.180", label, StringComparison.Ordinal);
        Assert.Contains("Wütend 1", label, StringComparison.Ordinal);
        Assert.Contains("<title>" + label + "</title>", svg, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("data:text/html,hallo")]
    [InlineData("ftp://example.org/post")]
    [InlineData("/104857600000001/posts/1")]
    public void Html_renders_only_http_permalinks_as_links(string permalink)
    {
        var html = SummaryHtmlRenderer.Render(SampleSummary.Create(pages: SampleSummary.Page(posts: SampleSummary.Post(permalink: permalink))));

        Assert.DoesNotContain("Beitrag auf Facebook öffnen", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"" + permalink[..4], html, StringComparison.Ordinal);
        Assert.Contains("Adresse: ", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_links_http_permalinks()
    {
        var html = SummaryHtmlRenderer.Render(SampleSummary.Create());

        Assert.Contains("<a class=\"permalink\" href=\"https://www.facebook.com/104857600000001/posts/1\">Beitrag auf Facebook öffnen", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_marks_only_new_posts_as_new()
    {
        var page = SampleSummary.Page(posts: [SampleSummary.Post(), SampleSummary.Post(id: "old", isNew: false, excerpt: "Älterer Beitrag")]);

        var html = SummaryHtmlRenderer.Render(SampleSummary.Create(pages: page));

        var table = Regex.Match(html, "<table class=\"posts\".*?</table>", RegexOptions.Singleline).Value;
        Assert.Single(Regex.Matches(table, "<strong class=\"badge\">neu</strong>"));
    }

    [Fact]
    public void Html_says_so_when_a_page_has_no_posts_that_day()
    {
        var html = SummaryHtmlRenderer.Render(SampleSummary.Create(pages: SampleSummary.QuietPage()));

        Assert.Contains("Heute keine neuen Beiträge und keine Interaktionen.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<table", html, StringComparison.Ordinal);
        Assert.Contains("±0 zum Vortag", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_without_pages_says_there_is_no_data()
    {
        var html = SummaryHtmlRenderer.Render(SampleSummary.Create() with { Pages = [] });

        Assert.Contains("Für diesen Tag liegen keine Daten vor.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<h2", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_is_self_contained_with_print_and_focus_styles()
    {
        var html = SummaryHtmlRenderer.Render(SampleSummary.Create());

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch("<[^>]*\\son[a-z]+\\s*=", html);
        Assert.Contains("@media print", html, StringComparison.Ordinal);
        Assert.Contains(":focus-visible", html, StringComparison.Ordinal);
        Assert.Contains("name=\"viewport\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_names_the_time_zone_and_warns_that_meta_data_may_change()
    {
        var html = SummaryHtmlRenderer.Render(SampleSummary.Create());

        var footer = Regex.Match(html, "<footer.*</footer>", RegexOptions.Singleline).Value;
        Assert.Contains("Tage nach Kalender Europe/Berlin", footer, StringComparison.Ordinal);
        Assert.Contains("nachträglich", footer, StringComparison.Ordinal);
    }
}

public sealed class SummaryHtmlRendererExtrasTests
{
    [Fact]
    public void Reactions_comments_and_shares_compare_with_the_previous_day_when_known()
    {
        var page = SampleSummary.Page() with { PreviousDay = new DayTotals { Date = SampleSummary.Day.AddDays(-1), Reactions = 1_000, Comments = 87, Shares = 38, NewPosts = 0 } };

        var html = SummaryHtmlRenderer.Render(SampleSummary.Create(pages: page));

        Assert.Contains("+282 (+28,2 %) zum Vortag", html, StringComparison.Ordinal);
        Assert.Contains("±0 (±0,0 %) zum Vortag", html, StringComparison.Ordinal);
        Assert.Contains("−19 (−50,0 %) zum Vortag", html, StringComparison.Ordinal);
        Assert.Contains("<dt>Neue Beiträge</dt><dd class=\"value\">1</dd><dd class=\"change up\"><span aria-hidden=\"true\">▲ </span>+1 zum Vortag", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_previous_day_the_day_numbers_say_what_they_count()
    {
        var html = SummaryHtmlRenderer.Render(SampleSummary.Create());

        Assert.Equal(4, Regex.Count(html, "<dd class=\"change\">an diesem Tag</dd>"));
    }

    [Fact]
    public void Topics_appear_as_a_table_and_as_tags_only_when_the_summary_has_them()
    {
        var post = SampleSummary.Post() with { Topics = ["Ausbildung", "Gewinnspiel"] };
        var page = SampleSummary.Page(posts: post) with { Topics = [new TopicSummary("Ausbildung", 1, 1_200, 80, 15)] };

        var html = SummaryHtmlRenderer.Render(SampleSummary.Create(pages: page));
        var plain = SummaryHtmlRenderer.Render(SampleSummary.Create());

        Assert.Contains("<h3 id=\"seite-1-themen\">Themen</h3>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><th scope=\"row\">Ausbildung</th><td class=\"num\">1</td><td class=\"num\">1.200</td>", html, StringComparison.Ordinal);
        Assert.Contains("<li>Gewinnspiel</li>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Themen", plain, StringComparison.Ordinal);
    }

    [Fact]
    public void Meta_day_metrics_say_they_follow_metas_pacific_day_and_name_a_renamed_source()
    {
        var meta = new MetaDaySummary
        {
            Date = SampleSummary.Day,
            Metrics = new Dictionary<string, long> { ["page_media_view"] = 52_000, ["page_total_media_view_unique"] = 31_500, ["page_brand_new"] = 7 },
            Sources = new Dictionary<string, string> { ["page_media_view"] = "page_impressions" },
        };

        var html = SummaryHtmlRenderer.Render(SampleSummary.Create(pages: SampleSummary.Page() with { MetaDay = meta }));

        Assert.Contains("Kennzahlen von Meta für Metas Tag 27.11.2026", html, StringComparison.Ordinal);
        Assert.Contains("America/Los_Angeles", html, StringComparison.Ordinal);
        Assert.Contains("Aufrufe <span class=\"sub\">(page_media_view)</span></th><td class=\"num\">52.000</td><td>aus page_impressions (bei Meta umbenannt in page_media_view)</td>", html, StringComparison.Ordinal);
        Assert.Contains("Reichweite (erreichte Personen)", html, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">page_brand_new</th><td class=\"num\">7</td>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Metas Tag", SummaryHtmlRenderer.Render(SampleSummary.Create()), StringComparison.Ordinal);
    }

    [Fact]
    public void Milestones_alerts_and_giveaways_have_their_own_section()
    {
        var page = SampleSummary.Page() with
        {
            Followers = new CounterChange(1_003, 5),
            Alerts = [new SummaryAlert("takeoff", "Ein Beitrag hebt ab: 5-mal so viele Reaktionen wie üblich.", new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero))],
            Giveaways = [new GiveawayFollowThrough { PostId = "1", CreatedTime = new DateTimeOffset(2026, 10, 28, 10, 0, 0, TimeSpan.Zero), FollowersGained = 120, FollowersRetained = 96 }],
        };

        var html = SummaryHtmlRenderer.Render(SampleSummary.Create(pages: page));

        Assert.Contains("<strong>Meilenstein:</strong> 1.000 Follower erreicht.", html, StringComparison.Ordinal);
        Assert.Contains("Ein Beitrag hebt ab: 5-mal so viele Reaktionen wie üblich. <span class=\"sub\">(27.11.2026, 11:00 Uhr)</span>", html, StringComparison.Ordinal);
        Assert.Contains("Gewinnspiel vom 28.10.2026, 11:00 Uhr: +120 Follower in den 3 Tagen danach, davon nach 30 Tagen noch 96 (80,0 %).", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Meilensteine und Hinweise", SummaryHtmlRenderer.Render(SampleSummary.Create()), StringComparison.Ordinal);
    }

    [Fact]
    public void Top_posts_list_the_most_interactions_with_reactions_by_type()
    {
        var posts = new[]
        {
            SampleSummary.Post(id: "a", reactions: 10, comments: 0, shares: 0) with { Reactions = new() { Like = 7, Angry = 3 } },
            SampleSummary.Post(id: "b", reactions: 500),
            SampleSummary.Post(id: "c", reactions: 0, comments: 0, shares: 0, isNew: false),
        };

        var html = SummaryHtmlRenderer.Render(SampleSummary.Create(pages: SampleSummary.Page(posts: posts)));

        var top = System.Text.RegularExpressions.Regex.Match(html, "<ol class=\"top\">.*?</ol>", System.Text.RegularExpressions.RegexOptions.Singleline).Value;
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(top, "<li><article"));
        Assert.True(top.IndexOf("500 Reaktionen", StringComparison.Ordinal) < top.IndexOf("10 Reaktionen", StringComparison.Ordinal));
        Assert.Contains("10 Reaktionen</strong> (Gefällt mir 7, Wütend 3)", top, StringComparison.Ordinal);
    }

    [Fact]
    public void Served_day_pages_link_to_the_previous_day_and_the_last_7_and_30_days()
    {
        var html = SummaryHtmlRenderer.Render(SampleSummary.Create(), new SummaryLinks("104857600000001"));

        Assert.Contains("<nav class=\"views\" aria-label=\"Weitere Berichte\">", html, StringComparison.Ordinal);
        Assert.Contains("href=\"2026-11-26?page=104857600000001\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"../summaries?from=2026-11-21&amp;to=2026-11-27&amp;page=104857600000001\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"../summaries?from=2026-10-29&amp;to=2026-11-27&amp;page=104857600000001\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Weitere Berichte", SummaryHtmlRenderer.Render(SampleSummary.Create()), StringComparison.Ordinal);
    }
}
