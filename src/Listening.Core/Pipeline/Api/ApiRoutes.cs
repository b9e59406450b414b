namespace Listening.Core.Pipeline.Api;

/// <summary>One HTTP route of the app: its function name, its template below <c>/api/</c>, and the code that answers it.</summary>
public sealed record ApiRoute(string Name, string Template, Func<ListeningApi, ApiRequest, CancellationToken, Task<ApiResponse>> Answer);

/// <summary>
/// Every HTTP route of the app, in one list. <c>listening serve</c> maps each entry onto Kestrel; the Functions app has
/// one thin function per entry (the Worker SDK needs a class per trigger), and a test checks that both agree. A new
/// route is one line here, plus its function.
/// </summary>
public static class ApiRoutes
{
    public static readonly IReadOnlyList<ApiRoute> All =
    [
        new("GetDailySummary", "summaries/{date}", (api, request, ct) => api.DayAsync(request, ct)),
        new("GetPeriodSummary", "summaries", (api, request, ct) => api.PeriodAsync(request, ct)),
        new("Health", "health", (api, _, ct) => api.HealthAsync(ct)),
    ];

    public static ApiRoute Named(string name) => All.Single(r => r.Name == name);
}
