using Listening.Core.Storage;
using Listening.Functions;
using Listening.IntegrationTests.Infrastructure;
using Microsoft.Azure.Functions.Worker;
using static Listening.IntegrationTests.Comments.CommentScenario;

namespace Listening.IntegrationTests.Comments;

/// <summary>
/// docs/privacy.md on Azurite: after <c>Listening:Comments:RetentionDays</c> the daily Retention run leaves nothing
/// that names a single comment (rows, answers, ids in the counts and in the day summary, alerts), while the counts stay;
/// a late event of such a comment changes nothing.
/// </summary>
public sealed class CommentRetentionTests
{
    private static readonly DateTimeOffset Morning = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero); // 09:00 in Berlin

    [Fact]
    public async Task After_the_retention_days_nothing_names_a_comment_and_the_counts_stay()
    {
        await using var s = await StartAsync(Morning.AddHours(1), new Dictionary<string, string?> { ["Listening:Comments:RetentionDays"] = "3" });
        await s.PostAndTriageAsync(Delivery(Morning.AddMinutes(30),
            Change("add", 1, "Wo gibt es Sandsäcke?", Morning.AddMinutes(1)),
            Change("add", 2, "Keller voll, wer hilft?", Morning.AddMinutes(2)),
            Change("add", 3, "Ihr Idioten", Morning.AddMinutes(3)),
            Change("add", 4, "Bis 18 Uhr am Bauhof.", Morning.AddMinutes(21), replyTo: 1, byPage: true)));
        var totals = await s.TotalsAsync();
        Assert.Equal((1, 1, 1, 0, 1), totals);
        Assert.Contains(await s.EverythingStoredAsync(), v => v.Contains(CommentId(1), StringComparison.Ordinal));

        // Three days and 50 minutes later: a new question (kept), then the daily run.
        var later = Morning.AddDays(3).AddMinutes(50);
        s.App.Time.SetUtcNow(later);
        await s.PostAndTriageAsync(Delivery(later, Change("add", 9, "Wann kommt der Strom?", later.AddMinutes(-5))));
        await s.App.Get<Retention>().Run(new TimerInfo(), CancellationToken.None);

        // The cutoff is 3 days back at the full hour (08:00 UTC): the hour of comments 1-3 (08:00-09:00) is kept whole still.
        Assert.Contains(await s.EverythingStoredAsync(), v => v.Contains(CommentId(1), StringComparison.Ordinal));

        s.App.Time.SetUtcNow(later.AddHours(1));
        await s.App.Get<Retention>().Run(new TimerInfo(), CancellationToken.None);

        var stored = await s.EverythingStoredAsync();
        foreach (var old in new[] { 1, 2, 3, 4 })
        {
            Assert.DoesNotContain(stored, v => v.Contains(CommentId(old), StringComparison.Ordinal));
        }

        Assert.Contains(stored, v => v.Contains(CommentId(9), StringComparison.Ordinal));
        var rows = await TestApp.RowsAsync(s.App.Tables.Comments);
        Assert.DoesNotContain(rows, r => r.RowKey.StartsWith("a_", StringComparison.Ordinal));
        Assert.Single(rows, r => r.RowKey.StartsWith("c_", StringComparison.Ordinal)); // comment 9
        Assert.Equal((2, 1, 1, 0, 1), await s.TotalsAsync()); // the counts stay

        // The old day's summary keeps its triage numbers without the ids.
        var summary = stored.Single(v => v.StartsWith(s.App.Tables.PageDays.Name + " " + PageId + "/" + SummaryKeys.Day(new DateOnly(2026, 11, 2)) + " ", StringComparison.Ordinal) && v.Contains("commentTriage", StringComparison.Ordinal));
        Assert.Matches("\"questions\":\\s*1,", summary);
        Assert.DoesNotContain("trackedComments", summary, StringComparison.Ordinal);

        // A late copy of an old comment (Meta's retry, an edit) changes nothing now.
        var before = await s.DumpAsync();
        await s.PostAndTriageAsync(Delivery(later, Change("edited", 2, "Keller voll, Hilfe!", Morning.AddMinutes(2)), Change("add", 5, "Notfall!", Morning.AddMinutes(5))));
        Assert.Equal(before, await s.DumpAsync());
    }
}
