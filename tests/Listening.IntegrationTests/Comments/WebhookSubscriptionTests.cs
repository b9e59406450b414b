using System.Globalization;
using Listening.Cli;
using Listening.Core.Contracts;
using Listening.Core.Meta;
using Listening.Core.Pipeline;
using Listening.IntegrationTests.Facebook;
using Listening.IntegrationTests.Summaries;
using static Listening.IntegrationTests.Comments.CommentScenario;

namespace Listening.IntegrationTests.Comments;

/// <summary>
/// Subscription health against the fake Graph API and Azurite: the daily subscribed_apps check, /api/health, the
/// lapsed alert once a day, <c>listening webhook status|subscribe</c>, and <c>listening check</c>'s comment permissions.
/// </summary>
public sealed class WebhookSubscriptionTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    private static Task<GraphScenario> StartAsync(bool webhooks = true) => GraphScenario.StartAsync(Now, webhooks
        ? new Dictionary<string, string?> { ["Listening:Facebook:WebhookVerifyToken"] = VerifyToken, ["Listening:Facebook:AppSecret"] = AppSecret, ["Listening:Facebook:AppId"] = "123456789012345" }
        : null);

    private static int SubscriptionChecks(GraphScenario s) => s.Graph.Calls.Count(c => c.StartsWith("v24.0/" + PageId + "/subscribed_apps", StringComparison.Ordinal));

    private static async Task<List<string>> KindsAsync(GraphScenario s)
    {
        var queue = s.App.Queue(s.App.Options.Queues.Notifications);
        await queue.CreateIfNotExistsAsync();
        return [.. (await queue.PeekMessagesAsync(32)).Value.Select(m => MessageCodec.DecodeNotification(m.Body.ToString()).Kind)];
    }

    [Fact]
    public async Task A_lapsed_subscription_is_checked_once_a_day_shown_in_health_and_alerted_once_a_day()
    {
        await using var s = await StartAsync();
        var cycle = s.App.Get<PullCycle>();

        await cycle.RunAsync(CancellationToken.None);
        s.App.Time.Advance(TimeSpan.FromMinutes(15));
        await cycle.RunAsync(CancellationToken.None);

        Assert.Equal(1, SubscriptionChecks(s));
        Assert.Single(await KindsAsync(s), k => k == "webhook-lapsed");
        var health = (await HttpCall.HealthAsync(s.App)).Json;
        Assert.False(health["pages"]![0]!["webhook"]!["subscribed"]!.GetValue<bool>());
        Assert.Equal(Now, health["pages"]![0]!["webhook"]!["checkedAt"]!.GetValue<DateTimeOffset>());
        Assert.Contains(health["warnings"]!.AsArray(), w => w!.GetValue<string>().Contains("no longer sends its feed", StringComparison.Ordinal));

        // The next day: checked again, alerted again (once a day).
        s.App.Time.Advance(TimeSpan.FromHours(24));
        await cycle.RunAsync(CancellationToken.None);
        Assert.Equal(2, SubscriptionChecks(s));
        Assert.Equal(2, (await KindsAsync(s)).Count(k => k == "webhook-lapsed"));
    }

    [Fact]
    public async Task A_subscribed_page_raises_nothing_and_health_shows_the_last_event()
    {
        await using var s = await StartAsync();
        s.Graph.SubscribedFields.Add("feed");
        await s.App.Get<Listening.Core.Storage.ICommentStore>().RecordWebhookEventAsync(PageId, Now.AddMinutes(-3), CancellationToken.None);

        await s.App.Get<PullCycle>().RunAsync(CancellationToken.None);

        Assert.DoesNotContain("webhook-lapsed", await KindsAsync(s));
        var webhook = (await HttpCall.HealthAsync(s.App)).Json["pages"]![0]!["webhook"]!;
        Assert.True(webhook["subscribed"]!.GetValue<bool>());
        Assert.Equal(Now.AddMinutes(-3), webhook["lastEventAt"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task Without_a_verify_token_no_subscription_is_checked()
    {
        await using var s = await StartAsync(webhooks: false);

        await s.App.Get<PullCycle>().RunAsync(CancellationToken.None);

        Assert.Equal(0, SubscriptionChecks(s));
        Assert.Null((await HttpCall.HealthAsync(s.App)).Json["pages"]![0]!["webhook"]);
    }

    [Fact]
    public async Task Webhook_status_and_subscribe_through_the_cli()
    {
        await using var s = await StartAsync();
        using var before = new StringWriter(CultureInfo.InvariantCulture);
        Assert.Equal(1, await WebhookCommand.RunAsync(s.App.Services, subscribe: false, before, CancellationToken.None));
        Assert.Contains("NOT subscribed", before.ToString(), StringComparison.Ordinal);

        using var subscribed = new StringWriter(CultureInfo.InvariantCulture);
        Assert.Equal(0, await WebhookCommand.RunAsync(s.App.Services, subscribe: true, subscribed, CancellationToken.None));
        Assert.Contains("subscribed (feed reaches", subscribed.ToString(), StringComparison.Ordinal);
        Assert.Contains(s.Graph.Calls, c => c == "POST v24.0/" + PageId + "/subscribed_apps?subscribed_fields=feed");
        Assert.Equal(["feed"], s.Graph.SubscribedFields);
        Assert.DoesNotContain(GraphScenario.Token, subscribed.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subscribing_without_pages_manage_metadata_says_so()
    {
        await using var s = await StartAsync();
        s.Graph.SubscribeDenied = true;
        using var output = new StringWriter(CultureInfo.InvariantCulture);

        Assert.Equal(1, await WebhookCommand.RunAsync(s.App.Services, subscribe: true, output, CancellationToken.None));
        Assert.Contains("pages_manage_metadata", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_reports_the_permissions_comments_need()
    {
        await using var s = await StartAsync();
        using var output = new StringWriter(CultureInfo.InvariantCulture);

        await CheckCommand.RunAsync(s.App.Services, output, CancellationToken.None);

        Assert.Contains("Comments:     pages_read_user_content MISSING, pages_manage_metadata MISSING", output.ToString(), StringComparison.Ordinal);

        s.Graph.TokenData["scopes"] = new System.Text.Json.Nodes.JsonArray("pages_read_engagement", "read_insights", "pages_read_user_content", "pages_manage_metadata");
        using var granted = new StringWriter(CultureInfo.InvariantCulture);
        await CheckCommand.RunAsync(s.App.Services, granted, CancellationToken.None);
        Assert.Contains("Comments:     pages_read_user_content granted, pages_manage_metadata granted" + Environment.NewLine, granted.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_subscription_counts_only_this_apps_feed()
    {
        using var doc = System.Text.Json.JsonDocument.Parse("""{"data":[{"id":"555","subscribed_fields":["feed"]},{"id":"123456789012345","subscribed_fields":["messages"]}]}""");
        var options = Microsoft.Extensions.Options.Options.Create(new Listening.Core.Configuration.ListeningOptions());
        options.Value.Facebook.AppId = "123456789012345";
        var subscription = new WebhookSubscription(null!, new GraphRequests(options), options);

        Assert.False(subscription.Receives(doc.RootElement));
        options.Value.Facebook.AppId = null;
        Assert.True(subscription.Receives(doc.RootElement));
    }
}
