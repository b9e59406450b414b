using System.Text.Json;
using Listening.Core.Contracts;
using Listening.Core.Summaries;
using Microsoft.Playwright;

namespace Listening.IntegrationTests.Browser;

/// <summary>
/// The summary pages in a real browser (headless Chromium): axe-core finds no WCAG 2.1 A/AA violation, text
/// from Facebook never runs as script, the print stylesheet applies, and the README screenshot is made here.
/// </summary>
[Collection(ChromiumTests.Name)]
public sealed class SummaryPageBrowserTests(BrowserFixture browser)
{
    private static readonly string[] WcagTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

    [Fact]
    public async Task Demo_day_page_has_no_wcag_violations()
    {
        var html = SummaryHtmlRenderer.Render(MilestoneDemoDay(), new SummaryLinks(null));

        await AssertAccessibleAsync(html);
    }

    [Fact]
    public async Task Demo_period_page_has_no_wcag_violations()
    {
        var html = PeriodHtmlRenderer.Render(browser.DemoPeriod, new SummaryLinks(null));

        await AssertAccessibleAsync(html);
    }

    [Fact]
    public async Task Demo_insights_page_has_no_wcag_violations()
    {
        var report = browser.DemoInsights;
        Assert.NotEmpty(report.Pages[0].Giveaways);
        Assert.Contains(report.Pages[0].PostingTime.Cells, c => !c.Enough);
        Assert.Equal(2, report.Pages[0].Accessibility.Sum(m => m.PostsLackingAltText)); // the demo's two images without alternative text

        await AssertAccessibleAsync(Core.Insights.InsightsHtmlRenderer.Render(report, ""));
    }

    [Fact]
    public async Task Demo_day_listing_an_image_without_alternative_text_has_no_wcag_violations()
    {
        var day = browser.DemoDays[BrowserFixture.FirstDay.AddDays(2)];
        var html = SummaryHtmlRenderer.Render(day, new SummaryLinks(null));

        Assert.Contains("Bild ohne Alternativtext: ", html, StringComparison.Ordinal);
        await AssertAccessibleAsync(html);
    }

    [Fact]
    public async Task Insights_page_with_best_slots_and_two_pages_has_no_wcag_violations()
    {
        var demo = browser.DemoInsights;
        var timing = demo.Pages[0].PostingTime;
        var cells = timing.Cells.Select((c, i) => c with { Enough = true, MedianReach24h = 100 + (37 * i), MedianInteractions24h = i }).ToList();
        var page = demo.Pages[0] with { PostingTime = timing with { Cells = cells, BestSlots = [.. cells.OrderByDescending(c => c.MedianReach24h).Take(3)] } };
        var report = demo with { MinPostsPerCell = 1, Pages = [page, page with { PageId = "2", Name = "Zweite Seite" }] };

        var html = Core.Insights.InsightsHtmlRenderer.Render(report, "2");

        Assert.Contains("Die besten Zeitfenster", html, StringComparison.Ordinal);
        await AssertAccessibleAsync(html);
    }

    [Fact]
    public async Task Pages_with_every_optional_section_have_no_wcag_violations()
    {
        var day = FullDay("Kreis Soest", "Ausbildung beim Kreis: Jetzt bewerben!", "Ausbildung");

        await AssertAccessibleAsync(SummaryHtmlRenderer.Render(day, new SummaryLinks("104857600000001")));
        var period = PeriodSummaryBuilder.Build(day.Date.AddDays(-6), day.Date, "Europe/Berlin", false,
            [new PageDays("104857600000001", "Kreis Soest", [day.Pages[0], day.Pages[0] with { Date = day.Date.AddDays(-3) }])]);
        await AssertAccessibleAsync(PeriodHtmlRenderer.Render(period, new SummaryLinks(null)));
    }

    [Fact]
    public async Task Script_in_post_texts_never_runs_and_is_shown_literally()
    {
        const string script = "<script>window.__xss = 1</script>";
        const string attribute = "\" onmouseover=\"window.__xss = 2\" x=\"";
        const string image = "<img src=x onerror=\"window.__xss = 3\">";
        var day = FullDay("Kreis " + script, "Hallo " + script + attribute + image, "Thema" + attribute) with { };
        var page = day.Pages[0] with
        {
            Posts = [day.Pages[0].Posts[0] with { Permalink = "javascript:window.__xss = 4" }, .. day.Pages[0].Posts.Skip(1)],
            Alerts = [new SummaryAlert("crisis", "Warnung " + image)],
        };
        day = day with { Pages = [page] };
        var period = PeriodSummaryBuilder.Build(day.Date.AddDays(-6), day.Date, "Europe/Berlin", false, [new PageDays(page.PageId, page.Name, [page])]);

        foreach (var html in new[] { SummaryHtmlRenderer.Render(day, new SummaryLinks("1\"><script>window.__xss = 5</script>")), PeriodHtmlRenderer.Render(period) })
        {
            var tab = await browser.NewPageAsync();
            var dialogs = 0;
            tab.Dialog += (_, dialog) =>
            {
                dialogs++;
                _ = dialog.DismissAsync();
            };
            await tab.SetContentAsync(html);
            foreach (var text in await tab.Locator(".text, h2, .tags li, .notes li").AllAsync())
            {
                await text.HoverAsync();
            }

            Assert.Equal("undefined", await tab.EvaluateAsync<string>("() => typeof window.__xss"));
            Assert.Equal(0, dialogs);
            Assert.Equal(0, await tab.EvaluateAsync<int>("() => document.scripts.length"));
            Assert.False(await tab.EvaluateAsync<bool>("() => [...document.querySelectorAll('*')].some(e => [...e.attributes].some(a => a.name.startsWith('on')))"));
            Assert.False(await tab.EvaluateAsync<bool>("() => [...document.querySelectorAll('a')].some(a => a.href.startsWith('javascript:'))"));
            var shown = await tab.InnerTextAsync("main");
            Assert.Contains("Hallo " + script + attribute + image, shown, StringComparison.Ordinal);
            Assert.Contains("Kreis " + script, await tab.InnerTextAsync("h2"), StringComparison.Ordinal);
            await tab.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Pages_work_without_javascript_and_print_without_navigation()
    {
        var tab = await browser.NewPageAsync(javaScript: false);
        await tab.SetContentAsync(SummaryHtmlRenderer.Render(MilestoneDemoDay(), new SummaryLinks(null)));

        Assert.True(await tab.Locator("h1").IsVisibleAsync());
        Assert.True(await tab.Locator("nav.views").IsVisibleAsync());
        await tab.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        Assert.False(await tab.Locator("nav.views").IsVisibleAsync());
        var cards = tab.Locator(".cards");
        var count = await cards.CountAsync();
        Assert.True(count > 0, "the day page has no cards");
        for (var i = 0; i < count; i++)
        {
            Assert.True(await cards.Nth(i).IsVisibleAsync(), $"cards {i + 1} of {count} are hidden in print");
        }

        await tab.Context.CloseAsync();
    }

    /// <summary>The README's pictures of the day page and the period report, from the demo story, drawn without JavaScript.</summary>
    [Fact]
    public async Task Screenshots_of_the_demo_pages_for_the_readme()
    {
        var images = Path.Combine(browser.RepositoryRoot, "docs", "images");
        Directory.CreateDirectory(images);
        var shots = new (string File, string Html)[]
        {
            ("summary-day.png", SummaryHtmlRenderer.Render(MilestoneDemoDay())),
            ("summary-period.png", PeriodHtmlRenderer.Render(browser.DemoPeriod)),
        };
        foreach (var (file, html) in shots)
        {
            var tab = await browser.NewPageAsync(javaScript: false);
            await tab.SetViewportSizeAsync(1000, 1400);
            await tab.SetContentAsync(html);
            var path = Path.Combine(images, file);
            var png = await tab.ScreenshotAsync(new PageScreenshotOptions { Path = path, Type = ScreenshotType.Png });
            await tab.Context.CloseAsync();

            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, png[..4]);
            Assert.True(new FileInfo(path).Length > 20_000, $"{path} looks empty");
        }
    }

    /// <summary>The demo day the Page passed 1.000 followers (the day after the giveaway): every section the demo has.</summary>
    private DailySummary MilestoneDemoDay() =>
        browser.DemoDays.Values.First(d => d.Pages.Any(p => p.Milestones is { Count: > 0 }));

    private async Task AssertAccessibleAsync(string html)
    {
        var tab = await browser.NewPageAsync();
        await tab.SetContentAsync(html);
        await tab.AddScriptTagAsync(new PageAddScriptTagOptions { Content = browser.AxeSource });
        var result = await tab.EvaluateAsync<JsonElement>(
            "async tags => { const r = await axe.run(document, { runOnly: { type: 'tag', values: tags } }); "
            + "return { passes: r.passes.length, violations: r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at ' + v.nodes.map(n => n.target.join(' ')).join(', ')) }; }",
            WcagTags);
        await tab.Context.CloseAsync();

        var violations = result.GetProperty("violations").EnumerateArray().Select(v => v.GetString()).ToList();
        Assert.True(violations.Count == 0, "axe-core found WCAG violations:\n" + string.Join("\n", violations));
        Assert.True(result.GetProperty("passes").GetInt32() > 10, "axe-core checked almost nothing");
    }

    /// <summary>A Page's day with every optional section: topics, Meta's metrics, alerts, a giveaway, a milestone.</summary>
    private static DailySummary FullDay(string pageName, string excerpt, string topic)
    {
        var date = new DateOnly(2026, 11, 27);
        PostDaySummary Post(string id, long like, long angry, bool isNew) => new()
        {
            Id = id,
            CreatedTime = new DateTimeOffset(2026, 11, 27, 8, 15, 0, TimeSpan.Zero),
            Permalink = "https://www.facebook.com/104857600000001/posts/" + id,
            Excerpt = excerpt,
            Reactions = new ReactionCounts { Like = like, Love = like / 5, Angry = angry },
            ReactionsTotal = new ReactionCounts { Like = like * 2, Love = like / 3, Angry = angry },
            Comments = like / 10,
            CommentsTotal = like / 5,
            Shares = like / 20,
            SharesTotal = like / 10,
            New = isNew,
            Topics = [topic, "Umwelt"],
        };
        var page = new PageDaySummary
        {
            PageId = "104857600000001",
            Name = pageName,
            Date = date,
            GeneratedAt = new DateTimeOffset(2026, 11, 27, 22, 45, 0, TimeSpan.Zero),
            Followers = new CounterChange(1_004, 9),
            Likes = new CounterChange(980, -2),
            Reactions = new ReactionCounts { Like = 1_180, Love = 64, Care = 9, Haha = 21, Wow = 5, Sad = 2, Angry = 1 },
            Comments = 87,
            Shares = 19,
            Observations = 96,
            Posts = [Post("1", 900, 1, true), Post("2", 280, 0, false)],
            Topics = [new TopicSummary(topic, 2, 1_180, 87, 19), new TopicSummary("Umwelt", 1, 280, 28, 14)],
            MetaDay = new MetaDaySummary
            {
                Date = date,
                Metrics = new Dictionary<string, long> { ["page_media_view"] = 52_000, ["page_total_media_view_unique"] = 31_450, ["page_post_engagements"] = 1_401 },
                Sources = new Dictionary<string, string> { ["page_media_view"] = "page_impressions" },
            },
            Giveaways = [new GiveawayFollowThrough { PostId = "9", CreatedTime = new DateTimeOffset(2026, 10, 28, 10, 0, 0, TimeSpan.Zero), Excerpt = excerpt, Permalink = "https://www.facebook.com/104857600000001/posts/9", FollowersGained = 120, FollowersRetained = 96 }],
            Alerts = [new SummaryAlert("takeoff", "Ein Beitrag hebt ab: fünfmal so viele Reaktionen wie üblich.", new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero))],
            PreviousDay = new DayTotals { Date = date.AddDays(-1), Reactions = 400, Comments = 90, Shares = 19, NewPosts = 2 },
        };
        return new DailySummary { Date = date, TimeZone = "Europe/Berlin", Demo = false, GeneratedAt = page.GeneratedAt, Pages = [page] };
    }
}
