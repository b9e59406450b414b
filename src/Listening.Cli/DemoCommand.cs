using System.Globalization;
using System.Text;
using System.Text.Json;
using Listening.Core.Configuration;
using Listening.Core.Ingestion;
using Listening.Core.Notifications;
using Listening.Core.Pipeline;
using Listening.Core.Summaries;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Listening.Core.Contracts;
using Listening.Core.Meta.Sample;

namespace Listening.Cli;

/// <summary>
/// <c>listening demo</c>: the embedded demo Page through the real pipeline with a simulated clock, real queues and
/// tables in Azurite, the same handlers as the queue functions; writes the last complete day. The last
/// <see cref="DemoPage.StoryDays"/> days (the story) are pulled hourly; days before them (the Page's history, with
/// the default of 90 days) every <see cref="HistoryPullHours"/> hours, which keeps the run short and still observes
/// every post on the day it was created, as the insights report's posting times need.
/// </summary>
internal static class DemoCommand
{
    /// <summary>Days simulated when <c>--days</c> is not given: the story and 60 days of history before it.</summary>
    public const int DefaultDays = 90;

    /// <summary>History days are pulled at 05:55, 11:55, 17:55 and 23:55 local time.</summary>
    public const int HistoryPullHours = 6;

    /// <param name="simulatedToday">The day the run takes for today (<c>--today</c>); null for the real today.
    /// Every value in the written files follows from it, <paramref name="days"/> and the demo script.</param>
    /// <param name="fresh">Delete the demo's data (<c>.listening/azurite</c>) first; else the run adds to it.</param>
    /// <param name="localRoot">The <c>.listening</c> folder; below the current folder by default.</param>
    public static async Task<int> RunAsync(
        int days, string outDir, bool verbose, TextWriter output, CancellationToken cancellationToken, DateOnly? simulatedToday = null,
        bool fresh = false, string? localRoot = null)
    {
        var environment = CliHost.Configuration();
        if (fresh && CliStorage.IsConfigured(environment))
        {
            await Console.Error.WriteLineAsync("--fresh starts over the demo's own data (.listening/azurite), but AzureWebJobsStorage is set, so the demo runs there: unset it to use the demo's data, or run without --fresh.");
            return 2;
        }

        // The demo's own first line says where its data goes; the other commands print the storage's notice.
        await using var storage = await CliStorage.ForAsync(localRoot, null, TextWriter.Null, cancellationToken, fresh);
        var azurite = storage.Local;

        var calendarProbe = new LocalCalendar(environment["Listening:TimeZone"] is { Length: > 0 } zone && LocalCalendar.IsValidZone(zone) ? zone : "Europe/Berlin");
        var today = simulatedToday ?? calendarProbe.DateOf(TimeProvider.System.GetUtcNow());
        var lastDay = today.AddDays(-1);
        var firstDay = today.AddDays(-days);

        // The story takes the last 30 days (or all of a shorter run); the days before it are the Page's history.
        var storyStart = today.AddDays(-Math.Min(days, DemoPage.StoryDays));
        var historyDays = storyStart.DayNumber - firstDay.DayNumber;
        var clock = new SimulatedClock(calendarProbe.StartOf(firstDay));
        var overrides = new Dictionary<string, string?>(storage.Overrides)
        {
            ["Listening:Demo:StartDate"] = IsoDate.Format(storyStart),
            ["Listening:Demo:HistoryDays"] = historyDays.ToString(CultureInfo.InvariantCulture),
        };

        // The demo always shows the demo Page, even where real Page tokens are configured.
        for (var i = 0; i < 100 && environment[$"Listening:Pages:{i}:Id"] is not null; i++)
        {
            overrides[$"Listening:Pages:{i}:AccessToken"] = "";
        }

        using var host = CliHost.Build(overrides, clock, verbose);
        var services = host.Services;
        var calendar = services.GetRequiredService<LocalCalendar>();
        var scheduler = services.GetRequiredService<PullScheduler>();
        var drain = services.GetRequiredService<QueueDrain>();
        var commentAlerts = services.GetRequiredService<Core.Notifications.Alerts.CommentAlerts>();

        var cadence = historyDays > 0
            ? string.Create(CultureInfo.InvariantCulture, $"the last {days - historyDays} hourly, the {historyDays} before every {HistoryPullHours} hours")
            : "hourly pulls";
        await output.WriteLineAsync($"Listening demo: {Core.Meta.Sample.DemoPage.PageName}, {days} days ({GermanFormat.Date(firstDay)} to {GermanFormat.Date(lastDay)}), {cadence}"
            + (azurite is null ? " into the configured storage." : $" into Azurite, data kept in {LocalAzurite.Display(azurite.DataFolder)}{(fresh ? " (started over)" : azurite.Empty ? "" : " (added to the data there; --fresh starts over)")}."));
        var end = calendar.EndOf(lastDay);
        var historyEnd = calendar.StartOf(storyStart);
        var simulatedDays = 0;
        for (var at = calendar.StartOf(firstDay).AddMinutes(55); at < end; at = at.AddHours(1))
        {
            // A history day's pulls: every sixth local hour, the last at 23:55, so each day's rows end with the day.
            if (at < historyEnd && (calendar.ToLocal(at).Hour + 1) % HistoryPullHours != 0)
            {
                continue;
            }

            clock.Set(at);
            await scheduler.ScheduleAsync(everyPage: true, cancellationToken);
            var result = await drain.RunAsync(cancellationToken);
            if (result.Failures.Count > 0 || result.Poisoned.Count > 0)
            {
                await Console.Error.WriteLineAsync($"Failed: the pipeline could not process the pull of {at:O}: {result.Failures.FirstOrDefault() ?? "a message went to the poison queue"}");
                return 1;
            }

            // As the pull timer does: questions left open past Listening:Comments:AnswerWithinMinutes of office hours
            // (their alerts go out with the next hour's drain, or the digest's).
            await commentAlerts.RaiseUnansweredAsync(cancellationToken);
            if (calendar.ToLocal(at).Hour == 23)
            {
                simulatedDays++;
                await output.WriteAsync($"\r  simulated {simulatedDays} of {days} days");
            }
        }

        await output.WriteLineAsync();

        // The morning digest through the real timer path: the first hourly run after the digest hour.
        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ListeningOptions>>().Value;
        clock.Set(calendar.StartOf(today).AddHours(options.DigestHour).AddMinutes(5));
        await services.GetRequiredService<DigestScheduler>().RunAsync(cancellationToken);
        await drain.RunAsync(cancellationToken);

        var stored = await services.GetRequiredService<SummaryReader>().ReadDayAsync(lastDay, null, cancellationToken)
            ?? throw new InvalidOperationException($"The demo produced no summary for {IsoDate.Format(lastDay)}.");
        var digest = await services.GetRequiredService<DigestScheduler>().BuildAsync(lastDay, cancellationToken);

        Directory.CreateDirectory(outDir);
        var stamp = IsoDate.Format(lastDay);
        var files = new[]
        {
            Path.Combine(outDir, $"summary-{stamp}.json"),
            Path.Combine(outDir, $"summary-{stamp}.html"),
            Path.Combine(outDir, $"teams-{stamp}.json"),
        };
        await File.WriteAllBytesAsync(files[0], JsonSerializer.SerializeToUtf8Bytes(stored.Summary, SummaryJsonContext.Default.DailySummary), cancellationToken);
        // No byte order mark (Encoding.UTF8 would write one): JSON must not have one (RFC 8259), and the HTML is the
        // same bytes the day page is served with (it declares its charset itself).
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        await File.WriteAllTextAsync(files[1], SummaryHtmlRenderer.Render(stored.Summary), utf8, cancellationToken);
        await File.WriteAllTextAsync(files[2], digest.Payload.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), utf8, cancellationToken);

        await WriteTerminalSummaryAsync(output, stored.Summary);
        foreach (var file in files)
        {
            await output.WriteLineAsync("  wrote " + Path.GetRelativePath(Directory.GetCurrentDirectory(), Path.GetFullPath(file)));
        }

        await WriteNextStepsAsync(output, lastDay);
        return 0;
    }

    /// <summary>The demo's last lines: the two commands that come next (README, "Two commands").</summary>
    internal static async Task WriteNextStepsAsync(TextWriter output, DateOnly lastDay)
    {
        await output.WriteLineAsync("Next steps:");
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"  1. listening serve       then open http://127.0.0.1:{ServeCommand.DefaultPort}/ (day page, 30-day report, health)"));
        await output.WriteLineAsync($"  2. listening summary --date {IsoDate.Format(lastDay)} --format html");
        await output.WriteLineAsync("  (from the repository: dotnet run --project src/Listening.Cli -- serve)");
    }

    internal static async Task WriteTerminalSummaryAsync(TextWriter output, DailySummary summary)
    {
        await output.WriteLineAsync($"{(summary.Demo ? "Demo – " : "")}Tageszusammenfassung {GermanFormat.Date(summary.Date)} ({summary.TimeZone})");
        foreach (var page in summary.Pages)
        {
            await output.WriteLineAsync($"  {page.Name}");
            await output.WriteLineAsync($"    Follower      {GermanFormat.Number(page.Followers.End),8}  ({GermanFormat.Change(page.Followers.Change)})");
            await output.WriteLineAsync($"    Reaktionen    {GermanFormat.Number(page.Reactions.Total),8}");
            await output.WriteLineAsync($"    Kommentare    {GermanFormat.Number(page.Comments),8}");
            await output.WriteLineAsync($"    Mal geteilt   {GermanFormat.Number(page.Shares),8}");
            // Reach as the day page shows it: a sum over the day's posts (people reached for the first time that day).
            await output.WriteLineAsync($"    Erreicht      {GermanFormat.Number(page.Reach),8}  Personen (Summe über die Beiträge)");
            await output.WriteLineAsync($"    Aufrufe       {GermanFormat.Number(page.Views),8}");
            if (TopPostRanking.Top(page, 1) is [var top])
            {
                var reach = top.ReachTotal is { } total ? $" ({GermanFormat.Number(total)} Personen erreicht)" : "";
                await output.WriteLineAsync($"    Top-Beitrag   {top.Excerpt[..Math.Min(70, top.Excerpt.Length)]}{reach}");
            }
        }
    }
}
