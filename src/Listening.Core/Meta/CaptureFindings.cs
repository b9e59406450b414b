using Microsoft.Extensions.Logging;

namespace Listening.Core.Meta;

/// <summary>
/// What one capture found beside the counters, collected as the readers go and logged once as found: metrics Meta
/// rejected (the pull goes on without them) and malformed items that were skipped.
/// </summary>
internal sealed partial class CaptureFindings(string pageId, ILogger logger)
{
    private readonly List<string> _rejected = [];
    private readonly List<MalformedItem> _skipped = [];

    public string PageId { get; } = pageId;

    public IReadOnlyList<string> Rejected => _rejected;

    public IReadOnlyList<MalformedItem> Skipped => _skipped;

    public bool IsRejected(string metric) => _rejected.Contains(metric);

    public void Skip(MalformedItem item)
    {
        _skipped.Add(item);
        LogMalformed(logger, PageId, item.Item, item.Field);
    }

    public void Reject(IEnumerable<string> metrics, GraphApiException error)
    {
        foreach (var metric in metrics)
        {
            if (!_rejected.Contains(metric))
            {
                _rejected.Add(metric);
                LogRejected(logger, PageId, metric, error.Describe());
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Meta rejected metric {Metric} for page {PageId} ({Problem}); carrying on without it")]
    private static partial void LogRejected(ILogger logger, string pageId, string metric, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped a malformed item of page {PageId}: {Item}, field {Field} missing or out of range; the rest of the Page goes on")]
    private static partial void LogMalformed(ILogger logger, string pageId, string item, string field);
}
