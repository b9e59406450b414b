using Listening.Core.Configuration;
using Listening.Core.Snapshots;
using Listening.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Listening.Core.Ingestion;

/// <summary>Fans a pull cycle out: one message per Page and kind, so Pages scale out and fail alone.</summary>
public sealed partial class PullScheduler(
    IOptions<ListeningOptions> options,
    PageDirectory pages,
    IQueuePublisher queue,
    TimeProvider time,
    ILogger<PullScheduler> logger)
{
    public async Task<int> ScheduleAsync(CancellationToken cancellationToken)
    {
        using var activity = Telemetry.ListeningTelemetry.Source.StartActivity("SchedulePulls");
        var now = time.GetUtcNow();
        var count = 0;
        foreach (var page in pages.All)
        {
            await queue.PublishAsync(new PullRequest { PageId = page.Id, Kind = PullKind.Posts, RequestedAt = now }, cancellationToken);
            count++;
        }

        LogScheduled(logger, count, options.Value.IsDemo);
        return count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled pulls for {Count} pages (demo: {Demo})")]
    private static partial void LogScheduled(ILogger logger, int count, bool demo);
}

/// <summary>The Pages this installation watches: the configured ones, or the embedded demo Page.</summary>
public sealed class PageDirectory(IOptions<ListeningOptions> options)
{
    public IReadOnlyList<PageOptions> All => options.Value.IsDemo
        ? [new PageOptions { Id = Sample.DemoPage.PageId, Name = Sample.DemoPage.PageName }]
        : options.Value.Pages;

    public PageOptions? Find(string pageId) => All.FirstOrDefault(p => string.Equals(p.Id, pageId, StringComparison.Ordinal));
}
