using System.Globalization;
using Listening.Core.Configuration;
using Listening.Core.Notifications;
using Listening.Core.Notifications.Alerts;
using Listening.Core.Meta.Sample;
using Microsoft.Extensions.Options;
using Listening.Core.Notifications.Teams;

namespace Listening.Benchmarks;

/// <summary>
/// <c>teams-card-size</c>: the size of every Teams payload the demo produces against the 28 KB Teams takes: the digest
/// of each of the 30 story days (with the day before for changes, and a full list of the day's alerts), and an
/// alert card with the longest text an alert can carry. Sizes are the UTF-8 bytes of the JSON as it is posted.
/// </summary>
internal static class TeamsCardSizeBenchmark
{
    public static Task RunAsync(string[] args)
    {
        var calendar = new LocalCalendar("Europe/Berlin");
        var firstDay = new DateOnly(2026, 10, 29);
        var builder = new DigestCardBuilder(Options.Create(new ListeningOptions { PublicBaseUrl = "https://listening-kreis.azurewebsites.net" }));
        var rows = new List<(DateOnly Date, int Posts, int Bytes, int Shown)>();
        foreach (var (summary, previous) in DemoDigests.Days(new DemoPage(firstDay, calendar), calendar, 30))
        {
            var page = summary.Pages[0];
            // Every post of the day as an alert: more than the detector raises on any demo day.
            var alerts = page.Posts
                .Select(p => new DigestAlert(AlertKinds.TakeOff, "Ein Beitrag hebt ab", page.Name, p.CreatedTime, p.Permalink))
                .Append(new DigestAlert(AlertKinds.Milestone, "Meilenstein: 1.000 Follower", page.Name, summary.GeneratedAt, null))
                .ToList();
            var payload = WorkflowsPayload.Wrap(builder.Build(new DigestContent(summary.Date, summary) { Previous = previous, Alerts = alerts }));
            var shown = DigestCardBuilder.TopPosts(page, 3).Count(p => payload.ToJsonString().Contains(p.Id.Split('_')[1], StringComparison.Ordinal));
            rows.Add((summary.Date, page.Posts.Count, WorkflowsPayload.SizeOf(payload), shown));
        }

        var longest = AlertCardBuilder.Build(new Alert
        {
            Kind = AlertKinds.Crisis,
            Key = "crisis:x",
            PageId = DemoPage.PageId,
            PageName = DemoPage.PageName,
            Title = "Krisenmodus an: " + DemoPage.PageName,
            Text = string.Concat(Enumerable.Repeat("UNWETTERWARNUNG: Orkanartige Böen bis 115 km/h im ganzen Kreis Musterstadt. ", 40)),
            Facts = [new("Stichwort", "Unwetter"), new("Krisenmodus bis", "21.11.2026, 07:40 Uhr")],
            Link = "https://www.facebook.com/100000000000001/posts/27",
            RaisedAt = DateTimeOffset.UnixEpoch,
            Severity = AlertSeverity.Attention,
        }, "Europe/Berlin");
        var alertBytes = WorkflowsPayload.SizeOf(WorkflowsPayload.Wrap(longest));

        var largest = rows.MaxBy(r => r.Bytes);
        var limit = WorkflowsPayload.MaxBytes;
        Console.WriteLine();
        Console.WriteLine("## Teams card size (teams-card-size)");
        Console.WriteLine();
        Console.WriteLine("| payload | bytes | share of 28 KB (28,672 bytes) |");
        Console.WriteLine("| --- | ---: | ---: |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| largest demo digest ({largest.Date:yyyy-MM-dd}, {largest.Posts} posts in the summary, every post also as an alert) | {largest.Bytes:N0} | {100.0 * largest.Bytes / limit:0.0} % |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| median demo digest | {rows.Select(r => r.Bytes).Order().ElementAt(rows.Count / 2):N0} | {100.0 * rows.Select(r => r.Bytes).Order().ElementAt(rows.Count / 2) / limit:0.0} % |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| alert card with the longest text ({AlertCardBuilder.MaxTextLength} characters) | {alertBytes:N0} | {100.0 * alertBytes / limit:0.0} % |"));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"All {rows.Count} demo digests fit without shrinking: {rows.All(r => r.Bytes <= DigestCardBuilder.MaxCardBytes && r.Shown == Math.Min(3, r.Posts))}."));
        return Task.CompletedTask;
    }
}
