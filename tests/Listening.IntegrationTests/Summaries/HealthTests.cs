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

        Assert.Equal(200, health.Status); // a parked message and a Page never pulled (yet): warnings
        Assert.Equal("no-store", health.Header("Cache-Control"));
        var json = health.Json;
        Assert.Equal("starting", json["status"]!.GetValue<string>());
        var pageA = json["pages"]!.AsArray().Single(p => p!["pageId"]!.GetValue<string>() == StoredSummaries.PageA)!;
        Assert.Equal(["page_impressions", "page_fans"], pageA["rejectedMetrics"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal("valid", pageA["tokenState"]!.GetValue<string>());
        Assert.False(pageA["stalled"]!.GetValue<bool>());
        var pageB = json["pages"]!.AsArray().Single(p => p!["pageId"]!.GetValue<string>() == StoredSummaries.PageB)!;
        Assert.False(pageB["stalled"]!.GetValue<bool>());
        Assert.Equal(Now, pageB["firstPullExpectedAt"]!.GetValue<DateTimeOffset>());
        Assert.Empty(pageB["rejectedMetrics"]!.AsArray());
        var snapshots = json["queues"]!.AsArray().Single(q => q!["name"]!.GetValue<string>() == app.Options.Queues.Snapshots)!;
        Assert.Equal(1, snapshots["poison"]!.GetValue<int>());
        var warnings = json["warnings"]!.AsArray().Select(w => w!.GetValue<string>()).ToList();
        Assert.Contains(warnings, w => w.Contains(app.Options.Queues.Snapshots + "-poison", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains(StoredSummaries.PageB + " (Kreis Soest Jobs) has not been pulled yet", StringComparison.Ordinal));

        foreach (var secret in new[] { "EAAPageTokenTEST", Sig, "sig=", "AppSecretValue42", "AccountKey", "Eby8vdM02x" })
        {
            Assert.DoesNotContain(secret, health.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_fresh_deployment_answers_200_until_no_pull_came_for_the_configured_hours_then_503()
    {
        await using var app = await TestApp.StartAsync(Now, StoredSummaries.TwoPages(new Dictionary<string, string?> { ["Listening:Alerts:Stalled:Hours"] = "3" }));

        var fresh = await HttpCall.HealthAsync(app);
        Assert.Equal(200, fresh.Status);
        Assert.Equal("starting", fresh.Json["status"]!.GetValue<string>());
        Assert.All(fresh.Json["pages"]!.AsArray(), p => Assert.False(p!["stalled"]!.GetValue<bool>()));

        // Still within the grace period: the first expected pull counts from the first look, not from each look.
        app.Time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(200, (await HttpCall.HealthAsync(app)).Status);

        // One Page pulled, the other not for longer than Alerts:Stalled:Hours: a warning, the pipeline works.
        await app.Get<PageStateStore>().RecordPullAsync(StoredSummaries.PageA, "Kreis Soest", app.Time.GetUtcNow(), CancellationToken.None);
        app.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        var one = await HttpCall.HealthAsync(app);
        Assert.Equal(200, one.Status);
        Assert.Equal("degraded", one.Json["status"]!.GetValue<string>());
        Assert.Contains(one.Json["warnings"]!.AsArray(), w => w!.GetValue<string>().Contains(StoredSummaries.PageB + " (Kreis Soest Jobs) has never been pulled successfully", StringComparison.Ordinal));

        // No Page pulled for longer than that: broken now.
        app.Time.Advance(TimeSpan.FromHours(2));
        var broken = await HttpCall.HealthAsync(app);
        Assert.Equal(503, broken.Status);
        Assert.Equal("unhealthy", broken.Json["status"]!.GetValue<string>());
        Assert.All(broken.Json["pages"]!.AsArray(), p => Assert.True(p!["stalled"]!.GetValue<bool>()));

        // A pull again: healthy.
        await app.Get<PageStateStore>().RecordPullAsync(StoredSummaries.PageA, "Kreis Soest", app.Time.GetUtcNow(), CancellationToken.None);
        await app.Get<PageStateStore>().RecordPullAsync(StoredSummaries.PageB, "Kreis Soest Jobs", app.Time.GetUtcNow(), CancellationToken.None);
        var healthy = await HttpCall.HealthAsync(app);
        Assert.Equal(200, healthy.Status);
        Assert.Equal("healthy", healthy.Json["status"]!.GetValue<string>());
        Assert.Empty(healthy.Json["warnings"]!.AsArray());
    }

    [Fact]
    public async Task Parked_messages_are_a_warning_with_200_and_every_token_invalid_is_503()
    {
        await using var app = await TestApp.StartAsync(Now, StoredSummaries.TwoPages());
        var store = app.Get<PageStateStore>();
        foreach (var page in new[] { StoredSummaries.PageA, StoredSummaries.PageB })
        {
            await store.RecordPullAsync(page, "Seite " + page, Now.AddMinutes(-5), CancellationToken.None);
        }

        var poison = app.Queue(app.Options.Queues.Pulls + "-poison");
        await poison.CreateIfNotExistsAsync();
        await poison.SendMessageAsync("not base64 at all");
        var parked = await HttpCall.HealthAsync(app);
        Assert.Equal(200, parked.Status);
        Assert.Equal("degraded", parked.Json["status"]!.GetValue<string>());
        Assert.Contains(parked.Json["warnings"]!.AsArray(), w => w!.GetValue<string>() == "1 message(s) parked in " + app.Options.Queues.Pulls + "-poison: see listening poison list");

        await store.UpdateAsync(StoredSummaries.PageA, s => { s.TokenState = "invalid"; s.TokenProblem = "expired"; return true; }, CancellationToken.None);
        var oneInvalid = await HttpCall.HealthAsync(app);
        Assert.Equal(200, oneInvalid.Status);
        Assert.Contains(oneInvalid.Json["warnings"]!.AsArray(), w => w!.GetValue<string>().Contains("the token of Page " + StoredSummaries.PageA, StringComparison.Ordinal));

        await store.UpdateAsync(StoredSummaries.PageB, s => { s.TokenState = "invalid"; return true; }, CancellationToken.None);
        var allInvalid = await HttpCall.HealthAsync(app);
        Assert.Equal(503, allInvalid.Status);
        Assert.Equal("unhealthy", allInvalid.Json["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Demo_data_older_than_the_stall_limit_is_a_warning_that_says_how_to_refresh_not_a_503()
    {
        // No token configured: the embedded demo Page, which only `listening demo` pulls (served later by `listening serve`).
        await using var app = await TestApp.StartAsync(Now, new Dictionary<string, string?> { ["Listening:Alerts:Stalled:Hours"] = "3" });
        Assert.True(app.Options.IsDemo);
        foreach (var page in app.Get<Listening.Core.Ingestion.PageDirectory>().All)
        {
            await app.Get<PageStateStore>().RecordPullAsync(page.Id, "Demo " + page.Id, Now, CancellationToken.None);
        }

        app.Time.Advance(TimeSpan.FromDays(1));
        var stale = await HttpCall.HealthAsync(app);

        Assert.Equal(200, stale.Status);
        Assert.Equal("degraded", stale.Json["status"]!.GetValue<string>());
        Assert.True(stale.Json["demo"]!.GetValue<bool>());
        Assert.All(stale.Json["pages"]!.AsArray(), p => Assert.True(p!["stalled"]!.GetValue<bool>()));
        Assert.Contains(stale.Json["warnings"]!.AsArray(), w => w!.GetValue<string>().Contains("`listening sync` pulls the demo Page now", StringComparison.Ordinal));
    }
}
