using System.Globalization;
using Listening.Core.Configuration;
using Listening.Core.Ingestion;
using Listening.Core.Notifications.Alerts;
using Listening.Core.Contracts;
using Listening.Core.Storage;
using Listening.Core.Summaries;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Listening.Core.Notifications.Teams;

namespace Listening.Core.Notifications;

/// <summary>
/// The morning digest. The timer fires every hour in UTC; the digest of yesterday goes out at the first run
/// after the configured local hour, whatever daylight saving does to the UTC offset.
/// </summary>
public sealed partial class DigestScheduler(
    SummaryReader summaries,
    DigestCardBuilder cards,
    AlertLog alerts,
    CrisisMode crisis,
    PageDirectory pages,
    PageStateStore pageStates,
    IQueuePublisher queue,
    IDigestMarkers markers,
    LocalCalendar calendar,
    TimeProvider time,
    IOptions<ListeningOptions> options,
    ILogger<DigestScheduler> logger)
{
    /// <summary>The date whose digest was queued by this run, or null when it is not time or it was queued before.</summary>
    public async Task<DateOnly?> RunAsync(CancellationToken cancellationToken)
    {
        using var activity = Telemetry.ListeningTelemetry.Source.StartActivity("DailyDigest");
        var now = calendar.ToLocal(time.GetUtcNow());
        if (now.Hour < options.Value.DigestHour)
        {
            return null;
        }

        var date = DateOnly.FromDateTime(now.DateTime).AddDays(-1);
        if (await markers.WasQueuedAsync(date, cancellationToken))
        {
            return null;
        }

        await queue.PublishAsync(await BuildAsync(date, cancellationToken), cancellationToken);

        // False when overlapping runs queued it twice: the dispatcher's dedupe drops the second.
        await markers.TryMarkQueuedAsync(date, cancellationToken);

        LogQueued(logger, date);
        return date;
    }

    public async Task<NotificationMessage> BuildAsync(DateOnly date, CancellationToken cancellationToken) =>
        Message(date, cards.Build(await ContentAsync(date, cancellationToken)));

    /// <summary>Everything the digest of a day shows; the same stored data gives the same card, whenever it is built.</summary>
    public async Task<DigestContent> ContentAsync(DateOnly date, CancellationToken cancellationToken)
    {
        var stored = await summaries.ReadDayAsync(date, null, cancellationToken);
        var previous = stored is null ? null : await summaries.ReadDayAsync(date.AddDays(-1), null, cancellationToken);
        var (from, to) = (calendar.StartOf(date), calendar.EndOf(date));
        var raised = await alerts.RaisedBetweenAsync(from, to, cancellationToken);
        var crises = await crisis.OverlappingAsync(from, to, cancellationToken);
        var watched = new List<DigestPage>();
        foreach (var page in pages.All)
        {
            watched.Add(new DigestPage(page.Id, await NameOfAsync(page, stored?.Summary, previous?.Summary, cancellationToken)));
        }

        var names = watched.ToDictionary(p => p.PageId, p => p.Name, StringComparer.Ordinal);
        foreach (var page in stored?.Summary.Pages ?? [])
        {
            names.TryAdd(page.PageId, page.Name);
        }

        return new DigestContent(date, stored?.Summary)
        {
            Pages = watched,
            Previous = previous?.Summary,
            Alerts = [.. raised.Select(a => new DigestAlert(a.Kind, a.Title, a.PageName, a.RaisedAt, a.Link))],
            Crises = [.. crises.Select(c => new DigestCrisis(names.GetValueOrDefault(c.RowKey, c.RowKey), c.Keyword, c.Since, c.Until))],
        };
    }

    /// <summary>The configured name, else the name Facebook gave at the last pull we know of, else the Page id.</summary>
    private async Task<string> NameOfAsync(PageOptions page, DailySummary? day, DailySummary? before, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(page.Name))
        {
            return page.Name;
        }

        var known = new[] { day, before }
            .Select(s => s?.Pages.FirstOrDefault(p => p.PageId == page.Id)?.Name)
            .FirstOrDefault(n => !string.IsNullOrWhiteSpace(n) && n != page.Id);
        if (known is not null)
        {
            return known;
        }

        var state = await pageStates.GetAsync(page.Id, cancellationToken);
        return string.IsNullOrWhiteSpace(state?.PageName) ? page.Id : state.PageName;
    }

    public static NotificationMessage Message(DateOnly date, System.Text.Json.Nodes.JsonObject card) => new()
    {
        Key = "digest:" + DayKey.Of(date),
        Kind = AlertKinds.Digest,
        Payload = WorkflowsPayload.Wrap(card),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Queued the daily digest for {Date}")]
    private static partial void LogQueued(ILogger logger, DateOnly date);
}
