using System.Text.Json.Nodes;
using Listening.IntegrationTests.Infrastructure;

namespace Listening.IntegrationTests.Cli;

/// <summary>
/// What the first command shows of the demo's storm day beyond the golden files' bytes: the comment triage (questions,
/// the Page's answers and response times, urgent comments, exactly one insult) and the comment alerts the run sends
/// to Teams (a fake Workflows webhook on 127.0.0.1). One run of <c>listening demo --days 23 --today 2026-11-24</c>
/// (the last complete day is the storm day, a Monday, so the office is open for <c>questions-unanswered</c>), and
/// the linked Instagram account beside the Page in the JSON, the HTML and the digest; then <c>listening summary</c>
/// of the day before on the demo's data, whose Meta day is complete (Meta's daily account insights, <c>metaDay</c>).
/// </summary>
public sealed class DemoStormDayTests : IAsyncLifetime
{
    private const string LastDay = "2026-11-23";

    private FakeTeamsWebhook _teams = null!;
    private string _outDir = null!;
    private JsonNode _page = null!;
    private string _digest = null!;
    private string _html = null!;
    private JsonNode _dayBefore = null!;

    public async Task InitializeAsync()
    {
        _teams = await FakeTeamsWebhook.StartAsync();
        _outDir = Directory.CreateTempSubdirectory("listening-demo-storm-").FullName;
        var environment = new Dictionary<string, string?> { ["Listening:Teams:WebhookUrl"] = _teams.Url() };
        var run = await CliProcess.RunInAsync(_outDir, environment, "demo", "--days", "23", "--today", "2026-11-24", "--out", "out");
        Assert.True(run.Exit == 0, $"listening demo exited with {run.Exit}:\n{run.Output}\n{run.Error}");
        _page = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(_outDir, "out", $"summary-{LastDay}.json")))!["pages"]![0]!;
        _digest = await File.ReadAllTextAsync(Path.Combine(_outDir, "out", $"teams-{LastDay}.json"));
        _html = await File.ReadAllTextAsync(Path.Combine(_outDir, "out", $"summary-{LastDay}.html"));
        var before = await CliProcess.RunInAsync(_outDir, environment, "summary", "--date", "2026-11-22", "--format", "json");
        Assert.True(before.Exit == 0, $"listening summary exited with {before.Exit}:\n{before.Output}\n{before.Error}");
        _dayBefore = JsonNode.Parse(before.Output)!["pages"]![0]!;
    }

    public async Task DisposeAsync()
    {
        await _teams.DisposeAsync();
        Directory.Delete(_outDir, recursive: true);
    }

    [Fact]
    public void The_storm_day_shows_questions_answered_and_open_urgent_comments_and_one_insult()
    {
        var triage = _page["commentTriage"]!;
        var questions = triage["questions"]!.GetValue<int>();
        var answered = triage["answered"]!.GetValue<int>();
        Assert.True(questions >= 3, $"{questions} questions");
        Assert.InRange(answered, 1, questions - 1);
        Assert.Equal(questions - answered, triage["unanswered"]!.GetValue<int>());
        Assert.True(triage["urgent"]!.GetValue<int>() > 0);
        Assert.Equal(1, triage["abusive"]!.GetValue<int>());
        Assert.NotNull(triage["medianResponseMinutes"]);
        Assert.InRange(triage["medianResponseMinutes"]!.GetValue<double>(), 1, 120);

        // The insult sits under the morning's warning, the post with the questions.
        var warning = _page["posts"]!.AsArray().Single(p => p!["excerpt"]!.GetValue<string>().StartsWith("UNWETTERWARNUNG", StringComparison.Ordinal))!;
        Assert.Equal(1, warning["commentTriage"]!["abusive"]!.GetValue<int>());
        Assert.True(warning["commentTriage"]!["questions"]!.GetValue<int>() > 0);
    }

    [Fact]
    public void The_run_sends_the_urgent_abusive_and_unanswered_question_alerts_without_the_insult_or_an_author()
    {
        // The alert cards (the morning digest, sent too, lists the day's alerts as well).
        var cards = _teams.DeliveredText().Where(c => !c.Contains("Tageszusammenfassung", StringComparison.Ordinal)).ToList();
        Assert.Contains(cards, c => c.Contains("Dringender Kommentar", StringComparison.Ordinal) && c.Contains("Bei uns ist der Keller voll, wer hilft?", StringComparison.Ordinal));
        Assert.Single(cards, c => c.Contains("Beleidigender Kommentar", StringComparison.Ordinal));
        Assert.Contains(cards, c => c.Contains("Frage unbeantwortet", StringComparison.Ordinal));

        // The insult is linked for moderation, never quoted; the comments carry no author to name.
        Assert.DoesNotContain(cards, c => c.Contains("Idiot", StringComparison.OrdinalIgnoreCase));
        Assert.All(
            cards.Where(c => c.Contains("Kommentar auf Facebook öffnen", StringComparison.Ordinal) || c.Contains("Zur Moderation öffnen", StringComparison.Ordinal)),
            c => Assert.Contains("comment_id=", c, StringComparison.Ordinal));

        // The morning digest written by the demo lists the day's comment alerts among its warnings.
        Assert.Contains("Dringender Kommentar", _digest, StringComparison.Ordinal);
        Assert.Contains("Beleidigender Kommentar", _digest, StringComparison.Ordinal);
    }

    [Fact]
    public void The_linked_Instagram_account_shows_beside_the_Page_with_a_Reel_that_outreaches_every_post_but_the_giveaway()
    {
        var instagram = _page["instagram"]!;
        Assert.Equal("kreis.musterstadt", instagram["username"]!.GetValue<string>());
        Assert.True(instagram["followers"]!["end"]!.GetValue<long>() > 2_500);
        Assert.True(instagram["followers"]!["change"]!.GetValue<long>() > 0);
        var media = instagram["media"]!.AsArray().Select(m => m!).ToList();

        // The storm warning as a story and the evening update as a feed image are new that day.
        Assert.Contains(media, m => m["productType"]!.GetValue<string>() == "STORY" && m["new"]!.GetValue<bool>());
        Assert.Contains(media, m => m["productType"]!.GetValue<string>() == "FEED" && m["mediaType"]!.GetValue<string>() == "IMAGE");

        // The apprenticeship Reel of a few days before still gains, and has reached more people than any post of the Page but the giveaway.
        var reel = media.Where(m => m["productType"]!.GetValue<string>() == "REELS").MaxBy(m => m["reachTotal"]!.GetValue<long>())!;
        Assert.Equal("VIDEO", reel["mediaType"]!.GetValue<string>());
        Assert.Contains("#Ausbildung", reel["excerpt"]!.GetValue<string>(), StringComparison.Ordinal);
        var posts = _page["posts"]!.AsArray().Select(p => p!)
            .Where(p => !p["topics"]!.AsArray().Any(t => t!.GetValue<string>() == "Gewinnspiel"))
            .ToList();
        Assert.NotEmpty(posts);
        var bestPost = posts.Max(p => p["reachTotal"]!.GetValue<long>());
        Assert.True(reel["reachTotal"]!.GetValue<long>() > bestPost, $"the Reel reached {reel["reachTotal"]}, the best post {bestPost}");

        // The day page and the digest show Instagram beside Facebook.
        Assert.Contains("Instagram (@kreis.musterstadt)", _html, StringComparison.Ordinal);
        Assert.Contains("Instagram (@kreis.musterstadt)", _digest, StringComparison.Ordinal);
    }

    [Fact]
    public void The_day_before_carries_Metas_daily_account_insights_once_its_Meta_day_is_complete()
    {
        var metaDay = _dayBefore["instagram"]!["metaDay"]!;
        Assert.Equal("2026-11-22", metaDay["date"]!.GetValue<string>());
        var metrics = metaDay["metrics"]!;
        Assert.True(metrics["reach"]!.GetValue<long>() > 0);
        Assert.True(metrics["views"]!.GetValue<long>() > metrics["reach"]!.GetValue<long>());
        Assert.True(metrics["total_interactions"]!.GetValue<long>() > 0);
    }
}
