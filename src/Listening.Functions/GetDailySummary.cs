using Listening.Core.Pipeline.Access;
using Listening.Core.Pipeline.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Listening.Functions;

/// <summary>
/// GET /api/summaries/{date}: the day's summary as HTML (browsers), JSON or CSV. Anonymous at the host: who may
/// read it is decided by sign-in (<see cref="SignInGate"/>), never by a key in the URL.
/// </summary>
public sealed class GetDailySummary(ListeningApi api)
{
    [Function(nameof(GetDailySummary))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "summaries/{date}")] HttpRequest request,
        string date,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return HttpAnswers.ToResult(await api.DayAsync(HttpAnswers.Read(request, ("date", date)), cancellationToken), request);
    }
}
