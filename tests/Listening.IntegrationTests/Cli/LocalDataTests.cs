using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Listening.IntegrationTests.Cli;

/// <summary>
/// The demo's data on disk (<c>.listening/azurite</c>), from the real executable in child processes: it stays for the
/// next command, <c>demo --fresh</c> starts over, commands at once share one Azurite (never two on one data folder),
/// a killed command leaves nothing running for long, and the last command to leave stops Azurite.
/// </summary>
public sealed partial class LocalDataTests
{
    private static readonly Dictionary<string, string?> NoStorage = new();

    [Fact]
    public async Task Demo_data_stays_for_the_next_commands_and_demo_fresh_starts_over()
    {
        var folder = Directory.CreateTempSubdirectory("listening-local-").FullName;
        try
        {
            var demo = await CliProcess.RunInAsync(folder, NoStorage, "demo", "--days", "2", "--today", "2026-11-24", "--out", "out");
            Assert.True(demo.Exit == 0, demo.Output + demo.Error);
            Assert.Contains("data kept in .listening/azurite.", demo.Output, StringComparison.Ordinal);
            Assert.True(Directory.EnumerateFiles(Path.Combine(folder, ".listening", "azurite")).Any(), "nothing was written to .listening/azurite");
            var lastLines = demo.Output.TrimEnd().Split('\n')[^4..];
            Assert.Contains("listening serve", lastLines[1], StringComparison.Ordinal);
            Assert.Contains("http://127.0.0.1:7071/", lastLines[1], StringComparison.Ordinal);
            Assert.Contains("listening summary --date 2026-11-23 --format html", lastLines[2], StringComparison.Ordinal);
            AssertAzuriteStopped(folder);

            // A later command, another process: the same data, said in one line on standard error.
            var summary = await CliProcess.RunInAsync(folder, NoStorage, "summary", "--date", "2026-11-23");
            Assert.True(summary.Exit == 0, summary.Error);
            Assert.Equal("2026-11-23", JsonNode.Parse(summary.Output)!["date"]!.GetValue<string>());
            Assert.Equal(
                JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "out", "summary-2026-11-23.json")))!.ToJsonString(),
                JsonNode.Parse(summary.Output)!.ToJsonString());
            var notice = Assert.Single(summary.ErrorLines);
            Assert.Matches(@"^AzureWebJobsStorage is not set: using the demo's data in \.listening/azurite \(Azurite started on 127\.0\.0\.1:\d+, process \d+\)\.$", notice);
            AssertAzuriteStopped(folder);

            // The same demo again adds to the data and writes the same files, byte for byte.
            var again = await CliProcess.RunInAsync(folder, NoStorage, "demo", "--days", "2", "--today", "2026-11-24", "--out", "again");
            Assert.True(again.Exit == 0, again.Output + again.Error);
            Assert.Contains("(added to the data there; --fresh starts over)", again.Output, StringComparison.Ordinal);
            foreach (var file in Directory.GetFiles(Path.Combine(folder, "out")))
            {
                Assert.Equal(await File.ReadAllBytesAsync(file), await File.ReadAllBytesAsync(Path.Combine(folder, "again", Path.GetFileName(file))));
            }

            // --fresh: the old days are gone, the new run's days are there.
            var fresh = await CliProcess.RunInAsync(folder, NoStorage, "demo", "--fresh", "--days", "2", "--today", "2026-11-10", "--out", "fresh");
            Assert.True(fresh.Exit == 0, fresh.Output + fresh.Error);
            Assert.Contains("(started over)", fresh.Output, StringComparison.Ordinal);
            var old = await CliProcess.RunInAsync(folder, NoStorage, "summary", "--date", "2026-11-23");
            Assert.Equal(3, old.Exit);
            Assert.Contains("liegen noch keine Daten vor", old.Error, StringComparison.Ordinal);
            var kept = await CliProcess.RunInAsync(folder, NoStorage, "summary", "--date", "2026-11-09");
            Assert.True(kept.Exit == 0, kept.Error);
            AssertAzuriteStopped(folder);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Demo_fresh_with_storage_configured_deletes_nothing_and_says_why()
    {
        var run = await CliProcess.RunAsync(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = CliProcess.UnreachableStorage }, "demo", "--fresh");

        Assert.Equal(2, run.Exit);
        Assert.Contains("AzureWebJobsStorage is set", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commands_at_once_share_one_Azurite_and_the_last_one_stops_it()
    {
        var folder = Directory.CreateTempSubdirectory("listening-shared-").FullName;
        try
        {
            var demo = await CliProcess.RunInAsync(folder, NoStorage, "demo", "--days", "2", "--today", "2026-11-24", "--out", "out");
            Assert.True(demo.Exit == 0, demo.Output + demo.Error);

            // Three at once, with no Azurite running: the lock lets one start it; none starts a second on the same folder.
            var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => CliProcess.RunInAsync(folder, NoStorage, "summary", "--date", "2026-11-23")));
            Assert.All(runs, r => Assert.True(r.Exit == 0, r.Error));
            Assert.Single(runs.Select(r => r.Output).Distinct(StringComparer.Ordinal));
            Assert.Contains(runs, r => r.Error.Contains("(Azurite started on", StringComparison.Ordinal));
            AssertAzuriteStopped(folder);

            // A long-running command holds Azurite; two more join it (same port, same process) while it runs.
            await using (var serve = CliProcess.Start(folder, NoStorage, "serve", "--port", "0"))
            {
                await serve.WaitForAsync(@"Listening serves http://127\.0\.0\.1:\d+/");
                var azurite = Notice().Match(serve.Error);
                Assert.True(azurite.Success, serve.Error);
                var joined = await Task.WhenAll(
                    CliProcess.RunInAsync(folder, NoStorage, "summary", "--date", "2026-11-23"),
                    CliProcess.RunInAsync(folder, NoStorage, "summary", "--from", "2026-11-22", "--to", "2026-11-23"));
                foreach (var run in joined)
                {
                    Assert.True(run.Exit == 0, run.Error);
                    var their = Notice().Match(Assert.Single(run.ErrorLines));
                    Assert.Equal("already running", their.Groups["how"].Value);
                    Assert.Equal(azurite.Groups["port"].Value, their.Groups["port"].Value);
                    Assert.Equal(azurite.Groups["pid"].Value, their.Groups["pid"].Value);
                }

                Assert.Equal(runs[0].Output, joined[0].Output);

                // Starting over under a running command would pull its data away: refused, nothing deleted.
                var fresh = await CliProcess.RunInAsync(folder, NoStorage, "demo", "--fresh", "--days", "2");
                Assert.Equal(1, fresh.Exit);
                Assert.Contains("is using the demo's data in .listening/azurite: stop it, then run listening demo --fresh again.", Assert.Single(fresh.ErrorLines), StringComparison.Ordinal);
                using var http = new HttpClient { BaseAddress = new Uri(Regex.Match(serve.Output, @"http://127\.0\.0\.1:\d+/").Value) };
                Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("api/summaries/2026-11-23?format=json")).StatusCode);
                Assert.True(ProcessAlive(int.Parse(azurite.Groups["pid"].Value, System.Globalization.CultureInfo.InvariantCulture)), "Azurite stopped under the running serve");
                Assert.Equal(0, await serve.StopAsync());
            }

            AssertAzuriteStopped(folder);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_killed_command_leaves_Azurite_to_the_next_command_which_stops_it_when_done()
    {
        var folder = Directory.CreateTempSubdirectory("listening-killed-").FullName;
        try
        {
            int azuritePid;
            await using (var serve = CliProcess.Start(folder, NoStorage, "serve", "--port", "0"))
            {
                await serve.WaitForAsync(@"Listening serves");
                azuritePid = int.Parse(Notice().Match(serve.Error).Groups["pid"].Value, System.Globalization.CultureInfo.InvariantCulture);
                Process.GetProcessById(serve.Id).Kill(); // SIGKILL: no chance to leave
                await Task.Delay(500);
            }

            Assert.True(ProcessAlive(azuritePid), "Azurite should have outlived the killed command");
            var next = await CliProcess.RunInAsync(folder, NoStorage, "poison", "list");
            Assert.True(next.Exit == 0, next.Error);
            Assert.Equal("already running", Notice().Match(next.Error).Groups["how"].Value);
            AssertAzuriteStopped(folder);
            Assert.False(ProcessAlive(azuritePid));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>After the last command: no state file, and the Azurite it named is gone.</summary>
    private static void AssertAzuriteStopped(string folder)
    {
        var state = Path.Combine(folder, ".listening", "azurite.json");
        Assert.False(File.Exists(state), "Azurite still registered: " + (File.Exists(state) ? File.ReadAllText(state) : ""));
        var log = File.ReadAllText(Path.Combine(folder, ".listening", "azurite.log"));
        Assert.Contains("Azurite Table service successfully closed", log, StringComparison.Ordinal); // stopped cleanly (SIGTERM), data written out
    }

    private static bool ProcessAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"Azurite (?<how>started|already running) on 127\.0\.0\.1:(?<port>\d+), process (?<pid>\d+)")]
    private static partial Regex Notice();
}
