using System.Text.Json;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Summaries;
using Listening.IntegrationTests.Cli;
using Microsoft.Playwright;

namespace Listening.IntegrationTests.Browser;

/// <summary>
/// <c>listening serve</c> in a real browser (headless Chromium): the start page is accessible (axe-core, WCAG 2.1
/// AA) and its three links lead to yesterday's day page, the report of the last 30 days and health.
/// </summary>
[Collection(ChromiumTests.Name)]
public sealed class ServeBrowserTests(BrowserFixture browser, ServedDemoFixture fixture) : IClassFixture<ServedDemoFixture>
{
    [Fact]
    public async Task Start_page_links_to_yesterday_the_last_30_days_and_health()
    {
        var served = fixture.Served;
        var yesterday = new LocalCalendar("Europe/Berlin").DateOf(DateTimeOffset.UtcNow).AddDays(-1);
        var tab = await browser.NewPageAsync(javaScript: false);

        var start = await tab.GotoAsync(served.Url.ToString());
        Assert.Equal(200, start!.Status);
        Assert.Equal("Listening", await tab.InnerTextAsync("h1"));
        Assert.Equal(3, await tab.Locator("main a").CountAsync());

        await tab.ClickAsync($"text=Tageszusammenfassung von gestern ({GermanFormat.Date(yesterday)})");
        Assert.EndsWith("/api/summaries/" + IsoDate.Format(yesterday), tab.Url, StringComparison.Ordinal);
        Assert.Equal("Demo – Tageszusammenfassung " + GermanFormat.Date(yesterday), await tab.InnerTextAsync("h1"));
        Assert.Contains("Kreis Musterstadt (Demo)", await tab.InnerTextAsync("main"), StringComparison.Ordinal);

        await tab.GoBackAsync();
        await tab.ClickAsync("text=Bericht der letzten 30 Tage");
        Assert.EndsWith($"/api/summaries?from={IsoDate.Format(yesterday.AddDays(-29))}&to={IsoDate.Format(yesterday)}", tab.Url, StringComparison.Ordinal);
        var heading = await tab.InnerTextAsync("h1");
        Assert.StartsWith("Demo – ", heading, StringComparison.Ordinal);
        Assert.Contains(GermanFormat.Date(yesterday), heading, StringComparison.Ordinal);

        await tab.GoBackAsync();
        await tab.ClickAsync("text=Zustand des Abrufs");
        Assert.EndsWith("/api/health", tab.Url, StringComparison.Ordinal);
        using var health = JsonDocument.Parse(await tab.InnerTextAsync("body"));
        Assert.True(health.RootElement.GetProperty("demo").GetBoolean());
        Assert.Equal("Kreis Musterstadt (Demo)", health.RootElement.GetProperty("pages")[0].GetProperty("name").GetString());
        await tab.Context.CloseAsync();
    }

    [Fact]
    public async Task Start_page_has_no_wcag_violations()
    {
        var served = fixture.Served;
        // The page's own Content-Security-Policy forbids every script, axe-core's too: this context alone bypasses it.
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BypassCSP = true, Locale = "de-DE", TimezoneId = "Europe/Berlin" });
        var tab = await context.NewPageAsync();
        await tab.GotoAsync(served.Url.ToString());
        await tab.AddScriptTagAsync(new PageAddScriptTagOptions { Content = browser.AxeSource });
        var result = await tab.EvaluateAsync<JsonElement>(
            "async () => { const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }); "
            + "return { passes: r.passes.length, violations: r.violations.map(v => v.id + ': ' + v.help) }; }");
        await tab.Context.CloseAsync();

        var violations = result.GetProperty("violations").EnumerateArray().Select(v => v.GetString()).ToList();
        Assert.True(violations.Count == 0, "axe-core found WCAG violations:\n" + string.Join("\n", violations));
        Assert.True(result.GetProperty("passes").GetInt32() > 5, "axe-core checked almost nothing");
    }
}
