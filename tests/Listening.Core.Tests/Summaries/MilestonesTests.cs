using Listening.Core.Summaries;
using Listening.Core.Aggregation;
using Listening.Core.Contracts;

namespace Listening.Core.Tests.Summaries;

public sealed class MilestonesTests
{
    [Theory]
    [InlineData(990L, 1_003L, new long[] { 1_000 })]
    [InlineData(999L, 1_000L, new long[] { 1_000 })]
    [InlineData(1_000L, 1_200L, new long[0])]
    [InlineData(2_400L, 5_100L, new long[] { 2_500, 5_000 })]
    [InlineData(9_999L, 100_000L, new long[] { 10_000, 25_000, 50_000, 100_000 })]
    [InlineData(1_010L, 990L, new long[0])]
    [InlineData(0L, 999L, new long[0])]
    public void Crossed_lists_the_round_numbers_passed_upwards(long before, long after, long[] expected)
    {
        Assert.Equal(expected, Milestones.Crossed(before, after));
    }

    [Fact]
    public void Crossed_needs_both_ends()
    {
        Assert.Empty(Milestones.Crossed(null, 1_200));
        Assert.Empty(Milestones.Crossed(900, null));
    }

    [Fact]
    public void Of_a_day_uses_the_end_and_the_change_of_followers_and_likes()
    {
        var page = SampleSummary.Page() with { Followers = new CounterChange(1_004, 9), Likes = new CounterChange(2_501, 2) };

        var found = Milestones.Of(page);

        Assert.Equal([new Milestone(Milestones.Followers, 1_000, SampleSummary.Day), new Milestone(Milestones.Likes, 2_500, SampleSummary.Day)], found);
    }

    [Fact]
    public void Of_a_day_without_a_previous_day_finds_nothing()
    {
        var page = SampleSummary.Page() with { Followers = new CounterChange(1_004, null) };

        Assert.DoesNotContain(Milestones.Of(page), m => m.Kind == Milestones.Followers);
    }
}
