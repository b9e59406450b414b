using System.Text.Json;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Insights;
using Listening.Core.Notifications;
using Listening.Core.Notifications.Teams;
using Listening.Core.Summaries;

namespace Listening.Core.Tests.Notifications;

/// <summary>The weekly digest: which week, when, and what its card says (German, against the week before).</summary>
public sealed class WeeklyDigestTests
{
    private static readonly DateOnly Monday = new(2026, 11, 23);

    [Theory]
    [InlineData("2026-11-30", "2026-11-23")]
    [InlineData("2026-12-03", "2026-11-23")]
    [InlineData("2026-12-06", "2026-11-23")]
    [InlineData("2026-12-07", "2026-11-30")]
    public void Last_week_runs_from_the_Monday_before_this_week_to_its_Sunday(string today, string monday) =>
        Assert.Equal(DateOnly.Parse(monday, System.Globalization.CultureInfo.InvariantCulture), WeeklyDigest.LastWeekOf(DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void It_is_due_on_Mondays_only_and_not_when_switched_off()
    {
        var on = new WeeklyDigest(null!, null!, Microsoft.Extensions.Options.Options.Create(new ListeningOptions()));
        var off = new WeeklyDigest(null!, null!, Microsoft.Extensions.Options.Options.Create(new ListeningOptions { WeeklyDigest = false }));

        Assert.True(on.IsDue(new DateOnly(2026, 11, 30)));
        Assert.False(on.IsDue(new DateOnly(2026, 12, 1)));
        Assert.False(off.IsDue(new DateOnly(2026, 11, 30)));
    }

    [Fact]
    public void The_card_compares_with_the_week_before_and_names_the_best_post_topic_and_missing_alt_texts()
    {
        var card = WeeklyDigest.Card(Monday, Monday.AddDays(6), Period(), Insights(), new ListeningOptions { PublicBaseUrl = "https://listening.example.org" });
        var text = card.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

        Assert.Null(WorkflowsPayload.Validate(WorkflowsPayload.Wrap(card)));
        Assert.Contains("Wochenrückblick 23.11.2026 – 29.11.2026", text, StringComparison.Ordinal);
        Assert.Contains("{\"title\":\"Erreichte Personen (Beiträge)\",\"value\":\"60.000 (+20.000, +50,0 % zur Vorwoche)\"}", text, StringComparison.Ordinal);
        Assert.Contains("„Gewinnspiel: Tickets“ (52.000 Personen)", text, StringComparison.Ordinal);
        Assert.Contains("{\"title\":\"Thema, das am besten lief\",\"value\":\"Gewinnspiel (Median 52.000 Personen, 1 Beitrag)\"}", text, StringComparison.Ordinal);
        Assert.Contains("{\"title\":\"Beiträge mit Bild ohne Alternativtext\",\"value\":\"2\"}", text, StringComparison.Ordinal);
        Assert.Contains("https://listening.example.org/api/insights?from=2026-11-23&to=2026-11-29", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_week_without_data_says_so()
    {
        var text = WeeklyDigest.Card(Monday, Monday.AddDays(6), null, null, new ListeningOptions()).ToJsonString();

        Assert.Contains("keine Daten", text, StringComparison.Ordinal);
    }

    private static PeriodSummary Period()
    {
        PeriodTotals Totals(long reach, int posts) => new() { Reactions = new ReactionCounts { Like = reach / 100 }, Reach = reach, NewPosts = posts };
        PeriodPost Post(string id, string excerpt, long reach) => new()
        {
            Id = id, CreatedTime = new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero), Excerpt = excerpt, New = true,
            Reactions = ReactionCounts.Zero, Comments = 0, Shares = 0, ReactionsTotal = ReactionCounts.Zero, CommentsTotal = 0, SharesTotal = 0,
            Reach = reach, ReachTotal = reach,
        };
        return new PeriodSummary
        {
            From = Monday, To = Monday.AddDays(6), DayCount = 7, PreviousFrom = Monday.AddDays(-7), PreviousTo = Monday.AddDays(-1),
            TimeZone = "Europe/Berlin", Demo = false, GeneratedAt = DateTimeOffset.UnixEpoch,
            Pages =
            [
                new PagePeriodSummary
                {
                    PageId = "1", Name = "Kreis Soest", Followers = new PeriodCounter(1000, 1040, 40, 5), Likes = new PeriodCounter(900, 910, 10, 1),
                    Totals = Totals(60_000, 4), PreviousTotals = Totals(40_000, 3), Days = [], Milestones = [],
                    Posts = [Post("a", "Service: Kfz-Zulassung", 8_000), Post("b", "Gewinnspiel: Tickets", 52_000)],
                },
            ],
        };
    }

    private static InsightsReport Insights() => new()
    {
        From = Monday, To = Monday.AddDays(6), TimeZone = "Europe/Berlin", GeneratedAt = DateTimeOffset.UnixEpoch, MinPostsPerCell = 3,
        Pages =
        [
            new PageInsights
            {
                PageId = "1", Name = "Kreis Soest",
                Page = new InsightFigures { Posts = 4, PostsWithReach = 4, MedianReach = 9000 },
                Topics =
                [
                    new GroupInsights { Name = null, Figures = new InsightFigures { Posts = 1, PostsWithReach = 1, MedianReach = 90_000 } },
                    new GroupInsights { Name = "Gewinnspiel", Figures = new InsightFigures { Posts = 1, PostsWithReach = 1, MedianReach = 52_000 } },
                ],
                PostingTime = new PostingTimeInsights { Posts = 4, PostsWithoutFirstDay = 0 },
                Accessibility = [new MonthAccessibility { Month = "2026-11", Posts = 3, Images = 5, ImagesWithAltText = 3, Share = 0.6, PostsLackingAltText = 2 }],
            },
        ],
    };
}
