using System.Reflection;
using System.Text.RegularExpressions;
using Listening.Core.Configuration;

namespace Listening.Infrastructure.Tests;

/// <summary>
/// Every setting the app reads is set in Azure under the same name (':' written '__'). The names come from
/// local.settings.sample.json, the options classes (reflection) and the %...% expressions of the triggers, so a
/// key added to the code fails here until infra/modules/function-app.bicep sets it.
/// </summary>
[Collection(CompiledInfrastructureGroup.Name)]
public sealed partial class AppSettingsTests(CompiledInfrastructure infra)
{
    /// <summary>Options Azure leaves at the code's defaults, each for a reason.</summary>
    private static readonly string[] LeftToCodeDefaults =
    [
        "Listening__Facebook__PostLookbackDays", // tuning, documented in README
        "Listening__Facebook__TimeoutSeconds", // tuning, documented in README
        "Listening__Demo__StartDate", // the demo story starts relative to today
        "Listening__Demo__HistoryDays", // the demo Page's history before its story (local demo only, docs/local.md)
        "Listening__RawRetentionDays", // retention, documented in docs/data-model.md (90 days)
        "Listening__AggregateRetentionDays", // retention, documented in docs/data-model.md (730 days)
        "Listening__Teams__RetryBaseSeconds", // delivery tuning, documented in docs/teams.md
        "Listening__Teams__MaxAttempts", // delivery tuning, documented in docs/teams.md
        "Listening__Teams__TimeoutSeconds", // delivery tuning, documented in docs/teams.md
        "Listening__Teams__Format", // Adaptive Cards unless an old connector URL is configured
        "Listening__Teams__Channels", // extra channels: none by default (docs/teams.md)
        "Listening__Teams__Routes", // routes: every kind to the default channel by default (docs/teams.md)
        "Listening__Facebook__PageMetrics", // empty = the metrics Meta serves today (code defaults, README "Graph API")
        "Listening__Facebook__PostMetrics", // the same for post insights
        "Listening__Facebook__MetricAliases", // entries add to the code's rename map; none needed by default
        "Listening__Facebook__InsightsLookbackDays", // tuning, documented in README
        "Listening__Facebook__SlowDownAtUsagePercent", // tuning, documented in README
        "Listening__Facebook__SlowDownMinutes", // tuning, documented in README
        "Listening__Facebook__MaxPostPagesPerCycle", // safety limit, documented in README
        "Listening__Summaries__TopPostsBy", // presentation: reach by default, documented in README
        "Listening__WeeklyDigest", // on by default, documented in README and docs/teams.md
        "Listening__TraceStorageCalls", // off: only failed storage calls go to Application Insights (cost, docs/deploy.md); on by hand to debug
        "Listening__Pages__0__Instagram", // auto by default (the linked account is found by the pull); off per Page by hand, documented in README
        "Listening__PageRegistry__TokenCacheMinutes", // tuning of the Key Vault token cache (60 minutes), documented in docs/operations.md
        "Listening__PageRegistry__LocalSecretsPath", // the local secret store of `listening pages add --token-stdin`; Azure reads Key Vault (KeyVaultUri)
        "Listening__OfficeHours", // Mon-Fri 08:00-16:00 by default, documented in docs/comments.md
        "Listening__Facebook__AppId", // optional: without it any app receiving the Page's feed counts (docs/comments.md)
    ];

    /// <summary>
    /// Option groups whose every key has a working default and is tuned by hand when needed (documented in
    /// docs/teams.md and docs/data-model.md): alert thresholds, topic rules, extra Teams channels and routes.
    /// </summary>
    private static readonly string[] LeftToCodeDefaultPrefixes =
    [
        "Listening__Alerts__",
        "Listening__Topics__",
        "Listening__Insights__",
        "Listening__Comments__", // retention, answer time, urgent burst, extra keywords (docs/comments.md)
        "Listening__Teams__Channels__",
        "Listening__Teams__Routes__",
    ];

    /// <summary>Local-only settings that Flex Consumption replaces (runtime in functionAppConfig, storage by identity).</summary>
    private static readonly string[] ReplacedInAzure = ["FUNCTIONS_WORKER_RUNTIME", "AzureWebJobsStorage"];

    /// <summary>What the platform needs in Azure beyond the sample.</summary>
    private static readonly string[] PlatformSettings =
    [
        "AzureWebJobsStorage__credential",
        "AzureWebJobsStorage__clientId",
        "AzureWebJobsStorage__blobServiceUri",
        "AzureWebJobsStorage__queueServiceUri",
        "AzureWebJobsStorage__tableServiceUri",
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
    ];

    public static TheoryData<string> RequiredSettings()
    {
        var names = Repository.SampleSettings().Keys.Where(k => !ReplacedInAzure.Contains(k))
            .Concat(Repository.BindingExpressionSettings())
            .Select(AppSettingName)
            .Concat(OptionSettingNames().Except(LeftToCodeDefaults))
            .Concat(PlatformSettings)
            .Where(name => !LeftToCodeDefaultPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal)))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        return [.. names];
    }

    [Theory]
    [MemberData(nameof(RequiredSettings))]
    public void Setting_is_set_in_Azure(string name)
    {
        var page = PageSetting().Match(name);
        if (page.Success)
        {
            Assert.Contains($"format('Listening__Pages__{{0}}__{page.Groups["property"].Value}', lambdaVariables('i'))",
                ArmTemplate.Text(infra.FunctionApp.Variable("pageSettings")), StringComparison.Ordinal);
        }
        else
        {
            Assert.True(infra.FunctionApp.Variable("appSettings").AsObject().ContainsKey(name), $"{name} is not set in infra/modules/function-app.bicep.");
        }
    }

    [Fact]
    public void Site_gets_both_setting_groups()
    {
        var site = infra.FunctionApp.SingleOfType("Microsoft.Web/sites");

        Assert.StartsWith("[map(items(union(variables('appSettings'), variables('pageSettings')))",
            ArmTemplate.Text(site["properties"]!["siteConfig"]!["appSettings"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Options_left_to_code_defaults_still_exist()
    {
        Assert.Subset(OptionSettingNames().ToHashSet(StringComparer.Ordinal), LeftToCodeDefaults.ToHashSet(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("FUNCTIONS_WORKER_RUNTIME")]
    [InlineData("FUNCTIONS_EXTENSION_VERSION")]
    [InlineData("WEBSITE_RUN_FROM_PACKAGE")]
    [InlineData("WEBSITE_CONTENTSHARE")]
    [InlineData("WEBSITE_TIME_ZONE")]
    public void Settings_Flex_Consumption_deprecates_are_absent(string name)
    {
        Assert.False(infra.FunctionApp.Variable("appSettings").AsObject().ContainsKey(name));
    }

    [Fact]
    public void Host_storage_is_reached_with_the_managed_identity()
    {
        var settings = infra.FunctionApp.Variable("appSettings");

        Assert.Equal("managedidentity", ArmTemplate.Text(settings["AzureWebJobsStorage__credential"]));
        Assert.Equal("[parameters('identityClientId')]", ArmTemplate.Text(settings["AzureWebJobsStorage__clientId"]));
        Assert.Equal("[parameters('blobEndpoint')]", ArmTemplate.Text(settings["AzureWebJobsStorage__blobServiceUri"]));
        Assert.Equal("[parameters('queueEndpoint')]", ArmTemplate.Text(settings["AzureWebJobsStorage__queueServiceUri"]));
        Assert.Equal("[parameters('tableEndpoint')]", ArmTemplate.Text(settings["AzureWebJobsStorage__tableServiceUri"]));
    }

    [Theory]
    [InlineData("PullSchedule", "pullSchedule")]
    [InlineData("DigestSchedule", "digestSchedule")]
    [InlineData("RetentionSchedule", "retentionSchedule")]
    [InlineData("Listening:TimeZone", "timeZone")]
    [InlineData("Listening:Facebook:ApiVersion", "graphApiVersion")]
    [InlineData("Listening:Facebook:GraphBaseUrl", "graphBaseUrl")]
    public void Parameter_defaults_match_the_sample_settings(string sampleKey, string parameter)
    {
        Assert.Equal(Repository.SampleSettings()[sampleKey], ArmTemplate.Text(infra.Main.Parameter(parameter)["defaultValue"]));
    }

    [Fact]
    public void Digest_hour_defaults_to_the_sample_value()
    {
        Assert.Equal(int.Parse(Repository.SampleSettings()["Listening:DigestHour"], System.Globalization.CultureInfo.InvariantCulture),
            infra.Main.Parameter("digestHour")["defaultValue"]!.GetValue<int>());
    }

    private static string AppSettingName(string configurationKey) => configurationKey.Replace(":", "__", StringComparison.Ordinal);

    /// <summary>Keys of the options tree: class names map to sections, a list to index 0.</summary>
    private static IEnumerable<string> OptionSettingNames() => OptionKeys(typeof(ListeningOptions), ListeningOptions.SectionName);

    private static IEnumerable<string> OptionKeys(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            // Queue names and schedules are flat trigger settings (FlatSettings), checked through the %...% expressions.
            if (type == typeof(ListeningOptions) && property.Name is nameof(ListeningOptions.Queues) or nameof(ListeningOptions.Schedules))
            {
                continue;
            }

            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var key = $"{prefix}__{property.Name}";
            if (propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() == typeof(Dictionary<,>))
            {
                yield return key; // a map of keys chosen by the operator (Listening__Facebook__MetricAliases__<old>)
            }
            else if (propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() == typeof(List<>))
            {
                foreach (var nested in OptionKeys(propertyType.GetGenericArguments()[0], $"{key}__0"))
                {
                    yield return nested;
                }
            }
            else if (propertyType.IsClass && propertyType != typeof(string))
            {
                foreach (var nested in OptionKeys(propertyType, key))
                {
                    yield return nested;
                }
            }
            else
            {
                yield return key;
            }
        }
    }

    [GeneratedRegex(@"^Listening__Pages__\d+__(?<property>\w+)$")]
    private static partial Regex PageSetting();
}
