using System.Text;
using Listening.Core.Insights;

namespace Listening.Core.Tests.Insights;

/// <summary>Text from Facebook and configuration in the insights page and CSV: encoded in HTML, neutralised in CSV.</summary>
public sealed class InsightsHtmlTests
{
    private const string Script = "<script>alert(1)</script>";

    [Fact]
    public void Hostile_page_topic_and_giveaway_texts_are_shown_literally_and_never_run_in_excel()
    {
        var report = new InsightsReport
        {
            From = new DateOnly(2026, 11, 1), To = new DateOnly(2026, 11, 30), TimeZone = "Europe/Berlin", GeneratedAt = DateTimeOffset.UnixEpoch, MinPostsPerCell = 3,
            Pages =
            [
                new PageInsights
                {
                    PageId = "1", Name = "Kreis " + Script,
                    Page = new InsightFigures { Posts = 1, PostsWithReach = 0 },
                    Topics = [new GroupInsights { Name = "=HYPERLINK(\"http://x\")" + Script, Figures = new InsightFigures { Posts = 1, PostsWithReach = 0 } }],
                    PostingTime = new PostingTimeInsights { Posts = 0, PostsWithoutFirstDay = 1 },
                    Giveaways = [new GiveawayInsights { PostId = "g", CreatedTime = DateTimeOffset.UnixEpoch, Excerpt = "@SUM(1)" + Script }],
                },
            ],
        };

        var html = InsightsHtmlRenderer.Render(report, "1\"><script>");
        var csv = InsightsCsvRenderer.Render(report);

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("page=1%22%3E%3Cscript%3E", html, StringComparison.Ordinal);
        Assert.Contains(";Thema;\"'=HYPERLINK(\"\"http://x\"\")<script>alert(1)</script>\";", csv, StringComparison.Ordinal);
        Assert.Contains(";Gewinnspiel;'@SUM(1)<script>alert(1)</script>;", csv, StringComparison.Ordinal);
        Assert.Contains("1 Beitrag ohne Abfrage in den ersten 24 Stunden", html, StringComparison.Ordinal);
        Assert.NotEmpty(Encoding.UTF8.GetBytes(html));
    }
}
