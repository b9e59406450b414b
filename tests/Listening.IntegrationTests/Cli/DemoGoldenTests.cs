using System.Text;

namespace Listening.IntegrationTests.Cli;

/// <summary>
/// The three files of <c>listening demo</c> (<c>summary-&lt;date&gt;.json</c>, <c>summary-&lt;date&gt;.html</c>,
/// <c>teams-&lt;date&gt;.json</c>), byte for byte, against <c>Golden/demo/</c>: the whole pipeline (pulls, queues,
/// aggregation, alerts, summary, digest) must not change what it writes. <c>--today</c> fixes the simulated clock;
/// with <c>--days 23</c> the last complete day is the demo story's storm day (day 22: the warning and update posts
/// with every reaction kind, crisis mode, the 1,000-likes milestone, negative-reaction, comment and spike alerts,
/// topic hits, the previous day; the giveaway of day 10 lies in the run). The real executable runs in a child process, so the machine's time zone
/// and culture can be set per run and must not show in the files. After an intended change, regenerate with
/// <c>LISTENING_UPDATE_GOLDEN=1 dotnet test tests/Listening.IntegrationTests --filter "FullyQualifiedName~DemoGoldenTests"</c>
/// and review the diff.
/// </summary>
public sealed class DemoGoldenTests
{
    private const string Today = "2026-11-24";
    private const string Days = "23";
    private const string LastDay = "2026-11-23";

    private static readonly string[] Files = [$"summary-{LastDay}.html", $"summary-{LastDay}.json", $"teams-{LastDay}.json"];

    [Fact]
    public async Task Demo_for_a_fixed_today_writes_the_golden_files_byte_for_byte()
    {
        var outDir = await RunDemoAsync(new Dictionary<string, string?>());
        try
        {
            if (Environment.GetEnvironmentVariable("LISTENING_UPDATE_GOLDEN") == "1")
            {
                foreach (var stale in Directory.GetFiles(GoldenDirectory()))
                {
                    File.Delete(stale);
                }

                foreach (var file in Files)
                {
                    File.Copy(Path.Combine(outDir, file), Path.Combine(GoldenDirectory(), file));
                }

                return;
            }

            AssertMatchesGolden(outDir, "this machine's time zone and culture");
        }
        finally
        {
            Directory.Delete(outDir, recursive: true);
        }
    }

    [Fact]
    public async Task Demo_writes_the_same_golden_files_in_another_time_zone_and_culture()
    {
        var outDir = await RunDemoAsync(new Dictionary<string, string?>
        {
            ["TZ"] = "America/New_York",
            ["LANG"] = "en_US.UTF-8",
            ["LC_ALL"] = "en_US.UTF-8",
        });
        try
        {
            if (Environment.GetEnvironmentVariable("LISTENING_UPDATE_GOLDEN") == "1")
            {
                return; // the other test writes them; run again without the variable to compare
            }

            AssertMatchesGolden(outDir, "TZ=America/New_York, LANG=en_US.UTF-8");
        }
        finally
        {
            Directory.Delete(outDir, recursive: true);
        }
    }

    [Fact]
    public async Task Demo_rejects_a_today_that_is_not_a_date_with_a_plain_message()
    {
        var run = await CliProcess.RunAsync(new Dictionary<string, string?>(), "demo", "--today", "12.11.2026");

        Assert.NotEqual(0, run.Exit);
        Assert.Contains("--today must be a date like 2026-01-31 (yyyy-MM-dd).", run.Error + run.Output, StringComparison.Ordinal);
    }

    private static async Task<string> RunDemoAsync(Dictionary<string, string?> environment)
    {
        var outDir = Directory.CreateTempSubdirectory("listening-demo-golden-").FullName;
        var run = await CliProcess.RunAsync(environment, "demo", "--days", Days, "--today", Today, "--out", outDir);
        Assert.True(run.Exit == 0, $"listening demo exited with {run.Exit}:\n{run.Output}\n{run.Error}");
        Assert.Equal(Files, Directory.GetFiles(outDir).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal));

        // The first command shows whom the posts reached: the terminal's reach line is the summary's Page reach.
        var page = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, $"summary-{LastDay}.json")))!["pages"]![0]!;
        var reach = page["reach"]!.GetValue<long>();
        Assert.True(reach > 0, "the demo's storm day reaches people");
        Assert.Contains($"    Erreicht      {reach.ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("de-DE")),8}  Personen", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"Top-Beitrag   .+ \([\d.]+ Personen erreicht\)", run.Output);
        return outDir;
    }

    private static void AssertMatchesGolden(string outDir, string environment)
    {
        var golden = Directory.GetFiles(GoldenDirectory()).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList();
        Assert.True(Files.SequenceEqual(golden, StringComparer.Ordinal),
            $"Golden/demo holds [{string.Join(", ", golden)}], the demo writes [{string.Join(", ", Files)}]. Run with LISTENING_UPDATE_GOLDEN=1 to write them, then review and commit them.");

        var differences = new List<string>();
        foreach (var file in Files)
        {
            var expected = File.ReadAllBytes(Path.Combine(GoldenDirectory(), file));
            var actual = File.ReadAllBytes(Path.Combine(outDir, file));
            if (expected.AsSpan().SequenceEqual(actual))
            {
                continue;
            }

            var at = expected.AsSpan().CommonPrefixLength(actual);
            var line = 1 + expected.AsSpan(0, at).Count((byte)'\n');
            var kept = Path.Combine(AppContext.BaseDirectory, "golden-actual", "demo", file);
            Directory.CreateDirectory(Path.GetDirectoryName(kept)!);
            File.WriteAllBytes(kept, actual);
            var from = Math.Max(0, at - 80);
            differences.Add($"{file} differs from its golden file at byte {at}, line {line} (golden {expected.Length}, written {actual.Length} bytes).\n"
                + $"  golden:  …{Excerpt(expected, from)}…\n  written: …{Excerpt(actual, from)}…\n  The whole file is in {kept}.");
        }

        Assert.True(differences.Count == 0, $"listening demo --days {Days} --today {Today} ({environment}):\n" + string.Join("\n", differences)
            + "\nIf the change is intended, run with LISTENING_UPDATE_GOLDEN=1 and review the diff of tests/Listening.IntegrationTests/Golden/demo.");
    }

    private static string Excerpt(byte[] bytes, int from) =>
        Encoding.UTF8.GetString(bytes, from, Math.Min(240, bytes.Length - from)).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string GoldenDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Listening.IntegrationTests.csproj")))
            {
                var golden = Path.Combine(directory.FullName, "Golden", "demo");
                Directory.CreateDirectory(golden);
                return golden;
            }
        }

        throw new InvalidOperationException("The test project folder (Listening.IntegrationTests.csproj) was not found above " + AppContext.BaseDirectory);
    }
}
