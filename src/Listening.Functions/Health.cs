using System.Text.Json;
using Listening.Core.Health;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Listening.Functions;

/// <summary>GET /api/health: anonymous, nothing secret. Per Page the last pull and token state; queue depths.</summary>
public sealed class Health(HealthReporter reporter)
{
    [Function(nameof(Health))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var report = await reporter.ReportAsync(cancellationToken);
        return new ContentResult
        {
            StatusCode = report.Status == "healthy" ? 200 : 503,
            ContentType = "application/json; charset=utf-8",
            Content = JsonSerializer.Serialize(report, HealthJsonContext.Default.HealthReport),
        };
    }
}
