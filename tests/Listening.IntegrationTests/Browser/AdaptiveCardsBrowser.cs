using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Listening.IntegrationTests.Browser;

/// <summary>
/// The official Adaptive Cards renderer (npm <c>adaptivecards</c>, pinned in package-lock.json) in Debian's headless
/// Chromium, driven by Playwright. No browser is downloaded: Chromium comes from /usr/bin/chromium
/// (<c>apt-get install chromium</c>), the renderer from node_modules (<c>npm ci</c>).
/// </summary>
public sealed class AdaptiveCardsBrowser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private const string Page = """
        <!doctype html>
        <html lang="de"><head><meta charset="utf-8"><title>Teams-Karte</title>
        <style>
          body { margin: 0; padding: 16px; background: #f5f5f5; font-family: "Segoe UI", "Helvetica Neue", Arial, sans-serif; }
          #card { width: 520px; background: #fff; border-radius: 6px; box-shadow: 0 1px 4px rgba(0,0,0,.18); overflow: hidden; }
        </style></head>
        <body><div id="card"></div></body></html>
        """;

    /// <summary>Parses with a 1.5 target (Teams' version), validates, renders; every parse or validation event is reported.</summary>
    private const string Render = """
        (json) => {
          const events = [];
          // Teams processes TextBlock markdown; this host shows the text as plain text (escaped), as Teams does
          // for text without markdown.
          AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => {
            const div = document.createElement("div");
            div.textContent = text;
            result.outputHtml = div.innerHTML;
            result.didProcess = true;
          };
          const card = new AdaptiveCards.AdaptiveCard();
          card.hostConfig = new AdaptiveCards.HostConfig({
            fontFamily: "Segoe UI, Helvetica Neue, Arial, sans-serif",
            supportsInteractivity: true
          });
          const context = new AdaptiveCards.SerializationContext(AdaptiveCards.Versions.v1_5);
          card.parse(JSON.parse(json), context);
          for (let i = 0; i < context.eventCount; i++) {
            const e = context.getEventAt(i);
            events.push("parse " + AdaptiveCards.ValidationEvent[e.event] + ": " + e.message);
          }
          for (const e of card.validateProperties().validationEvents) {
            events.push("validation " + AdaptiveCards.ValidationEvent[e.event] + ": " + e.message);
          }
          const host = document.getElementById("card");
          host.innerHTML = "";
          const rendered = card.render();
          if (!rendered) {
            events.push("render: the card rendered nothing");
            return { events, text: "" };
          }
          host.appendChild(rendered);
          return { events, text: rendered.innerText };
        }
        """;

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly string _renderer;

    private AdaptiveCardsBrowser(IPlaywright playwright, IBrowser browser, string renderer)
    {
        _playwright = playwright;
        _browser = browser;
        _renderer = renderer;
    }

    public static async Task<AdaptiveCardsBrowser> StartAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Chromium is not installed at {ChromiumPath}: run `apt-get install chromium` (the browser tests never download one).");
        }

        var renderer = FindRenderer()
            ?? throw new InvalidOperationException("The Adaptive Cards renderer is not installed: run `npm ci` in the repository root.");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        });
        return new AdaptiveCardsBrowser(playwright, browser, renderer);
    }

    /// <summary>Renders a card; the result lists every renderer event and page error (none is the goal).</summary>
    public async Task<CardRendering> RenderAsync(JsonObject card, string? screenshotPath = null)
    {
        ArgumentNullException.ThrowIfNull(card);
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 560, Height = 900 }, Locale = "de-DE" });
        try
        {
            var problems = new List<string>();
            page.Console += (_, message) =>
            {
                if (message.Type is "error" or "warning")
                {
                    problems.Add($"console {message.Type}: {message.Text}");
                }
            };
            page.PageError += (_, error) => problems.Add("page error: " + error);
            await page.SetContentAsync(Page);
            await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = _renderer });
            var result = await page.EvaluateAsync<JsonElement>(Render, card.ToJsonString());
            problems.AddRange(result.GetProperty("events").EnumerateArray().Select(e => e.GetString()!));
            if (screenshotPath is not null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(screenshotPath)!);
                await page.Locator("#card").ScreenshotAsync(new LocatorScreenshotOptions { Path = screenshotPath });
            }

            return new CardRendering(problems, result.GetProperty("text").GetString() ?? "");
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    /// <summary>The repository root (where package.json and node_modules are), found from the test's folder.</summary>
    public static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Listening.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    private static string? FindRenderer()
    {
        var root = RepositoryRoot();
        var path = root is null ? null : Path.Combine(root, "node_modules", "adaptivecards", "dist", "adaptivecards.min.js");
        return path is not null && File.Exists(path) ? path : null;
    }
}

public sealed record CardRendering(IReadOnlyList<string> Problems, string Text);

/// <summary>Browser tests run on their own, after the others: Chromium next to Azurite start-up overloads a small machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TeamsBrowserGroup
{
    public const string Name = "Teams cards in the browser";
}

/// <summary>One browser for a test class.</summary>
public sealed class AdaptiveCardsBrowserFixture : IAsyncLifetime
{
    public AdaptiveCardsBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync() => Browser = await AdaptiveCardsBrowser.StartAsync();

    public async Task DisposeAsync() => await Browser.DisposeAsync();
}
