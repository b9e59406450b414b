using System.Text.Json.Nodes;
using Listening.Core.Pipeline.Api;

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
    [InlineData("GetInsights", "insights")]
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

    /// <summary>
    /// listening serve maps <see cref="ApiRoutes.All"/>: every HTTP function must be in that list with its route, and
    /// nothing else, except Meta's webhook (<c>webhooks/meta</c>, GET and POST): Meta calls it from the internet, which
    /// never reaches a local serve, and serve maps the GET routes people read (its binding: FunctionsMetadataTests).
    /// </summary>
    [Fact]
    public void Every_http_function_is_in_the_route_list_that_listening_serve_maps()
    {
        var metadata = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")))!.AsArray();

        var http = metadata
            .SelectMany(f => f!["bindings"]!.AsArray().Where(b => b!["type"]!.GetValue<string>() == "httpTrigger").Select(b => (f!["name"]!.GetValue<string>(), b!["route"]!.GetValue<string>())))
            .Where(f => f.Item1 != "MetaWebhook")
            .Order().ToList();

        Assert.Equal(http, ApiRoutes.All.Select(r => (r.Name, r.Template)).Order().ToList());
    }
}
