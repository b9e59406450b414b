using System.Text.Json.Nodes;
using Listening.Cli;

namespace Listening.IntegrationTests.Cli;

/// <summary>`listening demo` end to end: it starts its own Azurite, runs the pipeline, writes the three files.</summary>
public sealed class DemoCommandTests
{
    [Fact]
    public async Task Demo_writes_summary_html_and_teams_files_for_the_last_complete_day()
    {
        var outDir = Directory.CreateTempSubdirectory("listening-demo-").FullName;
        try
        {
            var exit = await ListeningCli.Build(workingDirectory: outDir).Parse(["demo", "--days", "3", "--out", outDir]).InvokeAsync();

            Assert.Equal(0, exit);
            Assert.True(Directory.Exists(Path.Combine(outDir, ".listening", "azurite")), "the demo's data is not in .listening/azurite");
            var files = Directory.GetFiles(outDir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(3, files.Count);
            Assert.Matches(@"^summary-\d{4}-\d{2}-\d{2}\.html$", files[0]);
            Assert.Matches(@"^summary-\d{4}-\d{2}-\d{2}\.json$", files[1]);
            Assert.Matches(@"^teams-\d{4}-\d{2}-\d{2}\.json$", files[2]);

            var summary = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, files[1]!)))!;
            Assert.True(summary["demo"]!.GetValue<bool>());
            Assert.Equal("Europe/Berlin", summary["timeZone"]!.GetValue<string>());
            var page = summary["pages"]![0]!;
            Assert.True(page["followers"]!["end"]!.GetValue<long>() > 900);
            Assert.NotNull(page["followers"]!["change"]);

            var html = await File.ReadAllTextAsync(Path.Combine(outDir, files[0]!));
            Assert.Contains("lang=\"de\"", html, StringComparison.Ordinal);
            Assert.Contains("Demo", html, StringComparison.Ordinal);

            var teamsBytes = await File.ReadAllBytesAsync(Path.Combine(outDir, files[2]!));
            Assert.Equal((byte)'{', teamsBytes[0]); // no UTF-8 byte order mark (EF BB BF) before the JSON
            var teams = JsonNode.Parse(teamsBytes)!;
            Assert.Equal("message", teams["type"]!.GetValue<string>());
            Assert.StartsWith("Demo", teams["attachments"]![0]!["content"]!["body"]![0]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(outDir, recursive: true);
        }
    }

    [Fact]
    public async Task Demo_rejects_a_bad_day_count_with_a_plain_message()
    {
        var exit = await ListeningCli.Build().Parse(["demo", "--days", "0"]).InvokeAsync();

        Assert.NotEqual(0, exit);
    }
}
