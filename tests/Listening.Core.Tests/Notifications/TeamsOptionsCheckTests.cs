using Listening.Core.Pipeline;
using Listening.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Listening.Core.Notifications.Teams;

namespace Listening.Core.Tests.Notifications;

public sealed class TeamsOptionsCheckTests
{
    private const string Secret = "https://prod.example.org/workflows/abc/triggers/manual/paths/invoke?sig=TopSecretSig";

    private static List<string> Validate(Dictionary<string, string?> settings)
    {
        settings["AzureWebJobsStorage"] = "UseDevelopmentStorage=true";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = new ListeningOptions();
        configuration.GetSection(ListeningOptions.SectionName).Bind(options);
        return [.. new ListeningOptionsAttributeValidator().Validate(null, options).Failures ?? [], .. new ListeningOptionsValidator(configuration).Validate(null, options).Failures ?? [], .. new Listening.Core.Aggregation.TopicRulesValidator().Validate(null, options).Failures ?? []];
    }

    [Fact]
    public void Channels_and_routes_bind_from_configuration_keys()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Listening:Teams:WebhookUrl"] = Secret,
            ["Listening:Teams:Channels:krisenstab:WebhookUrl"] = Secret + "2",
            ["Listening:Teams:Channels:alt:Format"] = "messagecard",
            ["Listening:Teams:Routes:crisis"] = "krisenstab,default",
        }).Build();
        var options = new ListeningOptions();
        configuration.GetSection(ListeningOptions.SectionName).Bind(options);

        var channels = new Core.Notifications.Teams.TeamsChannels(Options.Create(options));

        Assert.Equal(["krisenstab", "default"], channels.RouteFor("crisis", "default"));
        Assert.Equal(["default"], channels.RouteFor("milestone", "default"));
        Assert.Equal(new Uri(Secret + "2"), channels.Find("KRISENSTAB")!.Webhook);
        Assert.Null(channels.Find("alt"));
        Assert.Equal("krisenstab", channels.Find("KRISENSTAB")!.Name);
    }

    [Fact]
    public void Route_to_a_channel_that_is_not_configured_names_the_key_and_the_fix()
    {
        var errors = Validate(new() { ["Listening:Teams:Routes:crisis"] = "krisenstab" });

        Assert.Contains(errors, e => e.Contains("Listening:Teams:Routes:crisis", StringComparison.Ordinal)
            && e.Contains("Listening:Teams:Channels:krisenstab:WebhookUrl", StringComparison.Ordinal));
    }

    [Fact]
    public void Route_for_an_unknown_kind_lists_the_known_ones()
    {
        var errors = Validate(new() { ["Listening:Teams:Routes:krise"] = "default" });

        Assert.Contains(errors, e => e.Contains("Listening:Teams:Routes:krise names no notification kind", StringComparison.Ordinal)
            && e.Contains("crisis", StringComparison.Ordinal));
    }

    [Fact]
    public void A_plain_http_channel_url_is_refused_without_showing_the_secret()
    {
        var errors = Validate(new() { ["Listening:Teams:Channels:presse:WebhookUrl"] = "http://prod.example.org/x?sig=TopSecretSig" });

        var error = Assert.Single(errors);
        Assert.Contains("Listening:Teams:Channels:presse:WebhookUrl", error, StringComparison.Ordinal);
        Assert.DoesNotContain("TopSecretSig", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Listening:Teams:Format", "html")]
    [InlineData("Listening:Alerts:Milestones:Thresholds", "1000,zehntausend")]
    [InlineData("Listening:Alerts:Crisis:Keywords", " , ")]
    [InlineData("Listening:Teams:MaxAttempts", "0")]
    public void Bad_values_stop_start_up_naming_the_key(string key, string value)
    {
        var errors = Validate(new() { [key] = value });

        Assert.Contains(errors, e => e.StartsWith(key, StringComparison.Ordinal));
    }

    [Fact]
    public void Defaults_are_valid()
    {
        Assert.Empty(Validate([]));
    }

    [Fact]
    public void Validation_runs_at_start_up_through_the_composition_root()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Listening:Teams:Routes:crisis"] = "nirgendwo",
        }).Build();
        using var provider = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddListening(configuration).BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ListeningOptions>>().Value);
        Assert.Contains(ex.Failures, f => f.Contains("nirgendwo", StringComparison.Ordinal));
    }
}
