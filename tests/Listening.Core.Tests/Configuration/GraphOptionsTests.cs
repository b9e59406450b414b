using Listening.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Listening.Core.Tests.Configuration;

public sealed class GraphOptionsTests
{
    private static IEnumerable<string> Failures(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" })
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var options = new ListeningOptions();
        configuration.GetSection(ListeningOptions.SectionName).Bind(options);
        return [.. new ListeningOptionsAttributeValidator().Validate(null, options).Failures ?? [], .. new ListeningOptionsValidator(configuration).Validate(null, options).Failures ?? [], .. new Listening.Core.Aggregation.TopicRulesValidator().Validate(null, options).Failures ?? []];
    }

    [Fact]
    public void Posts_are_paged_20_times_per_cycle_by_default_enough_for_2000_posts()
    {
        Assert.Equal(20, new ListeningOptions().Facebook.MaxPostPagesPerCycle);
        Assert.Empty(Failures());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    public void A_page_limit_out_of_range_fails_at_start_up_with_the_key_and_its_range(string value)
    {
        var failure = Assert.Single(Failures(("Listening:Facebook:MaxPostPagesPerCycle", value)));

        Assert.Equal("Listening:Facebook:MaxPostPagesPerCycle must be from 1 to 1000 pages of 100 posts (20 read 2,000 posts).", failure);
    }
}
