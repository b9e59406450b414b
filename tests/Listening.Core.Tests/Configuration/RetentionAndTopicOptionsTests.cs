using Listening.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Listening.Core.Aggregation;

namespace Listening.Core.Tests.Configuration;

public sealed class RetentionAndTopicOptionsTests
{
    private static ListeningOptions Bind(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var options = new ListeningOptions();
        configuration.GetSection(ListeningOptions.SectionName).Bind(options);
        return options;
    }

    private static IEnumerable<string> Failures(ListeningOptions options)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" })
            .Build();
        return [.. new ListeningOptionsAttributeValidator().Validate(null, options).Failures ?? [], .. new ListeningOptionsValidator(configuration).Validate(null, options).Failures ?? [], .. new Listening.Core.Aggregation.TopicRulesValidator().Validate(null, options).Failures ?? []];
    }

    [Fact]
    public void Defaults_keep_raw_snapshots_90_days_and_aggregates_730_days()
    {
        var options = Bind();

        Assert.Equal(90, options.RawRetentionDays);
        Assert.Equal(730, options.AggregateRetentionDays);
        Assert.Empty(Failures(options));
    }

    [Fact]
    public void Both_retention_periods_are_configurable()
    {
        var options = Bind(("Listening:RawRetentionDays", "30"), ("Listening:AggregateRetentionDays", "400"));

        Assert.Equal((30, 400), (options.RawRetentionDays, options.AggregateRetentionDays));
        Assert.Empty(Failures(options));
    }

    [Theory]
    [InlineData("Listening:RawRetentionDays", "0", "Listening:RawRetentionDays must be from 1")]
    [InlineData("Listening:AggregateRetentionDays", "10", "Listening:AggregateRetentionDays must be from 35")]
    public void A_retention_too_short_stops_start_up_naming_the_key(string key, string value, string message)
    {
        var failure = Assert.Single(Failures(Bind((key, value))));

        Assert.StartsWith(message, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Topic_rules_bind_from_configuration_and_replace_the_defaults()
    {
        var options = Bind(
            ("Listening:Topics:Rules:0:Name", "Impfen"),
            ("Listening:Topics:Rules:0:Keywords", "Impfung, #Grippeschutz"),
            ("Listening:Topics:GiveawayTopic", ""));

        Assert.Equal("Impfen", Assert.Single(Listening.Core.Aggregation.TopicRules.Effective(options.Topics)).Name);
        Assert.Equal("", options.Topics.GiveawayTopic);
        Assert.Empty(Failures(options));
    }

    [Fact]
    public void A_topic_rule_without_keywords_stops_start_up_naming_the_key()
    {
        var failure = Assert.Single(Failures(Bind(("Listening:Topics:Rules:0:Name", "Impfen"))));

        Assert.StartsWith("Listening:Topics:Rules:0:Keywords is empty", failure, StringComparison.Ordinal);
    }
}
