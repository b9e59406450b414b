using System.Text;
using System.Text.Json.Nodes;
using Listening.Functions;
using Listening.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Listening.IntegrationTests.Summaries;

/// <summary>Calls the HTTP functions as the host would (resolved from the app's container) and reads what they answered.</summary>
internal static class HttpCall
{
    public static Task<HttpResult> DayAsync(TestApp app, string date, string query = "", IDictionary<string, string>? headers = null) =>
        DayAsync(app.Services, date, query, headers);

    public static Task<HttpResult> DayAsync(IServiceProvider services, string date, string query = "", IDictionary<string, string>? headers = null) =>
        CallAsync(query, headers, request => services.GetRequiredService<GetDailySummary>().Run(request, date, CancellationToken.None));

    public static Task<HttpResult> PeriodAsync(TestApp app, string query, IDictionary<string, string>? headers = null) =>
        PeriodAsync(app.Services, query, headers);

    public static Task<HttpResult> PeriodAsync(IServiceProvider services, string query, IDictionary<string, string>? headers = null) =>
        CallAsync(query, headers, request => services.GetRequiredService<GetPeriodSummary>().Run(request, CancellationToken.None));

    public static Task<HttpResult> HealthAsync(TestApp app) => HealthAsync(app.Services);

    public static Task<HttpResult> HealthAsync(IServiceProvider services) =>
        CallAsync("", null, request => services.GetRequiredService<Health>().Run(request, CancellationToken.None));

    private static async Task<HttpResult> CallAsync(string query, IDictionary<string, string>? headers, Func<HttpRequest, Task<IActionResult>> function)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.QueryString = new QueryString(query.Length == 0 || query.StartsWith('?') ? query : "?" + query);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            context.Request.Headers[name] = value;
        }

        var result = await function(context.Request);
        var responseHeaders = context.Response.Headers;
        return result switch
        {
            FileContentResult file => new HttpResult(200, file.ContentType, file.FileContents, responseHeaders),
            ContentResult content => new HttpResult(content.StatusCode ?? 200, content.ContentType ?? "", Encoding.UTF8.GetBytes(content.Content ?? ""), responseHeaders),
            StatusCodeResult status => new HttpResult(status.StatusCode, "", [], responseHeaders),
            _ => throw new InvalidOperationException("unexpected result " + result.GetType().Name),
        };
    }
}

internal sealed record HttpResult(int Status, string ContentType, byte[] Body, IHeaderDictionary Headers)
{
    public string Text => Encoding.UTF8.GetString(Body);

    public JsonNode Json => JsonNode.Parse(Body)!;

    public string Header(string name) => Headers[name].ToString();
}
