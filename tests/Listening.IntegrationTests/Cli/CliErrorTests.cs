using Listening.IntegrationTests.Facebook;
using Listening.IntegrationTests.Infrastructure;

namespace Listening.IntegrationTests.Cli;

/// <summary>
/// What an operator sees when something is wrong: one sentence on standard error and a non-zero exit code, never
/// a stack trace, from the real executable.
/// </summary>
public sealed class CliErrorTests
{
    private static void AssertOneSentenceWithoutStackTrace(CliProcess.Run run, string expected)
    {
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", run.Error, StringComparison.Ordinal);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Summary_without_storage_configured_uses_the_demo_data_says_so_and_exits_3_when_there_is_none()
    {
        var run = await CliProcess.RunAsync(new Dictionary<string, string?>(), "summary", "--date", "yesterday");

        Assert.Equal(3, run.Exit);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
        Assert.Equal(2, run.ErrorLines.Count);
        Assert.StartsWith("AzureWebJobsStorage is not set: using the demo's data in .listening/azurite (Azurite started on 127.0.0.1:", run.ErrorLines[0], StringComparison.Ordinal);
        Assert.EndsWith("; it is empty: listening demo fills it.", run.ErrorLines[0], StringComparison.Ordinal);
        Assert.Contains("liegen noch keine Daten vor", run.ErrorLines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Limits_from_the_options_attributes_are_one_sentence_naming_each_key_without_secrets_and_exit_2()
    {
        var run = await CliProcess.RunAsync(
            new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = CliProcess.UnreachableStorage,
                ["Listening__DigestHour"] = "25",
                ["Listening__Facebook__MaxPostPagesPerCycle"] = "0",
                ["Listening__Teams__WebhookUrl"] = "http://prod.example.org/workflows/x?sig=TopSecretSig",
            },
            "summary", "--date", "yesterday");

        Assert.Equal(2, run.Exit);
        AssertOneSentenceWithoutStackTrace(run,
            "Configuration error: Listening:DigestHour must be a whole hour from 0 to 23. "
            + "Listening:Facebook:MaxPostPagesPerCycle must be from 1 to 1000 pages of 100 posts (20 read 2,000 posts). "
            + "Listening:Teams:WebhookUrl must be the https URL of a Teams Workflows webhook");
        Assert.DoesNotContain("TopSecretSig", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("ListeningOptions", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("summary", "--date", "yesterday")]
    [InlineData("sync")]
    [InlineData("poison", "list")]
    public async Task Unreachable_storage_is_one_sentence_and_exit_1(params string[] args)
    {
        var run = await CliProcess.RunAsync(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = CliProcess.UnreachableStorage }, args);

        Assert.Equal(1, run.Exit);
        AssertOneSentenceWithoutStackTrace(run, "Storage is not reachable");
        Assert.DoesNotContain("Eby8vdM02", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_names_a_Page_whose_token_is_invalid_and_exits_1()
    {
        await using var graph = await FakeGraphApi.StartAsync();
        graph.InvalidTokens.Add(GraphScenario.Token);
        var run = await CliProcess.RunAsync(await SettingsAsync(graph), "sync");

        Assert.Equal(1, run.Exit);
        AssertOneSentenceWithoutStackTrace(run, $"Page {graph.PageId} (Kreis Soest) was not synced: its access token is not valid");
        Assert.DoesNotContain("Synced", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(GraphScenario.Token, run.Output + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_names_a_Page_whose_pull_failed_and_exits_1()
    {
        await using var graph = await FakeGraphApi.StartAsync();
        graph.Error = (403, 200, null, "(#200) Requires pages_read_engagement permission to manage the object");
        var run = await CliProcess.RunAsync(await SettingsAsync(graph), "sync");

        Assert.Equal(1, run.Exit);
        AssertOneSentenceWithoutStackTrace(run, $"Page {graph.PageId} (Kreis Soest) was not synced: the Graph API call failed");
        Assert.DoesNotContain("Requires pages_read_engagement", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_of_a_healthy_Page_says_Synced_and_exits_0()
    {
        await using var graph = await FakeGraphApi.StartAsync();
        var run = await CliProcess.RunAsync(await SettingsAsync(graph), "sync");

        Assert.True(run.Exit == 0, run.Error);
        Assert.Contains("Synced 1 page(s)", run.Output, StringComparison.Ordinal);
        Assert.Empty(run.Error);
    }

    private static async Task<Dictionary<string, string?>> SettingsAsync(FakeGraphApi graph)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        return new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = (await SharedAzurite.GetAsync()).ConnectionString,
            ["Listening__Tables__Prefix"] = "t" + suffix,
            ["PullsQueue"] = "pulls-" + suffix,
            ["SnapshotsQueue"] = "snapshots-" + suffix,
            ["NotificationsQueue"] = "notifications-" + suffix,
            ["Listening__Facebook__GraphBaseUrl"] = graph.BaseUri.ToString(),
            ["Listening__Pages__0__Id"] = graph.PageId,
            ["Listening__Pages__0__Name"] = "Kreis Soest",
            ["Listening__Pages__0__AccessToken"] = GraphScenario.Token,
        };
    }
}
