using System.Text.Json.Nodes;

namespace Listening.IntegrationTests.Summaries;

/// <summary>
/// The HTTP functions as the Worker SDK declares them to the host (functions.metadata, written at build time):
/// the documented routes, GET only, and anonymous at the host so that no function key ever sits in a URL
/// (sign-in decides who reads).
/// </summary>
public sealed class HttpRouteTests
{
    [Theory]
    [InlineData("GetDailySummary", "summaries/{date}")]
    [InlineData("GetPeriodSummary", "summaries")]
    [InlineData("Health", "health")]
    public void Http_functions_have_their_documented_route_and_need_no_key(string function, string route)
    {
        var metadata = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")))!.AsArray();

        var trigger = metadata.Single(f => f!["name"]!.GetValue<string>() == function)!["bindings"]!.AsArray()
            .Single(b => b!["type"]!.GetValue<string>() == "httpTrigger")!;

        Assert.Equal(route, trigger["route"]!.GetValue<string>());
        Assert.Equal("Anonymous", trigger["authLevel"]!.GetValue<string>());
        Assert.Equal(["get"], trigger["methods"]!.AsArray().Select(m => m!.GetValue<string>()));
    }
}
