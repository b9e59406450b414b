using System.CommandLine;
using System.Globalization;
using Listening.Core.Aggregation;
using Listening.Core.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Listening.Core.Contracts;

namespace Listening.Cli;

/// <summary>
/// Operator commands for the aggregation side: <c>poison list</c>, <c>poison retry [--queue Q]</c> and
/// <c>replay --from --to [--page ID]</c>. Runbook: docs/operations.md.
/// </summary>
internal static class OperationsCommands
{
    public static Command Poison(Option<bool> verbose, string? localRoot = null)
    {
        var list = new Command("list", "Show what sits in the poison queues and why.");
        list.SetAction((parse, ct) => CliHost.RunAsync(() => ListAsync(parse.GetValue(verbose), Console.Out, ct, localRoot: localRoot)));

        var queue = new Option<string?>("--queue") { Description = "Only this queue (pulls, snapshots or notifications, as configured); default: all." };
        var retry = new Command("retry", "Move the poison queues' messages back to their queues (after the cause is fixed).") { queue };
        retry.SetAction((parse, ct) => CliHost.RunAsync(() => RetryAsync(parse.GetValue(queue), parse.GetValue(verbose), Console.Out, ct, localRoot: localRoot)));

        return new Command("poison", "Inspect and retry messages that could not be processed.") { list, retry };
    }

    public static Command Replay(Option<bool> verbose, string? localRoot = null)
    {
        var from = new Option<string>("--from") { Description = $"First day to rebuild, {IsoDate.Pattern}.", Required = true };
        var to = new Option<string>("--to") { Description = $"Last day to rebuild, {IsoDate.Pattern}.", Required = true };
        var page = new Option<string?>("--page") { Description = "Only this Page id (default: every Page in the archive)." };
        var replay = new Command("replay", "Rebuild observations and summaries of a range of days from the raw snapshot archive.") { from, to, page };
        replay.SetAction((parse, ct) => CliHost.RunAsync(() =>
            ReplayAsync(parse.GetValue(from)!, parse.GetValue(to)!, parse.GetValue(page), parse.GetValue(verbose), Console.Out, ct, localRoot: localRoot)));
        return replay;
    }

    internal static async Task<int> ListAsync(bool verbose, TextWriter output, CancellationToken cancellationToken, IServiceProvider? services = null, string? localRoot = null)
    {
        await using var storage = services is null ? await CliStorage.ForAsync(localRoot, null, Console.Error, cancellationToken) : null;
        using var host = services is null ? CliHost.Build(storage!.Overrides, verbose: verbose) : null;
        var poison = (services ?? host!.Services).GetRequiredService<PoisonQueues>();
        foreach (var listing in await poison.ListAsync(null, cancellationToken))
        {
            await output.WriteLineAsync(listing.Total == 0
                ? $"{listing.PoisonQueue}: empty"
                : string.Create(CultureInfo.InvariantCulture, $"{listing.PoisonQueue}: {listing.Total} message(s)"));
            foreach (var entry in listing.Messages)
            {
                var at = (entry.ParkedAt ?? entry.InsertedOn) is { } parked ? IsoDate.UtcMinute(parked) : "unknown time";
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {entry.MessageId}  parked {at}, {entry.Bytes} bytes: {entry.What}"));
                await output.WriteLineAsync($"    why: {entry.Reason}");
            }

            if (listing.Total > listing.Messages.Count)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  ... and {listing.Total - listing.Messages.Count} more (a queue shows its first {PoisonQueues.PeekLimit} without taking them)"));
            }
        }

        return 0;
    }

    internal static async Task<int> RetryAsync(string? queue, bool verbose, TextWriter output, CancellationToken cancellationToken, IServiceProvider? services = null, string? localRoot = null)
    {
        await using var storage = services is null ? await CliStorage.ForAsync(localRoot, null, Console.Error, cancellationToken) : null;
        using var host = services is null ? CliHost.Build(storage!.Overrides, verbose: verbose) : null;
        var poison = (services ?? host!.Services).GetRequiredService<PoisonQueues>();
        IReadOnlyList<string> names;
        try
        {
            names = poison.Resolve(queue);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message.Split(" (Parameter", 2)[0]);
            return 2;
        }

        var requeued = await poison.RetryAsync(queue, new Progress<string>(), cancellationToken);
        foreach (var name in names)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{name}: {requeued[name]} message(s) requeued from {name}-poison"));
        }

        return 0;
    }

    internal static async Task<int> ReplayAsync(string fromText, string toText, string? page, bool verbose, TextWriter output, CancellationToken cancellationToken, IServiceProvider? services = null, string? localRoot = null)
    {
        if (!TryParseDay(fromText, out var from) || !TryParseDay(toText, out var to))
        {
            await Console.Error.WriteLineAsync($"--from and --to must be days written {IsoDate.Pattern}, e.g. 2026-11-27.");
            return 2;
        }

        await using var storage = services is null ? await CliStorage.ForAsync(localRoot, null, Console.Error, cancellationToken) : null;
        using var host = services is null ? CliHost.Build(storage!.Overrides, verbose: verbose) : null;
        var replay = (services ?? host!.Services).GetRequiredService<SnapshotReplay>();
        var progress = new SynchronousProgress(p =>
        {
            var line = p.Phase == ReplayPhase.Merging
                ? string.Create(CultureInfo.InvariantCulture, $"\r  page {p.PageId}: day {p.Step}/{p.Steps} ({IsoDate.Format(p.Day)}), {p.Snapshots} snapshots merged   ")
                : string.Create(CultureInfo.InvariantCulture, $"\r  page {p.PageId}: summary {p.Step}/{p.Steps} ({IsoDate.Format(p.Day)})                     ");
            output.Write(line);
            if (p.Step == p.Steps)
            {
                output.WriteLine();
            }
        });

        ReplayResult result;
        try
        {
            result = await replay.RunAsync(from, to, page, progress, cancellationToken);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message.Split(" (Parameter", 2)[0]);
            return 2;
        }

        var kept = result.DaysKept > 0
            ? string.Create(CultureInfo.InvariantCulture, $", {result.DaysKept} day(s) without archived snapshots left as they were")
            : "";
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Replayed {IsoDate.Format(from)} to {IsoDate.Format(to)} for {result.Pages.Count} page(s): {result.Snapshots} snapshots into {result.DaysRebuilt} day(s), {result.Summaries} summaries rebuilt{kept}."));
        if (result.NotConfigured.Count > 0)
        {
            await output.WriteLineAsync($"Not replayed, not configured (Listening:Pages): page(s) {string.Join(", ", result.NotConfigured)}.");
        }

        if (result.Unreadable > 0 || result.Skipped > 0)
        {
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{result.Unreadable} archived snapshot(s) could not be read and {result.Skipped} could not be applied; they were skipped (see the log lines above, --verbose)."));
            return 1;
        }

        return 0;
    }

    private static bool TryParseDay(string text, out DateOnly day) =>
        IsoDate.TryParse(text?.Trim(), out day);

    /// <summary>Reports on the caller's thread, so progress lines come in order.</summary>
    private sealed class SynchronousProgress(Action<ReplayProgress> report) : IProgress<ReplayProgress>
    {
        public void Report(ReplayProgress value) => report(value);
    }
}
