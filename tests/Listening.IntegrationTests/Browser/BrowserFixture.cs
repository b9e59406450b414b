using Listening.Core.Configuration;
using Listening.Core.Ingestion;
using Listening.Core.Pipeline;
using Listening.Core.Summaries;
using Listening.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using Listening.Core.Contracts;

namespace Listening.IntegrationTests.Browser;

/// <summary>
/// Debian's Chromium (never a browser download), driven by Playwright's bundled driver, plus the demo Page's
/// 30-day story run through the real pipeline (a pull every two hours into Azurite) for pages worth looking at.
/// </summary>
/// <remarks>
/// Prerequisite on a fresh machine: <c>apt-get install -y chromium</c> (or point LISTENING_CHROMIUM at another
/// Chromium) and <c>npm ci</c> for axe-core and Azurite.
/// </remarks>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumVariable = "LISTENING_CHROMIUM";

    /// <summary>The demo story's first day; its last day is 29 days later.</summary>
    public static readonly DateOnly FirstDay = new(2026, 10, 29);

    public static readonly DateOnly LastDay = FirstDay.AddDays(29);

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public string AxeSource { get; private set; } = "";

    public string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Every day of the demo story, as the summaries endpoint serves it.</summary>
    public IReadOnlyDictionary<DateOnly, DailySummary> DemoDays { get; private set; } = new Dictionary<DateOnly, DailySummary>();

    /// <summary>The whole story as one period report.</summary>
    public PeriodSummary DemoPeriod { get; private set; } = null!;

    /// <summary>The insights report of the demo story's 30 days.</summary>
    public Core.Insights.InsightsReport DemoInsights { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var axe = Path.Combine(RepositoryRoot, "node_modules", "axe-core", "axe.min.js");
        if (!File.Exists(axe))
        {
            throw new InvalidOperationException($"axe-core is not installed ({axe} is missing): run `npm ci` in the repository root.");
        }

        AxeSource = await File.ReadAllTextAsync(axe);
        var chromium = Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException(
                $"Chromium is not installed at {chromium}: run `apt-get install -y chromium` (Debian's package), or set {ChromiumVariable} to a Chromium binary.");
        }

        // Playwright must never fetch a browser of its own; the tests use the system's Chromium.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        });

        await RunDemoStoryAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
    }

    /// <summary>A page in a fresh context (1100 px wide, German, Berlin time); JavaScript only when a test needs it.</summary>
    public async Task<IPage> NewPageAsync(bool javaScript = true)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1100, Height = 900 },
            Locale = "de-DE",
            TimezoneId = "Europe/Berlin",
            JavaScriptEnabled = javaScript,
        });
        return await context.NewPageAsync();
    }

    private async Task RunDemoStoryAsync()
    {
        var calendar = new LocalCalendar("Europe/Berlin");
        await using var app = await TestApp.StartAsync(calendar.StartOf(FirstDay), new Dictionary<string, string?>
        {
            ["Listening:Demo:StartDate"] = FirstDay.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        });
        var scheduler = app.Get<PullScheduler>();
        var drain = app.Get<QueueDrain>();
        var end = calendar.EndOf(LastDay);
        // On quarter hours: outside crisis mode the scheduler pulls a Page only then.
        for (var at = calendar.StartOf(FirstDay).AddMinutes(45); at < end; at = at.AddHours(2))
        {
            app.Time.SetUtcNow(at);
            await scheduler.ScheduleAsync(CancellationToken.None);
            var result = await drain.RunAsync(CancellationToken.None);
            if (result.Failures.Count > 0 || result.Poisoned.Count > 0)
            {
                throw new InvalidOperationException("The demo story did not run through the pipeline: " + result.Failures.FirstOrDefault());
            }
        }

        var reader = app.Get<SummaryReader>();
        var days = new Dictionary<DateOnly, DailySummary>();
        for (var date = FirstDay; date <= LastDay; date = date.AddDays(1))
        {
            days[date] = (await reader.ReadDayAsync(date, null, CancellationToken.None))!.Summary;
        }

        DemoDays = days;
        DemoPeriod = (await reader.ReadPeriodAsync(FirstDay, LastDay, null, CancellationToken.None))!.Summary;
        DemoInsights = (await app.Get<Core.Insights.InsightsReader>().ReadAsync(FirstDay, LastDay, null, CancellationToken.None))!.Report;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Listening.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Listening.sln not found above " + AppContext.BaseDirectory);
    }
}

[CollectionDefinition(Name)]
public sealed class ChromiumTests : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
