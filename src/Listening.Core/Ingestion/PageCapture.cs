using Listening.Core.Configuration;
using Listening.Core.Snapshots;

namespace Listening.Core.Ingestion;

/// <summary>Where a Page's counters come from: the Graph API, or the embedded demo Page.</summary>
public interface IPageSource
{
    Task<PageCapture> CaptureAsync(PageOptions page, CancellationToken cancellationToken);
}

/// <summary>Everything one pull saw of a Page at one moment.</summary>
public sealed record PageCapture
{
    public required string PageId { get; init; }

    public required string PageName { get; init; }

    public bool Demo { get; init; }

    public required DateTimeOffset CapturedAt { get; init; }

    public long? Followers { get; init; }

    public long? Fans { get; init; }

    public IReadOnlyList<PostObservation> Posts { get; init; } = [];
}
