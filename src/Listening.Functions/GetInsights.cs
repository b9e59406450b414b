using Listening.Core.Pipeline.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Listening.Functions;

/// <summary>
/// GET /api/insights?from=2026-09-01&amp;to=2026-11-30 (both optional: the last 90 days): topics, formats, posting times
/// and giveaways of the Page's own posts; HTML, JSON or CSV. Signed-in people only, like the summaries (docs/insights.md).
/// </summary>
public sealed class GetInsights(ListeningApi api)
{
    [Function(nameof(GetInsights))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "insights")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return HttpAnswers.ToResult(await api.InsightsAsync(HttpAnswers.Read(request), cancellationToken), request);
    }
}
