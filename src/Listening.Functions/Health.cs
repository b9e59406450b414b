using Listening.Core.Pipeline.Api;
using Listening.Core.Pipeline.Health;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Listening.Functions;

/// <summary>
/// GET /api/health: anonymous, nothing secret (no token, no webhook URL, no storage key). Per Page the last
/// successful pull, token state and rejected metrics; queue and poison-queue depths; warnings. 503 only when the
/// pipeline is broken now (<see cref="HealthReport.Unhealthy"/>), else 200 (README, "Graph API": the table of health states).
/// </summary>
public sealed class Health(ListeningApi api)
{
    [Function(nameof(Health))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return HttpAnswers.ToResult(await api.HealthAsync(cancellationToken), request);
    }
}
