using Listening.Core.Snapshots;
using Listening.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Listening.Core.Ingestion;

/// <summary>Handles one pull request: capture the Page, send the snapshot parts on, record the pull.</summary>
public sealed partial class PagePuller(
    PageDirectory pages,
    IPageSource source,
    IQueuePublisher queue,
    PageStateStore state,
    ILogger<PagePuller> logger)
{
    public async Task<IReadOnlyList<PageSnapshot>> PullAsync(PullRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var page = pages.Find(request.PageId)
            ?? throw new InvalidMessageException($"page {request.PageId} is not configured");
        var capture = await source.CaptureAsync(page, cancellationToken);
        var parts = SnapshotSplitter.Split(capture);
        foreach (var part in parts)
        {
            await queue.PublishAsync(part, cancellationToken);
        }

        await state.RecordPullAsync(capture.PageId, capture.PageName, capture.CapturedAt, cancellationToken);
        LogPulled(logger, capture.PageId, capture.Posts.Count, parts.Count, capture.CapturedAt);
        return parts;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pulled page {PageId}: {Posts} posts in {Parts} snapshot parts, captured {CapturedAt:O}")]
    private static partial void LogPulled(ILogger logger, string pageId, int posts, int parts, DateTimeOffset capturedAt);
}
