using Listening.Core.Pipeline.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Listening.Functions;

/// <summary>
/// Between ASP.NET Core and the host-free endpoints (<see cref="ListeningApi"/>): the request in, the answer out
/// with every header Core set. <c>listening serve</c> does the same on Kestrel (Listening.Cli, ServeCommand).
/// </summary>
internal static class HttpAnswers
{
    public static ApiRequest Read(HttpRequest request, params (string Name, string? Value)[] routeValues)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ApiRequest.From(routeValues.ToDictionary(r => r.Name, r => r.Value, StringComparer.Ordinal), request.Query, request.Headers);
    }

    public static IActionResult ToResult(ApiResponse response, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(request);
        var headers = request.HttpContext.Response.Headers;
        foreach (var (name, value) in response.Headers)
        {
            headers[name] = value;
        }

        return response.Status switch
        {
            StatusCodes.Status304NotModified => new StatusCodeResult(StatusCodes.Status304NotModified),
            StatusCodes.Status200OK => new FileContentResult(response.Body, response.ContentType),
            _ => new ContentResult
            {
                StatusCode = response.Status,
                ContentType = response.ContentType,
                Content = System.Text.Encoding.UTF8.GetString(response.Body),
            },
        };
    }
}
