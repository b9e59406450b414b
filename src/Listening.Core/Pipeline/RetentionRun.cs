using Listening.Core.Aggregation;
using Listening.Core.Ingestion;
using Listening.Core.Storage;

namespace Listening.Core.Pipeline;

/// <summary>
/// The daily <c>Retention</c> timer: <see cref="DataRetention"/> deletes what is past its retention, then the day
/// summaries whose hourly comment counts lost their comment ids are built again, so that <c>trackedComments</c>
/// (ids, links) goes after <c>Listening:Comments:RetentionDays</c> as docs/privacy.md promises; the counts stay.
/// </summary>
public sealed class RetentionRun(DataRetention retention, SummaryMaterializer materializer, PageDirectory pages)
{
    public async Task<RetentionResult> RunAsync(CancellationToken cancellationToken)
    {
        var result = await retention.RunAsync(cancellationToken);
        foreach (var (pageId, date) in result.TrackedCleared)
        {
            if (date >= result.AggregateCutoff && await pages.IsConfiguredAsync(pageId, cancellationToken))
            {
                await materializer.MaterializeAsync(pageId, date, cancellationToken);
            }
        }

        return result;
    }
}
