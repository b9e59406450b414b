using System.CommandLine;
using System.Globalization;
using Listening.Core.Contracts;
using Listening.Core.Ingestion;
using Listening.Core.Pipeline;
using Listening.Core.Summaries;
using Microsoft.Extensions.DependencyInjection;

namespace Listening.Cli;

/// <summary>The <c>listening</c> operator tool. Commands and options are documented in README ("CLI").</summary>
public static class ListeningCli
{
    /// <param name="workingDirectory">Where the demo's data lives (<c>.listening/</c> below it); the current folder by default.</param>
    public static RootCommand Build(string? workingDirectory = null)
    {
        var localRoot = LocalAzurite.RootIn(workingDirectory);
        var verbose = new Option<bool>("--verbose") { Description = "Log what the pipeline does (to standard error).", Recursive = true };

        var days = new Option<int>("--days")
        {
            Description = "Days to simulate, ending yesterday: the demo story's last 30 days hourly, days before them (the Page's history) every 6 hours.",
            DefaultValueFactory = _ => DemoCommand.DefaultDays,
        };
        days.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 2 or > 90)
            {
                r.AddError("--days must be from 2 to 90.");
            }
        });
        var outDir = new Option<string>("--out") { Description = "Folder for the summary and Teams files.", DefaultValueFactory = _ => "out" };
        var today = new Option<string?>("--today")
        {
            Description = $"Simulate as if today were this day, {IsoDate.Pattern} (default: the real today in Listening:TimeZone); the same day gives the same files, byte for byte.",
        };
        today.Validators.Add(r =>
        {
            if (!BackfillCommand.TryParseDate(r.GetValueOrDefault<string?>(), out _))
            {
                r.AddError($"--today must be a date like 2026-01-31 ({IsoDate.Pattern}).");
            }
        });
        var fresh = new Option<bool>("--fresh") { Description = "Start over: delete the demo's data (.listening/azurite) before the run." };
        var demo = new Command("demo", "Run the embedded demo Page through the real pipeline (Azurite, data kept in .listening/azurite) and write the last complete day's summary.") { days, outDir, today, fresh };
        demo.SetAction((parse, ct) => CliHost.RunAsync(() =>
            DemoCommand.RunAsync(parse.GetValue(days), parse.GetValue(outDir)!, parse.GetValue(verbose), Console.Out, ct,
                BackfillCommand.TryParseDate(parse.GetValue(today), out var day) ? day : null, parse.GetValue(fresh), localRoot)));

        var since = new Option<string?>("--since") { Description = $"Backfill from this day, {IsoDate.Pattern}: Page insights in windows of at most 90 days, and the posts created since then with their current totals." };
        var until = new Option<string?>("--until") { Description = $"Last day of the backfill, {IsoDate.Pattern} (default: today). Needs --since." };
        foreach (var option in new[] { since, until })
        {
            option.Validators.Add(r =>
            {
                if (!BackfillCommand.TryParseDate(r.GetValueOrDefault<string?>(), out _))
                {
                    r.AddError($"{r.Option.Name} must be a date like 2026-01-31 ({IsoDate.Pattern}).");
                }
            });
        }

        var sync = new Command("sync", "One pull cycle now for every configured Page, then process the queues until they are empty; with --since, a backfill of the range instead.")
        {
            since, until,
        };
        sync.Validators.Add(r =>
        {
            if (r.GetResult(until) is not null && r.GetResult(since) is null)
            {
                r.AddError("--until needs --since.");
            }
        });
        sync.SetAction((parse, ct) => CliHost.RunAsync(() => parse.GetValue(since) is { } from
            ? BackfillAsync(from, parse.GetValue(until), parse.GetValue(verbose), localRoot, ct)
            : SyncAsync(parse.GetValue(verbose), localRoot, ct)));

        var check = new Command("check", "Per configured Page: token valid or not, its expiry and data-access expiry, scopes, and which configured metrics Meta accepts. Exit code 1 when a Page is unusable.");
        check.SetAction((parse, ct) => CliHost.RunAsync(() => CheckAsync(parse.GetValue(verbose), ct)));

        var date = new Option<string?>("--date") { Description = $"The day, {IsoDate.Pattern} (or today, yesterday)." };
        var from = new Option<string?>("--from") { Description = $"First day of a period report, {IsoDate.Pattern} (with --to; at most 366 days)." };
        var to = new Option<string?>("--to") { Description = $"Last day of a period report, {IsoDate.Pattern} (with --from)." };
        var page = new Option<string?>("--page") { Description = "Only this Page id (default: all configured Pages)." };
        var format = new Option<string>("--format") { Description = "json, html or csv (UTF-8 with BOM, ';', for German Excel).", DefaultValueFactory = _ => "json" };
        format.AcceptOnlyFromAmong("json", "html", "csv");
        var summary = new Command("summary", "Print the stored summary of a day (--date) or the report of a period (--from and --to).") { date, from, to, page, format };
        summary.Validators.Add(r =>
        {
            var hasDate = r.GetValue(date) is not null;
            var hasFrom = r.GetValue(from) is not null;
            var hasTo = r.GetValue(to) is not null;
            if (hasDate == (hasFrom || hasTo))
            {
                r.AddError("Give either --date or --from with --to.");
            }
            else if (hasFrom != hasTo)
            {
                r.AddError("--from and --to go together.");
            }
        });
        summary.SetAction((parse, ct) => CliHost.RunAsync(() =>
            SummaryAsync(parse.GetValue(date), parse.GetValue(from), parse.GetValue(to), parse.GetValue(page), parse.GetValue(format)!, parse.GetValue(verbose), localRoot, ct)));

        var insightsFrom = new Option<string?>("--from") { Description = $"First day of the posts to look at, {IsoDate.Pattern} (with --to; default: the last 90 days, at most 366)." };
        var insightsTo = new Option<string?>("--to") { Description = $"Last day, {IsoDate.Pattern} (with --from)." };
        var insightsFormat = new Option<string>("--format") { Description = "json, html or csv (UTF-8 with BOM, ';', for German Excel).", DefaultValueFactory = _ => "json" };
        insightsFormat.AcceptOnlyFromAmong("json", "html", "csv");
        var insights = new Command("insights", "Print what worked: topics, formats, posting times and giveaways of the posts created from --from to --to (default the last 90 days).")
        {
            insightsFrom, insightsTo, page, insightsFormat,
        };
        insights.Validators.Add(r =>
        {
            if ((r.GetValue(insightsFrom) is null) != (r.GetValue(insightsTo) is null))
            {
                r.AddError("--from and --to go together.");
            }
        });
        insights.SetAction((parse, ct) => CliHost.RunAsync(() =>
            InsightsAsync(parse.GetValue(insightsFrom), parse.GetValue(insightsTo), parse.GetValue(page), parse.GetValue(insightsFormat)!, parse.GetValue(verbose), localRoot, ct)));

        var notifyDate = new Option<string>("--date") { Description = $"The day whose digest to send, {IsoDate.Pattern}.", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the Teams payload instead of sending it." };
        var notify = new Command("notify", "Send the morning digest of a day to Teams now (or print it with --dry-run).") { notifyDate, dryRun };
        notify.SetAction((parse, ct) => CliHost.RunAsync(() =>
            NotifyCommand.RunAsync(parse.GetValue(notifyDate)!, parse.GetValue(dryRun), parse.GetValue(verbose), Console.Out, Console.Error, ct, localRoot: localRoot)));

        return new RootCommand("Listening: social listening for a press office's Facebook Page, on Azure Functions.")
        {
            verbose, demo, ServeCommand.Build(verbose, localRoot), sync, check, summary, insights, notify, WebhookCommand.Build(verbose),
            OperationsCommands.Poison(verbose, localRoot), OperationsCommands.Replay(verbose, localRoot),
            PagesCommand.Build(verbose, localRoot),
        };
    }

    private static async Task<int> SyncAsync(bool verbose, string localRoot, CancellationToken cancellationToken)
    {
        await using var storage = await CliStorage.ForAsync(localRoot, null, Console.Error, cancellationToken);
        using var host = CliHost.Build(storage.Overrides, verbose: verbose);
        var scheduled = await host.Services.GetRequiredService<PullScheduler>().ScheduleAsync(everyPage: true, cancellationToken);
        var result = await host.Services.GetRequiredService<QueueDrain>().RunAsync(cancellationToken);
        var poisoned = result.Poisoned.Values.Sum();
        var notSynced = NotSynced(result, await host.Services.GetRequiredService<PageDirectory>().AllAsync(cancellationToken));
        foreach (var line in notSynced)
        {
            await Console.Error.WriteLineAsync(line);
        }

        if (result.Failures.Count > 0 || poisoned > 0)
        {
            await Console.Error.WriteLineAsync(
                $"Sync failed: {result.Failures.Count} failed tries, {poisoned} messages in poison queues; first: {result.Failures.FirstOrDefault() ?? "see the poison queue (listening poison list)"}");
            return 1;
        }

        if (notSynced.Count > 0)
        {
            return 1;
        }

        await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Synced {scheduled} page(s): {result.Done.GetValueOrDefault("pulls")} pulls, {result.Done.Values.Sum()} messages processed."));
        return 0;
    }

    /// <summary>One sentence per Page whose pull of this run brought nothing, in our words (Meta's text stays in the logs, --verbose).</summary>
    internal static IReadOnlyList<string> NotSynced(DrainResult result, IReadOnlyList<Core.Configuration.PageOptions> pages) =>
    [
        .. result.Pulls
            .Where(p => p.Outcome.Status != PullStatus.Pulled)
            .GroupBy(p => p.Request.PageId, StringComparer.Ordinal)
            .Select(g =>
            {
                var outcome = g.Last().Outcome;
                var page = pages.FirstOrDefault(p => p.Id == g.Key)?.Name is { Length: > 0 } name ? $"Page {g.Key} ({name})" : $"Page {g.Key}";
                var until = outcome.ResumeAfter is { } resume ? IsoDate.UtcMinute(resume) : "later";
                return outcome.Status switch
                {
                    PullStatus.TokenInvalid => $"{page} was not synced: its access token is not valid (expired, revoked or changed); renew it and run listening check.",
                    PullStatus.Throttled => $"{page} was not synced: Meta throttles it; its pulls pause until {until}.",
                    PullStatus.Paused => $"{page} was not synced: its pulls are paused until {until} (throttling or high rate-limit usage).",
                    _ => $"{page} was not synced: the Graph API call failed (an error from Meta, or no answer); run it again later, or with --verbose to see Meta's answer.",
                };
            }),
    ];

    private static async Task<int> BackfillAsync(string since, string? until, bool verbose, string localRoot, CancellationToken cancellationToken)
    {
        await using var storage = await CliStorage.ForAsync(localRoot, null, Console.Error, cancellationToken);
        using var host = CliHost.Build(storage.Overrides, verbose: verbose);
        _ = BackfillCommand.TryParseDate(since, out var from); // the option's validator let only a date through
        DateOnly? to = BackfillCommand.TryParseDate(until, out var u) ? u : null;
        return await BackfillCommand.RunAsync(host.Services, from, to, Console.Out, Console.Error, cancellationToken);
    }

    private static async Task<int> CheckAsync(bool verbose, CancellationToken cancellationToken)
    {
        // check reads nothing from storage: a placeholder keeps the start-up validation happy where none is configured.
        var storage = Environment.GetEnvironmentVariable("AzureWebJobsStorage");
        using var host = CliHost.Build(
            string.IsNullOrWhiteSpace(storage) ? new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" } : null,
            verbose: verbose);
        return await CheckCommand.RunAsync(host.Services, Console.Out, cancellationToken);
    }

    private static async Task<int> SummaryAsync(string? date, string? from, string? to, string? page, string format, bool verbose, string localRoot, CancellationToken cancellationToken)
    {
        await using var stdout = Console.OpenStandardOutput();
        return await SummaryAsync(date, from, to, page, format, verbose, stdout, Console.Error, null, cancellationToken, localRoot);
    }

    /// <summary>The summary command's body; the tests pass their own output and storage settings.</summary>
    internal static async Task<int> SummaryAsync(
        string? date, string? from, string? to, string? page, string format, bool verbose,
        Stream output, TextWriter error, IReadOnlyDictionary<string, string?>? overrides, CancellationToken cancellationToken, string? localRoot = null)
    {
        await using var storage = await CliStorage.ForAsync(localRoot, overrides, error, cancellationToken);
        using var host = CliHost.Build(storage.Overrides, verbose: verbose);
        var endpoint = host.Services.GetRequiredService<SummaryEndpoint>();
        var request = new SummaryRequest { Page = page, Format = format };
        var answer = date is not null
            ? await endpoint.GetDayAsync(date, request, cancellationToken)
            : await endpoint.GetPeriodAsync(from, to, request, cancellationToken);
        return await WriteAsync(answer, format, output, error, cancellationToken);
    }

    private static async Task<int> InsightsAsync(string? from, string? to, string? page, string format, bool verbose, string localRoot, CancellationToken cancellationToken)
    {
        await using var stdout = Console.OpenStandardOutput();
        return await InsightsAsync(from, to, page, format, verbose, stdout, Console.Error, null, cancellationToken, localRoot);
    }

    /// <summary>The insights command's body; the tests pass their own output and storage settings.</summary>
    internal static async Task<int> InsightsAsync(
        string? from, string? to, string? page, string format, bool verbose,
        Stream output, TextWriter error, IReadOnlyDictionary<string, string?>? overrides, CancellationToken cancellationToken, string? localRoot = null)
    {
        await using var storage = await CliStorage.ForAsync(localRoot, overrides, error, cancellationToken);
        using var host = CliHost.Build(storage.Overrides, verbose: verbose);
        var answer = await host.Services.GetRequiredService<Core.Insights.InsightsEndpoint>()
            .GetAsync(from, to, new SummaryRequest { Page = page, Format = format }, cancellationToken);
        return await WriteAsync(answer, format, output, error, cancellationToken);
    }

    /// <summary>The body on stdout (exit 0), or the refusal's plain sentence on stderr: 3 for no data, 2 for a bad request.</summary>
    private static async Task<int> WriteAsync(HttpAnswer answer, string format, Stream output, TextWriter error, CancellationToken cancellationToken)
    {
        if (answer.Status != 200)
        {
            var problem = System.Text.Json.JsonDocument.Parse(answer.Body).RootElement;
            await error.WriteLineAsync(problem.GetProperty("detail").GetString());
            return answer.Status == 404 ? 3 : 2;
        }

        await output.WriteAsync(answer.Body, cancellationToken);
        if (format != "csv")
        {
            await output.WriteAsync("\n"u8.ToArray(), cancellationToken);
        }

        return 0;
    }
}
