using System.Text.Json.Nodes;
using Listening.IntegrationTests.Infrastructure;

namespace Listening.IntegrationTests.Cli;

/// <summary>
/// What the first command shows of the demo's storm day beyond the golden files' bytes: the comment triage (questions,
/// the Page's answers and response times, urgent comments, exactly one insult) and the comment alerts the run sends
/// to Teams (a fake Workflows webhook on 127.0.0.1). One run of <c>listening demo --days 23 --today 2026-11-24</c>
/// (the last complete day is the storm day, a Monday, so the office is open for <c>questions-unanswered</c>).
/// </summary>
public sealed class DemoStormDayTests : IAsyncLifetime
{
    private const string LastDay = "2026-11-23";

    private FakeTeamsWebhook _teams = null!;
    private string _outDir = null!;
    private JsonNode _page = null!;
    private string _digest = null!;

    public async Task InitializeAsync()
    {
        _teams = await FakeTeamsWebhook.StartAsync();
        _outDir = Directory.CreateTempSubdirectory("listening-demo-storm-").FullName;
        var run = await CliProcess.RunAsync(
            new Dictionary<string, string?> { ["Listening:Teams:WebhookUrl"] = _teams.Url() },
            "demo", "--days", "23", "--today", "2026-11-24", "--out", _outDir);
        Assert.True(run.Exit == 0, $"listening demo exited with {run.Exit}:\n{run.Output}\n{run.Error}");
        _page = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(_outDir, $"summary-{LastDay}.json")))!["pages"]![0]!;
        _digest = await File.ReadAllTextAsync(Path.Combine(_outDir, $"teams-{LastDay}.json"));
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
}
