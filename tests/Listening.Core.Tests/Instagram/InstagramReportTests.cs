using System.Text.Json;
using System.Text.Json.Nodes;
using Listening.Core.Contracts;
using Listening.Core.Summaries;
using Listening.Core.Tests.Summaries;

namespace Listening.Core.Tests.Instagram;

/// <summary>Issue 14, item 5: Instagram in the day and period CSV and in the period report (JSON, HTML) beside the Page's columns and follower line.</summary>
public sealed class InstagramReportTests
{
    private const string AccountId = "17841400000000001";

    private static InstagramDaySummary Account(long followers, long? change, long? views, long? reach, params InstagramMediaDaySummary[] media) => new()
    {
        AccountId = AccountId,
        Username = "kreis_soest",
        Followers = new CounterChange(followers, change),
        Likes = 180,
        Comments = 7,
        Saves = 25,
        Shares = 10,
        Views = views,
        Reach = reach,
        Media = media,
    };

    private static readonly InstagramMediaDaySummary Reel = new()
    {
        Id = "17900000000000002",
        Timestamp = new DateTimeOffset(2026, 11, 27, 17, 30, 0, TimeSpan.FromHours(1)),
        Permalink = "https://www.instagram.com/reel/C0abc/",
        Excerpt = "=Ausbildung beim Kreis",
        MediaType = "VIDEO",
        ProductType = "REELS",
        New = true,
        Likes = 180,
        LikesTotal = 180,
        Comments = 7,
        CommentsTotal = 7,
        Saves = 25,
        SavesTotal = 25,
        Shares = 10,
        SharesTotal = 10,
        Views = 16_000,
        ViewsTotal = 16_000,
        Reach = 8_200,
        ReachTotal = 8_200,
    };

    private static string[][] Rows(string csv) =>
        [.. csv.Split(SummaryCsvRenderer.LineEnd, StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(SummaryCsvRenderer.Separator))];

    private static string Cell(string[][] rows, string[] row, string column) => row[Array.IndexOf(rows[0], column)];

    [Fact]
    public void The_day_CSV_adds_an_account_row_and_a_row_per_medium_in_German_and_keeps_its_columns_without_Instagram()
    {
        var without = Rows(SummaryCsvRenderer.Render(SampleSummary.Create()));
        Assert.Equal(SummaryCsvRenderer.Columns, without[0]);

        var page = SampleSummary.Page() with { Instagram = Account(5_010, 30, 16_000, 8_200, Reel) };
        var rows = Rows(SummaryCsvRenderer.Render(SampleSummary.Create(false, page)));

        Assert.Equal([.. SummaryCsvRenderer.Columns, .. SummaryCsvRenderer.InstagramColumns], rows[0]);
        Assert.All(rows, r => Assert.Equal(rows[0].Length, r.Length));
        var account = Assert.Single(rows, r => r[3] == "Instagram-Konto");
        Assert.Equal((AccountId, "5010", "30", "16000", "8200", "kreis_soest", "180", "25"),
            (Cell(rows, account, "Beitrag-ID"), Cell(rows, account, "Follower"), Cell(rows, account, "Follower-Veränderung"), Cell(rows, account, "Aufrufe"),
             Cell(rows, account, "Erreichte Personen"), Cell(rows, account, "Instagram-Konto"), Cell(rows, account, "„Gefällt mir“ (Instagram)"), Cell(rows, account, "Gespeichert (Instagram)")));
        var reel = Assert.Single(rows, r => r[3] == "Instagram-Reel");
        Assert.Equal(("17900000000000002", "27.11.2026 17:30", "ja", "'=Ausbildung beim Kreis", "16000", "8200", "25", "180"),
            (Cell(rows, reel, "Beitrag-ID"), Cell(rows, reel, "Erstellt"), Cell(rows, reel, "Neu"), Cell(rows, reel, "Auszug"), Cell(rows, reel, "Aufrufe bis Tagesende"),
             Cell(rows, reel, "Erreichte Personen bis Tagesende"), Cell(rows, reel, "Gespeichert bis Tagesende (Instagram)"), Cell(rows, reel, "„Gefällt mir“ bis Tagesende (Instagram)")));
        Assert.Equal("", Cell(rows, reel, "Reaktionen gesamt")); // Instagram likes are no Facebook reactions

        var story = Reel with { Id = "17900000000000003", ProductType = "STORY", LikesTotal = null, Likes = null, SavesTotal = null, Saves = null };
        var image = Reel with { Id = "17900000000000004", ProductType = "FEED", MediaType = "IMAGE" };
        var kinds = Rows(SummaryCsvRenderer.Render(SampleSummary.Create(false, page with { Instagram = Account(5_010, 30, null, null, story, image) })));
        Assert.Equal(["Instagram-Konto", "Instagram-Story", "Instagram-Beitrag"], kinds.Skip(1).Select(r => r[3]).Where(k => k.StartsWith("Instagram", StringComparison.Ordinal)));
        var storyRow = Assert.Single(kinds, r => r[3] == "Instagram-Story");
        Assert.Equal("", Cell(kinds, storyRow, "„Gefällt mir“ bis Tagesende (Instagram)")); // unknown, never 0
    }

    private static PeriodSummary Period()
    {
        var from = SampleSummary.Day;
        var days = new[]
        {
            SampleSummary.DayOf(from.AddDays(-7), 990, 1) with { Instagram = Account(4_900, 10, 1_000, 600) },
            SampleSummary.DayOf(from, 1_000, 2) with { Instagram = Account(4_980, 80, 9_000, 5_000) },
            SampleSummary.DayOf(from.AddDays(1), 1_003, 3),
            SampleSummary.DayOf(from.AddDays(2), 1_010, 7) with { Instagram = Account(5_010, 30, 7_000, 3_000) },
        };
        return PeriodSummaryBuilder.Build(from, from.AddDays(6), "Europe/Berlin", false, [new PageDays("104857600000001", "Kreis Soest", days)]);
    }

    [Fact]
    public void The_period_counts_the_Instagram_followers_and_sums_the_days_with_the_account_and_names_them_as_the_day_JSON()
    {
        var period = Period();
        var ig = Assert.Single(period.Pages).Instagram!;

        Assert.Equal(new PeriodCounter(4_900, 5_010, 110, 10), ig.Followers);
        Assert.Equal((16_000L, 8_000L, 1_000L, 600L), (ig.Views!.Value, ig.Reach!.Value, ig.PreviousViews!.Value, ig.PreviousReach!.Value));

        var json = JsonNode.Parse(JsonSerializer.Serialize(period, PeriodJsonContext.Default.PeriodSummary))!["pages"]![0]!;
        Assert.Equal(AccountId, json["instagram"]!["accountId"]!.GetValue<string>());
        Assert.Equal(5_010, json["instagram"]!["followers"]!["end"]!.GetValue<long>());
        var days = json["days"]!.AsArray();
        Assert.Equal((4_980L, 80L, 5_000L), (days[0]!["instagram"]!["followers"]!["end"]!.GetValue<long>(), days[0]!["instagram"]!["followers"]!["change"]!.GetValue<long>(), days[0]!["instagram"]!["reach"]!.GetValue<long>()));
        Assert.False(days[1]!.AsObject().ContainsKey("instagram")); // a day without the account: absent, not zeros

        var plain = PeriodSummaryBuilder.Build(SampleSummary.Day, SampleSummary.Day.AddDays(6), "Europe/Berlin", false,
            [new PageDays("104857600000001", "Kreis Soest", [SampleSummary.DayOf(SampleSummary.Day, 1_000, 2)])]);
        Assert.DoesNotContain("instagram", JsonSerializer.Serialize(plain, PeriodJsonContext.Default.PeriodSummary), StringComparison.Ordinal);
    }

    [Fact]
    public void The_period_CSV_adds_the_Instagram_follower_and_reach_columns_to_each_day_and_the_sums()
    {
        var rows = Rows(SummaryCsvRenderer.RenderPeriod(Period()));

        Assert.Equal([.. SummaryCsvRenderer.PeriodColumns, .. SummaryCsvRenderer.InstagramPeriodColumns], rows[0]);
        Assert.All(rows, r => Assert.Equal(rows[0].Length, r.Length));
        var first = rows.First(r => r[4] == "Tag");
        Assert.Equal(("kreis_soest", "4980", "80", "9000", "5000"), (Cell(rows, first, "Instagram-Konto"), Cell(rows, first, "Instagram-Follower"),
            Cell(rows, first, "Instagram-Follower-Veränderung"), Cell(rows, first, "Aufrufe (Instagram)"), Cell(rows, first, "Erreichte Personen (Instagram)")));
        var gap = rows.Where(r => r[4] == "Tag").ElementAt(1);
        Assert.Equal("", Cell(rows, gap, "Instagram-Follower"));
        var total = Assert.Single(rows, r => r[4] == "Zeitraum");
        Assert.Equal(("5010", "110", "8000"), (Cell(rows, total, "Instagram-Follower"), Cell(rows, total, "Instagram-Follower-Veränderung"), Cell(rows, total, "Erreichte Personen (Instagram)")));
        var change = Assert.Single(rows, r => r[4] == "Veränderung in %");
        Assert.Equal("1233,3", Cell(rows, change, "Erreichte Personen (Instagram)"));

        var plain = Rows(SummaryCsvRenderer.RenderPeriod(PeriodSummaryBuilder.Build(SampleSummary.Day, SampleSummary.Day, "Europe/Berlin", false,
            [new PageDays("104857600000001", "Kreis Soest", [SampleSummary.DayOf(SampleSummary.Day, 1_000, 2)])])));
        Assert.Equal(SummaryCsvRenderer.PeriodColumns, plain[0]);
    }

    [Fact]
    public void The_period_page_draws_the_Instagram_follower_line_beside_the_Page_s_with_its_values_in_the_day_table()
    {
        var html = PeriodHtmlRenderer.Render(Period());

        Assert.Contains("<h3 id=\"seite-1-verlauf\">Follower-Verlauf</h3>", html, StringComparison.Ordinal);
        Assert.Contains("<h3 id=\"seite-1-instagram-verlauf\">Instagram-Follower-Verlauf</h3>", html, StringComparison.Ordinal);
        Assert.Contains("Liniendiagramm: Instagram-Follower am Ende jedes Tages vom 27.11.2026 bis 03.12.2026. Von 4.980 am 27.11.2026 auf 5.010 am 29.11.2026", html, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"col\" class=\"num\">Follower (Instagram)</th>", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"num\">4.980</td><td class=\"num\">+80</td>", html, StringComparison.Ordinal);
        Assert.Contains("<dt>Follower (Instagram)</dt>", html, StringComparison.Ordinal);

        var plain = PeriodHtmlRenderer.Render(PeriodSummaryBuilder.Build(SampleSummary.Day, SampleSummary.Day, "Europe/Berlin", false,
            [new PageDays("104857600000001", "Kreis Soest", [SampleSummary.DayOf(SampleSummary.Day, 1_000, 2)])]));
        Assert.DoesNotContain("Instagram", plain, StringComparison.Ordinal);
    }
}
