using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Notifications;
using Listening.Core.Summaries;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Listening.Core.Tests.Summaries;

/// <summary>Issue 13: how views and reach are ranked, summed over a period, exported, shown in the digest and configured.</summary>
public sealed class ReachPresentationTests
{
    private static PostDaySummary Post(string id, long reactions, long? reach, long? reachTotal = null, long? views = null, int hour = 8) =>
        SampleSummary.Post(id: id, reactions: reactions, comments: 0, shares: 0, hour: hour) with
        {
            Reach = reach,
            ReachTotal = reachTotal ?? reach,
            Views = views,
            ViewsTotal = views,
            EngagementRate = TopPostRanking.EngagementRate(reactions + 300 + 10 + 2, reachTotal ?? reach),
        };

    [Fact]
    public void Top_posts_by_reach_put_the_most_people_reached_first_and_unknown_reach_last()
    {
        var page = SampleSummary.Page(posts: [Post("a", 900, 1_000), Post("b", 10, 40_000), Post("c", 5_000, null), Post("d", 0, 0)]);

        Assert.Equal(["b", "a", "c"], TopPostRanking.Top(page, 5).Select(p => p.Id));
        Assert.Equal(["c", "a", "b"], TopPostRanking.Top(page with { TopPostBy = TopPostRanking.Interactions }, 5).Select(p => p.Id));
        Assert.Equal(["b"], TopPostRanking.Top(page, 1).Select(p => p.Id));
    }

    [Fact]
    public void A_post_without_interactions_but_with_reach_is_a_top_post_by_reach_only()
    {
        var page = SampleSummary.Page(posts: [Post("quiet", 0, 5_000)]);

        Assert.Single(TopPostRanking.Top(page, 3));
        Assert.Empty(TopPostRanking.Top(page with { TopPostBy = TopPostRanking.Interactions }, 3));
    }

    [Theory]
    [InlineData(136L, 5_000L, 0.0272)]
    [InlineData(1L, 3L, 0.3333)]
    [InlineData(10L, 0L, null)]
    [InlineData(10L, null, null)]
    public void Engagement_rate_is_a_fraction_of_reach_rounded_to_4_decimals(long interactions, long? reach, double? expected) =>
        Assert.Equal(expected, TopPostRanking.EngagementRate(interactions, reach));

    [Fact]
    public void A_period_sums_reach_per_day_and_post_and_an_unknown_day_makes_the_sum_unknown()
    {
        var first = SampleSummary.DayOf(SampleSummary.Day, 1_000, 1, posts: [Post("a", 5, 700, 700, 1_000)]) with { Reach = 700, Views = 1_000 };
        var second = SampleSummary.DayOf(SampleSummary.Day.AddDays(1), 1_001, 1, posts: [Post("a", 5, 300, 1_000, 500), Post("b", 50, 200, 200, 300)]) with { Reach = 500, Views = 800 };
        var unknown = SampleSummary.DayOf(SampleSummary.Day.AddDays(-7), 990, 1) with { Reach = null };

        var period = PeriodSummaryBuilder.Build(SampleSummary.Day, SampleSummary.Day.AddDays(6), "Europe/Berlin", false,
            [new PageDays("104857600000001", "Kreis Soest", [first, second, unknown])]);

        var page = Assert.Single(period.Pages);
        Assert.Equal((1_200L, 1_800L), (page.Totals.Reach!.Value, page.Totals.Views!.Value));
        Assert.Null(page.PreviousTotals.Reach); // the day before the period has no known reach
        Assert.Equal([700L, 500L], page.Days.Select(d => d.Reach!.Value));
        var a = page.Posts.Single(p => p.Id == "a");
        Assert.Equal((1_000L, 1_000L, 1_500L), (a.Reach!.Value, a.ReachTotal!.Value, a.Views!.Value));
        Assert.Equal(["a", "b"], page.Posts.Select(p => p.Id)); // by reach: 1,000 before 200, although b drew more
        Assert.Equal("reach", page.TopPostBy);
    }

    [Fact]
    public void The_csv_keeps_its_columns_and_adds_views_reach_and_the_engagement_rate_at_the_end()
    {
        var page = SampleSummary.Page(posts: [Post("a", 100, 400, 5_000, 900)]) with { Reach = 400, Views = 900 };
        var lines = SummaryCsvRenderer.Render(SampleSummary.Create(pages: page)).Split("\r\n");

        Assert.EndsWith(";Aufrufe;Aufrufe bis Tagesende;Erreichte Personen;Erreichte Personen bis Tagesende;Interaktionsrate in %", lines[0], StringComparison.Ordinal);
        Assert.EndsWith(";900;;400;;", lines[1], StringComparison.Ordinal);
        Assert.EndsWith(";900;900;400;5000;8,24", lines[2], StringComparison.Ordinal); // (100 + 300 + 10 + 2) / 5,000
        var unknown = SummaryCsvRenderer.Render(SampleSummary.Create(pages: SampleSummary.Page(posts: [Post("b", 1, null)]))).Split("\r\n");
        Assert.EndsWith(";;;;;", unknown[2], StringComparison.Ordinal);
    }

    [Fact]
    public void The_digest_names_each_top_posts_reach_the_pages_sum_and_the_giveaways_reach()
    {
        var page = SampleSummary.Page(posts: [Post("a", 900, 1_000, 2_500), Post("b", 10, 31_000)]) with
        {
            Reach = 32_000,
            Giveaways = [new GiveawayFollowThrough { PostId = "g", CreatedTime = new DateTimeOffset(2026, 10, 28, 10, 0, 0, TimeSpan.Zero), ReachAfter3Days = 52_000, FollowersGained = 54, FollowersRetained = 46 }],
        };
        var builder = new DigestCardBuilder(Options.Create(new ListeningOptions { Pages = [new PageOptions { Id = "104857600000001", AccessToken = "t" }] }));

        var card = builder.Build(SampleSummary.Day, SampleSummary.Create(pages: page)).ToJsonString(new System.Text.Json.JsonSerializerOptions
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });

        Assert.Contains("Die 2 Beiträge mit den meisten erreichten Personen:", card, StringComparison.Ordinal);
        Assert.True(card.IndexOf("31.000 Personen erreicht (31.000 insgesamt)", StringComparison.Ordinal) < card.IndexOf("1.000 Personen erreicht (2.500 insgesamt)", StringComparison.Ordinal));
        Assert.Contains("\"title\":\"Erreichte Personen (Beiträge)\",\"value\":\"32.000\"", card, StringComparison.Ordinal);
        Assert.Contains("Gewinnspiel vom 28.10.2026: erreichte 52.000 Personen in den ersten Tagen, +54 Follower in 3 Tagen, davon nach 30 Tagen noch 46.", card, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "reach")]
    [InlineData("Interactions ", "interactions")]
    [InlineData("reach", "reach")]
    public void TopPostsBy_accepts_reach_or_interactions(string? value, string effective)
    {
        var (options, failures) = Validate(value);

        Assert.Empty(failures);
        Assert.Equal(effective, options.Summaries.EffectiveTopPostsBy);
    }

    [Fact]
    public void An_unknown_TopPostsBy_stops_start_up_naming_the_key_and_the_choices()
    {
        var failure = Assert.Single(Validate("likes").Failures);

        Assert.Contains("Listening:Summaries:TopPostsBy", failure, StringComparison.Ordinal);
        Assert.Contains("use reach", failure, StringComparison.Ordinal);
        Assert.Contains("or interactions", failure, StringComparison.Ordinal);
    }

    private static (ListeningOptions Options, IReadOnlyList<string> Failures) Validate(string? topPostsBy)
    {
        var settings = new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" };
        if (topPostsBy is not null)
        {
            settings["Listening:Summaries:TopPostsBy"] = topPostsBy;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = new ListeningOptions();
        configuration.GetSection(ListeningOptions.SectionName).Bind(options);
        return (options, [.. new ListeningOptionsValidator(configuration).Validate(null, options).Failures ?? []]);
    }
}
