using Listening.Core.Summaries;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Listening.Functions;

/// <summary>
/// GET /api/summaries/{date}: the day's summary as HTML (browsers) or JSON. Anonymous at the host: who may read
/// it is decided by sign-in, never by a key in the URL.
/// </summary>
public sealed class GetDailySummary(SummaryEndpoint endpoint)
{
    [Function(nameof(GetDailySummary))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "summaries/{date}")] HttpRequest request,
        string date,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var answer = await endpoint.GetDayAsync(
            date, request.Query["page"].FirstOrDefault(), request.Query["format"].FirstOrDefault(), request.Headers.Accept.ToString(), cancellationToken);
        return HttpAnswers.ToResult(answer, request);
    }
}
