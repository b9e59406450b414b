using Listening.Core.Configuration;
using Listening.Core.Notifications.Alerts;

namespace Listening.Core.Tests.Notifications;

public sealed class AlertRulesTests
{
    private static readonly IReadOnlyList<string> Keywords = new CrisisOptions().EffectiveKeywords();

    [Theory]
    [InlineData("UNWETTERWARNUNG: Orkanartige Böen", "Unwetter")]
    [InlineData("Sturm-Update: Die Feuerwehren waren im Einsatz", "Sturm")]
    [InlineData("Probealarm: Am Donnerstag heulen um 11 Uhr die Sirenen", "Sirene")]
    [InlineData("Hochwasser an der Ruhr: Pegel steigt", "Hochwasser")]
    public void Crisis_keyword_is_found_in_any_case_and_inside_compounds(string text, string expected)
    {
        Assert.Equal(expected, CrisisDetector.Keyword(text, Keywords));
    }

    [Theory]
    [InlineData("Ausbildung beim Kreis: Jetzt bewerben!")]
    [InlineData("")]
    [InlineData(null)]
    public void Ordinary_posts_have_no_crisis_keyword(string? text)
    {
        Assert.Null(CrisisDetector.Keyword(text, Keywords));
    }

    [Fact]
    public void Default_crisis_keywords_are_the_ones_the_issue_names()
    {
        Assert.Equal(["Unwetter", "Sturm", "Hochwasser", "Stromausfall", "Sirene", "Evakuierung", "Warnung"], Keywords);
    }

    [Theory]
    [InlineData(998L, 1_003L, 1_000L)]
    [InlineData(990L, 2_600L, 2_500L)]
    [InlineData(9_990L, 10_000L, 10_000L)]
    [InlineData(1_000L, 1_200L, null)]
    [InlineData(1_003L, 998L, null)]
    [InlineData(null, 1_003L, null)]
    [InlineData(4_000L, 4_900L, null)]
    public void Milestone_is_the_highest_threshold_crossed_since_the_day_before(long? before, long? now, long? expected)
    {
        var thresholds = new MilestoneAlertOptions().EffectiveThresholds();

        Assert.Equal(expected, MilestoneDetector.Crossed(before, now, thresholds));
    }

    [Fact]
    public void Default_milestones_step_1_2_5_from_one_thousand()
    {
        Assert.Equal([1_000L, 2_500L, 5_000L, 10_000L, 25_000L, 50_000L, 100_000L], new MilestoneAlertOptions().EffectiveThresholds().Take(7));
    }

    [Fact]
    public void Configured_milestones_accept_german_thousands_dots()
    {
        Assert.Equal([500L, 1_500L], new MilestoneAlertOptions { Thresholds = "1.500, 500" }.EffectiveThresholds());
    }

    [Theory]
    [InlineData(new long[] { 5, 1, 3 }, 3.0)]
    [InlineData(new long[] { 4, 1, 3, 10 }, 3.5)]
    [InlineData(new long[0], 0.0)]
    public void Median_of_odd_and_even_counts(long[] values, double expected)
    {
        Assert.Equal(expected, TakeOffDetector.Median(values));
    }

    [Fact]
    public void Z_score_floors_the_deviation_of_a_flat_baseline()
    {
        // Every baseline day at 3 %: without a floor, 4 % would be infinitely unusual.
        Assert.Equal(0.5, NegativeSurgeDetector.ZScore(0.04, [0.03, 0.03, 0.03], 0.02), 6);
        Assert.True(NegativeSurgeDetector.ZScore(0.40, [0.03, 0.04, 0.02, 0.03], 0.02) > 3);
    }
}
