using Listening.Core.Meta;
using Listening.Core.Contracts;

namespace Listening.Core.Tests.Facebook;

public sealed class MetricNamesTests
{
    [Fact]
    public void Empty_list_gives_the_working_defaults()
    {
        Assert.Equal(MetricNames.DefaultPageMetrics, MetricNames.Parse(null, MetricNames.DefaultPageMetrics));
        Assert.Equal(MetricNames.DefaultPageMetrics, MetricNames.Parse(" , ", MetricNames.DefaultPageMetrics));
        Assert.Contains("page_media_view", MetricNames.DefaultPageMetrics);
        Assert.DoesNotContain("page_impressions", MetricNames.DefaultPageMetrics);
    }

    [Fact]
    public void Configured_list_is_trimmed_and_deduplicated_in_order()
    {
        var metrics = MetricNames.Parse(" page_follows, page_media_view ,page_follows", MetricNames.DefaultPageMetrics);

        Assert.Equal(["page_follows", "page_media_view"], metrics);
    }

    [Theory]
    [InlineData("page_media_view,page_follows", null)]
    [InlineData("page_media_view,Page Follows", "Page Follows")]
    [InlineData("page_media_view;page_follows", "page_media_view;page_follows")]
    public void Invalid_names_are_found(string list, string? invalid) => Assert.Equal(invalid, MetricNames.Invalid(list));

    [Fact]
    public void Series_follow_the_renames_of_2025_and_2026()
    {
        var aliases = MetricNames.Aliases(null);

        Assert.Equal("page_media_view", MetricNames.SeriesOf("page_impressions", aliases));
        Assert.Equal("page_follows", MetricNames.SeriesOf("page_fans", aliases));
        Assert.Equal("page_total_media_view_unique", MetricNames.SeriesOf("page_impressions_unique", aliases));
        Assert.Equal("post_media_view", MetricNames.SeriesOf("post_impressions", aliases));
        Assert.Equal("post_total_media_view_unique", MetricNames.SeriesOf("post_impressions_unique", aliases));
        Assert.Equal("page_views_total", MetricNames.SeriesOf("page_views_total", aliases));
    }

    [Fact]
    public void Configured_aliases_add_to_the_defaults_chain_and_survive_a_cycle()
    {
        var aliases = MetricNames.Aliases(new Dictionary<string, string> { ["page_media_view"] = "page_media_view_v2", ["a_metric"] = "b_metric", ["b_metric"] = "a_metric" });

        Assert.Equal("page_media_view_v2", MetricNames.SeriesOf("page_impressions", aliases));
        Assert.Equal("page_follows", MetricNames.SeriesOf("page_fans", aliases));
        Assert.Equal("b_metric", MetricNames.SeriesOf("a_metric", aliases));
    }
}
