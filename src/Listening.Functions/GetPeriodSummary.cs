using Listening.Core.Pipeline.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Listening.Functions;

/// <summary>
/// GET /api/summaries?from=2026-11-01&amp;to=2026-11-30 (days as <see cref="Core.Contracts.IsoDate"/>): a week, month or any period up to 366 days, compared with
/// the period of the same length before it; HTML, JSON or CSV. Signed-in people only, like the day summary.
/// </summary>
public sealed class GetPeriodSummary(ListeningApi api)
{
    [Function(nameof(GetPeriodSummary))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "summaries")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return HttpAnswers.ToResult(await api.PeriodAsync(HttpAnswers.Read(request), cancellationToken), request);
    }
}
