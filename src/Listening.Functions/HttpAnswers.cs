using Listening.Core.Summaries;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Listening.Functions;

/// <summary>Maps a Core <see cref="HttpAnswer"/> onto the ASP.NET Core response, with safe default headers.</summary>
internal static class HttpAnswers
{
    public static IActionResult ToResult(HttpAnswer answer, HttpRequest request)
    {
        var headers = request.HttpContext.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        headers["Referrer-Policy"] = "no-referrer";
        if (answer.ETag is not null)
        {
            headers.ETag = answer.ETag;
        }

        if (answer.LastModified is { } modified)
        {
            headers.LastModified = modified.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        }

        if (answer.Status == StatusCodes.Status200OK)
        {
            return new FileContentResult(answer.Body, answer.ContentType);
        }

        return new ContentResult
        {
            StatusCode = answer.Status,
            ContentType = answer.ContentType,
            Content = System.Text.Encoding.UTF8.GetString(answer.Body),
        };
    }
}
