using Listening.Core.Summaries;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Listening.Functions;

/// <summary>Maps a Core <see cref="HttpAnswer"/> onto the ASP.NET Core response, with safe default headers.</summary>
internal static class HttpAnswers
{
    /// <summary>No script, no outside resources, no framing: the pages need nothing but their inline styles.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static SummaryRequest ReadSummaryRequest(HttpRequest request) => new()
    {
        Page = request.Query["page"].FirstOrDefault(),
        Format = request.Query["format"].FirstOrDefault(),
        Accept = request.Headers.Accept.ToString(),
        IfNoneMatch = request.Headers.IfNoneMatch.Count > 0 ? request.Headers.IfNoneMatch.ToString() : null,
        IfModifiedSince = request.Headers.IfModifiedSince.FirstOrDefault(),
        WithLinks = true,
    };

    public static IActionResult ToResult(HttpAnswer answer, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(request);
        var headers = request.HttpContext.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers["Referrer-Policy"] = "no-referrer";
        if (answer.ETag is not null)
        {
            headers.ETag = answer.ETag;
        }

        if (answer.LastModified is { } modified)
        {
            headers.LastModified = modified.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        }

        if (answer.CacheControl is not null)
        {
            headers.CacheControl = answer.CacheControl;
        }

        if (answer.Vary is not null)
        {
            headers.Vary = answer.Vary;
        }

        if (answer.ContentDisposition is not null)
        {
            headers.ContentDisposition = answer.ContentDisposition;
        }

        if (answer.Status == StatusCodes.Status304NotModified)
        {
            return new StatusCodeResult(StatusCodes.Status304NotModified);
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
