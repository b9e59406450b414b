using System.Text.Json;
using Listening.Core.Meta;

namespace Listening.Core.Tests.Facebook;

public sealed class GraphParsingTests
{
    [Fact]
    public void Insights_keep_numeric_daily_values_under_the_name_Meta_used()
    {
        using var body = JsonDocument.Parse("""
            {"data":[
              {"name":"page_impressions","period":"day","values":[{"value":5200,"end_time":"2026-11-26T08:00:00+0000"},{"value":5300,"end_time":"2026-11-27T08:00:00+0000"}]},
              {"name":"page_fans_country","period":"day","values":[{"value":{"DE":900,"AT":12},"end_time":"2026-11-27T08:00:00+0000"}]},
              {"name":"page_media_view","period":"week","values":[{"value":35000,"end_time":"2026-11-27T08:00:00+0000"}]},
              {"name":"page_views_total","period":"day","values":[{"value":12.0,"end_time":"2026-11-27T08:00:00+0000"}]}
            ],"paging":{"next":"https://graph.facebook.com/v24.0/1/insights?access_token=EAAx&since=1"}}
            """);

        var values = GraphPayload.ParseInsights(body.RootElement).ToList();

        Assert.Equal(3, values.Count);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero), values[0].EndTime);
        Assert.Equal("page_impressions", values[0].Metric);
        Assert.Equal(12, values.Single(v => v.Metric == "page_views_total").Value);
    }

    [Fact]
    public void A_post_without_shares_has_zero_shares_and_its_insights_by_name()
    {
        using var body = JsonDocument.Parse("""
            {"id":"1_2","created_time":"2026-11-27T09:15:00+0000","message":"Ausbildung",
             "comments":{"data":[],"summary":{"total_count":4}},
             "reactions_like":{"data":[],"summary":{"total_count":25}},"reactions_angry":{"data":[],"summary":{"total_count":1}},
             "insights":{"data":[{"name":"post_media_view","period":"lifetime","values":[{"value":840}]},{"name":"post_total_media_view_unique","period":"lifetime","values":[{"value":610}]}]}}
            """);

        var post = GraphPayload.ParsePost(body.RootElement);

        Assert.Equal(0, post.Shares);
        Assert.Equal(4, post.Comments);
        Assert.Equal(26, post.Reactions.Total);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 9, 15, 0, TimeSpan.Zero), post.CreatedTime);
        Assert.Equal(840, post.Metrics!["post_media_view"]);
        Assert.Equal(610, post.Metrics["post_total_media_view_unique"]);
    }

    [Fact]
    public void Paging_links_lose_their_token_and_take_the_current_page_size()
    {
        var next = "https://graph.facebook.com/v24.0/1/published_posts?access_token=EAAsecret&limit=100&after=QVFI&appsecret_proof=abc";

        var stripped = GraphClient.WithoutToken(new Uri(next)).ToString();
        var smaller = GraphRequests.WithLimit(next, 50);

        Assert.DoesNotContain("EAAsecret", stripped, StringComparison.Ordinal);
        Assert.DoesNotContain("appsecret_proof", stripped, StringComparison.Ordinal);
        Assert.Contains("after=QVFI", stripped, StringComparison.Ordinal);
        Assert.Contains("limit=50", smaller, StringComparison.Ordinal);
        Assert.DoesNotContain("limit=100", smaller, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("(#100) The value must be a valid insights metric", true)]
    [InlineData("(#100) The metric page_fans has been deprecated", true)]
    [InlineData("(#100) There cannot be more than 90 days (7776000 s) between since and until", false)]
    [InlineData("(#100) Tried accessing nonexisting field (reactions_lol)", false)]
    public void Only_a_code_100_about_metrics_starts_the_search_for_rejected_metrics(string message, bool aboutMetrics) =>
        Assert.Equal(aboutMetrics, PageInsightsReader.IsMetricRejection(new GraphApiException(400, 100, null, null, message), ["page_fans", "page_media_view"]));

    [Fact]
    public void Appsecret_proof_is_the_hex_hmac_of_the_token()
    {
        // HMAC-SHA256("EAAtoken", key "secret"), as Meta documents it.
        Assert.Equal(
            Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData("secret"u8, "EAAtoken"u8)),
            GraphClient.Proof("EAAtoken", "secret"));
    }

    private const string GoodPost = """
        {"id":"1_2","created_time":"2026-11-27T09:15:00+0000","message":"Ausbildung","shares":{"count":3},
         "comments":{"data":[],"summary":{"total_count":4}},"reactions_like":{"data":[],"summary":{"total_count":25}},
         "insights":{"data":[{"name":"post_media_view","period":"lifetime","values":[{"value":840}]}]}}
        """;

    [Theory]
    [InlineData("\"created_time\":\"2026-11-27T09:15:00+0000\",", "", "created_time")]
    [InlineData("2026-11-27T09:15:00+0000", "9999-12-31T00:00:00+0000", "created_time")]
    [InlineData("2026-11-27T09:15:00+0000", "2003-12-31T00:00:00+0000", "created_time")]
    [InlineData("2026-11-27T09:15:00+0000", "gestern", "created_time")]
    [InlineData("\"total_count\":25", "\"total_count\":1e20", "reactions_like")]
    [InlineData("\"total_count\":25", "\"total_count\":1000000000001", "reactions_like")]
    [InlineData("\"total_count\":4", "\"total_count\":-1", "comments")]
    [InlineData("{\"count\":3}", "{\"count\":\"drei\"}", "shares")]
    [InlineData("[{\"value\":840}]", "[{\"value\":1e20}]", "insights post_media_view")]
    [InlineData("\"id\":\"1_2\"", "\"id\":12", "id")]
    public void A_post_with_a_missing_or_absurd_field_is_malformed_and_names_the_field(string part, string replacement, string field)
    {
        using var body = JsonDocument.Parse(GoodPost.Replace(part, replacement, StringComparison.Ordinal));
        var latest = new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero);

        using var good = JsonDocument.Parse(GoodPost);
        Assert.True(GraphPayload.TryParsePost(good.RootElement, latest, out _, out _));
        Assert.False(GraphPayload.TryParsePost(body.RootElement, latest, out var post, out var problem));
        Assert.Null(post);
        Assert.Equal(field, problem!.Field);
        Assert.StartsWith("post ", problem.Item, StringComparison.Ordinal);
    }

    [Fact]
    public void A_post_id_that_is_not_Metas_is_not_repeated_in_the_log()
    {
        using var body = JsonDocument.Parse(GoodPost.Replace("\"id\":\"1_2\"", "\"id\":\"EAAsecret token\"", StringComparison.Ordinal));

        Assert.False(GraphPayload.TryParsePost(body.RootElement, DateTimeOffset.MaxValue, out _, out var problem));
        Assert.Equal("post (unusable id)", problem!.Item);
    }

    [Fact]
    public void Insight_values_that_are_no_count_or_lie_out_of_time_are_skipped_and_named()
    {
        using var body = JsonDocument.Parse("""
            {"data":[{"name":"page_media_view","period":"day","values":[
              {"value":5200,"end_time":"2026-11-26T08:00:00+0000"},
              {"value":1e20,"end_time":"2026-11-27T08:00:00+0000"},
              {"value":-4,"end_time":"2026-11-27T08:00:00+0000"},
              {"value":12,"end_time":"9999-12-31T08:00:00+0000"},
              {"value":12}]}]}
            """);
        var skipped = new List<MalformedItem>();

        var values = GraphPayload.ParseInsights(body.RootElement, new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero), skipped).ToList();

        Assert.Equal(5200, Assert.Single(values).Value);
        Assert.Equal(["value", "value", "end_time", "end_time"], skipped.Select(s => s.Field));
        Assert.All(skipped, s => Assert.Equal("insight page_media_view", s.Item));
    }
}
