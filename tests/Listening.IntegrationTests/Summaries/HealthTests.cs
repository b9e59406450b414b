using Azure.Data.Tables;
using Listening.Core.Storage;
using Listening.IntegrationTests.Infrastructure;

namespace Listening.IntegrationTests.Summaries;

/// <summary>GET /api/health: anonymous, per Page pull, token and rejected metrics, queue depths, and nothing secret.</summary>
public sealed class HealthTests
{
    private const string Sig = "TopSecretSig0123456789";
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 7, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Health_reports_pages_and_queues_and_never_a_secret()
    {
        await using var app = await TestApp.StartAsync(Now, StoredSummaries.TwoPages(new Dictionary<string, string?>
        {
            ["Listening:Teams:WebhookUrl"] = "https://prod-00.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?api-version=1&sig=" + Sig,
            ["Listening:Facebook:AppSecret"] = "AppSecretValue42",
        }));
        await app.Tables.EnsureCreatedAsync(CancellationToken.None);
        await app.Tables.PageState.UpsertEntityAsync(new PageStateEntity
        {
            PartitionKey = PageStateStore.Partition,
            RowKey = StoredSummaries.PageA,
            PageName = "Kreis Soest",
            LastSuccessfulPull = Now.AddMinutes(-10),
            TokenState = "valid",
            RejectedMetrics = "page_impressions,page_fans",
        }, TableUpdateMode.Replace);
        var poison = app.Queue(app.Options.Queues.Snapshots + "-poison");
        await poison.CreateIfNotExistsAsync();
        await poison.SendMessageAsync("eyJzY2hlbWEiOjl9");

        var health = await HttpCall.HealthAsync(app);

        Assert.Equal(503, health.Status); // a parked message and a Page never pulled
        Assert.Equal("no-store", health.Header("Cache-Control"));
        var json = health.Json;
        Assert.Equal("degraded", json["status"]!.GetValue<string>());
        var pageA = json["pages"]!.AsArray().Single(p => p!["pageId"]!.GetValue<string>() == StoredSummaries.PageA)!;
        Assert.Equal(["page_impressions", "page_fans"], pageA["rejectedMetrics"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal("valid", pageA["tokenState"]!.GetValue<string>());
        Assert.False(pageA["stalled"]!.GetValue<bool>());
        var pageB = json["pages"]!.AsArray().Single(p => p!["pageId"]!.GetValue<string>() == StoredSummaries.PageB)!;
        Assert.True(pageB["stalled"]!.GetValue<bool>());
        Assert.Empty(pageB["rejectedMetrics"]!.AsArray());
        var snapshots = json["queues"]!.AsArray().Single(q => q!["name"]!.GetValue<string>() == app.Options.Queues.Snapshots)!;
        Assert.Equal(1, snapshots["poison"]!.GetValue<int>());

        foreach (var secret in new[] { "EAAPageTokenTEST", Sig, "sig=", "AppSecretValue42", "AccountKey", "Eby8vdM02x" })
        {
            Assert.DoesNotContain(secret, health.Text, StringComparison.Ordinal);
        }
    }
}
