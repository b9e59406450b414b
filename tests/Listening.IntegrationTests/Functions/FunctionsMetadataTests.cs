using System.Text.Json.Nodes;

namespace Listening.IntegrationTests.Functions;

/// <summary>
/// The functions.metadata the Worker SDK writes at build time is what the Functions host indexes: triggers,
/// queue names, schedules, routes and auth levels are checked there, not in our attributes.
/// </summary>
public sealed class FunctionsMetadataTests
{
    private static readonly Lazy<Dictionary<string, JsonArray>> Functions = new(Load);

    public static TheoryData<string, string, string> QueueFunctions => new()
    {
        { "PullPage", "%PullsQueue%", "queueTrigger" },
        { "AggregateSnapshot", "%SnapshotsQueue%", "queueTrigger" },
        { "SendNotification", "%NotificationsQueue%", "queueTrigger" },
        { "TriageComments", "%CommentsQueue%", "queueTrigger" },
    };

    public static TheoryData<string, string> TimerFunctions => new()
    {
        { "SchedulePulls", "%PullSchedule%" },
        { "DailyDigest", "%DigestSchedule%" },
        { "Retention", "%RetentionSchedule%" },
    };

    public static TheoryData<string, string> HttpFunctions => new()
    {
        { "GetDailySummary", "summaries/{date}" },
        { "GetPeriodSummary", "summaries" },
        { "GetInsights", "insights" },
        { "Health", "health" },
    };

    [Fact]
    public void Every_function_of_the_flow_is_in_the_metadata()
    {
        Assert.Subset(Functions.Value.Keys.ToHashSet(StringComparer.Ordinal),
            new HashSet<string>(["SchedulePulls", "PullPage", "AggregateSnapshot", "DailyDigest", "SendNotification", "GetDailySummary", "GetPeriodSummary", "GetInsights", "Health", "Retention", "MetaWebhook", "TriageComments"], StringComparer.Ordinal));
    }

    [Fact]
    public void The_meta_webhook_is_an_anonymous_get_and_post_route()
    {
        var binding = Trigger("MetaWebhook");

        Assert.Equal("httpTrigger", binding["type"]!.GetValue<string>());
        Assert.Equal("webhooks/meta", binding["route"]!.GetValue<string>());
        Assert.Equal("Anonymous", binding["authLevel"]!.GetValue<string>());
        Assert.Equal(["get", "post"], binding["methods"]!.AsArray().Select(m => m!.GetValue<string>().ToLowerInvariant()).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(QueueFunctions))]
    public void Queue_functions_read_their_queue_name_from_settings(string function, string queueName, string trigger)
    {
        var binding = Trigger(function);

        Assert.Equal(trigger, binding["type"]!.GetValue<string>());
        Assert.Equal(queueName, binding["queueName"]!.GetValue<string>());
        Assert.Equal("AzureWebJobsStorage", binding["connection"]?.GetValue<string>() ?? "AzureWebJobsStorage");
    }

    [Theory]
    [MemberData(nameof(TimerFunctions))]
    public void Timer_functions_read_their_schedule_from_settings(string function, string schedule)
    {
        var binding = Trigger(function);

        Assert.Equal("timerTrigger", binding["type"]!.GetValue<string>());
        Assert.Equal(schedule, binding["schedule"]!.GetValue<string>());
        Assert.NotEqual(true, binding["runOnStartup"]?.GetValue<bool>());
    }

    [Theory]
    [MemberData(nameof(HttpFunctions))]
    public void Http_functions_are_anonymous_get_routes(string function, string route)
    {
        var binding = Trigger(function);

        Assert.Equal("httpTrigger", binding["type"]!.GetValue<string>());
        Assert.Equal(route, binding["route"]!.GetValue<string>());
        Assert.Equal("Anonymous", binding["authLevel"]!.GetValue<string>());
        Assert.Equal(["get"], binding["methods"]!.AsArray().Select(m => m!.GetValue<string>().ToLowerInvariant()));
    }

    [Fact]
    public void Every_setting_a_binding_names_has_a_sample_value()
    {
        var sample = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), "local.settings.sample.json")))!["Values"]!.AsObject();
        var names = Functions.Value.Values
            .SelectMany(b => b)
            .SelectMany(b => new[] { b!["queueName"]?.GetValue<string>(), b["schedule"]?.GetValue<string>() })
            .Where(v => v is not null && v.StartsWith('%'))
            .Select(v => v!.Trim('%'))
            .ToList();

        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.False(string.IsNullOrWhiteSpace(sample[n]?.GetValue<string>()), $"{n} has no value in local.settings.sample.json"));
    }

    private static JsonObject Trigger(string function) =>
        Functions.Value[function].Single(b => b!["type"]!.GetValue<string>().EndsWith("Trigger", StringComparison.Ordinal))!.AsObject();

    private static Dictionary<string, JsonArray> Load()
    {
        var root = RepositoryRoot();
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name; // bin/<Configuration>/net10.0
        var path = Path.Combine(root, "src", "Listening.Functions", "bin", configuration, "net10.0", "functions.metadata");
        Assert.True(File.Exists(path), $"functions.metadata not found at {path}: the Functions project must be built first.");
        return JsonNode.Parse(File.ReadAllText(path))!.AsArray()
            .ToDictionary(f => f!["name"]!.GetValue<string>(), f => f!["bindings"]!.AsArray(), StringComparer.Ordinal);
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Listening.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Listening.sln not found above " + AppContext.BaseDirectory);
    }
}
