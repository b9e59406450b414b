using System.Globalization;
using Listening.Core.Configuration;

namespace Listening.Core.Meta;

/// <summary>
/// An error answer of the Graph API (a whole request or one batch item), or a request that never got one
/// (network failure, timeout). The message is Meta's own text with any token redacted; the request URL is never
/// part of it. Internal to the Meta layer: what leaves it is a <see cref="PullResult"/> or a <see cref="PageCheckResult"/>.
/// </summary>
internal sealed class GraphApiException : Exception
{
    public GraphApiException(int httpStatus, int code, int? subcode, string? type, string message)
        : base(Redaction.Redact(message))
    {
        HttpStatus = httpStatus;
        Code = code;
        Subcode = subcode;
        ErrorType = type;
    }

    public GraphApiException()
    {
    }

    public GraphApiException(string message)
        : base(Redaction.Redact(message))
    {
    }

    public GraphApiException(string message, Exception innerException)
        : base(Redaction.Redact(message), innerException)
    {
    }

    /// <summary>HTTP status of the answer (of the batch item when it came from a batch); 0 when no answer came.</summary>
    public int HttpStatus { get; }

    /// <summary>Meta's error code; 0 when the body was not a Graph error.</summary>
    public int Code { get; }

    public int? Subcode { get; }

    public string? ErrorType { get; }

    /// <summary>Usage headers of the answer, which say how long Meta's throttling lasts.</summary>
    public GraphUsage? Usage { get; init; }

    /// <summary>The answer's Retry-After, if it had one.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>No answer at all: connection failure or timeout (after the resilience handler's retries).</summary>
    public bool IsNoAnswer { get; init; }

    /// <summary>Code 190: the token is expired (463), invalidated (467), or predates a password change (460).</summary>
    public bool IsTokenError => Code == 190;

    /// <summary>Rate limiting: application (4), user (17), Page (32), call-rate (613), Business Use Case (80001 and its family) or HTTP 429.</summary>
    public bool IsThrottling => Code is 4 or 17 or 32 or 613 or (>= 80000 and <= 80014) || HttpStatus == 429;

    /// <summary>Code 1 subcode 99: "reduce the amount of data you're asking for". Asking again for less helps; retrying does not.</summary>
    public bool IsTooMuchData => Code == 1 && Subcode == 99;

    /// <summary>Worth another try a little later: codes 1 (not 99) and 2, HTTP 5xx, no answer.</summary>
    public bool IsTransient =>
        !IsThrottling && !IsTooMuchData && !IsTokenError
        && (IsNoAnswer || Code is 1 or 2 || (Code == 0 && HttpStatus >= 500) || (Code != 100 && HttpStatus >= 500));

    /// <summary>Code 100: an invalid parameter, e.g. a metric Meta no longer serves (one fails the whole call).</summary>
    public bool IsInvalidParameter => Code == 100;

    /// <summary>A permission the call needs is missing (code 10, or 200 to 299), e.g. <c>pages_read_user_content</c> for comments.</summary>
    public bool IsPermissionError => Code is 10 or (>= 200 and <= 299);

    /// <summary>
    /// What went wrong in our own words with Meta's code and subcode, never Meta's free text: for stored state and
    /// <c>/api/health</c>. Errors without a Graph code (no answer, not JSON, ...) carry our own message already.
    /// </summary>
    public string Summary()
    {
        if (Code == 0)
        {
            return IsNoAnswer ? "no answer from the Graph API" : Message;
        }

        var what = IsTokenError ? "Meta refused the Page token"
            : IsThrottling ? "Meta throttles the requests"
            : IsTooMuchData ? "Meta asked for less data per request"
            : IsInvalidParameter ? "Meta rejected a parameter of the request"
            : IsTransient ? "a temporary error at Meta"
            : "Meta answered with an error";
        return Subcode is { } sub
            ? string.Create(CultureInfo.InvariantCulture, $"{what} (code {Code}/{sub}, HTTP {HttpStatus})")
            : string.Create(CultureInfo.InvariantCulture, $"{what} (code {Code}, HTTP {HttpStatus})");
    }

    /// <summary>What went wrong in a few words with Meta's own text (masked), for logs and the CLI.</summary>
    public string Describe() =>
        IsNoAnswer ? "no answer from the Graph API (" + Message + ")"
        : Code == 0 ? $"HTTP {HttpStatus}"
        : Subcode is { } sub ? $"code {Code}/{sub} (HTTP {HttpStatus}): {Message}"
        : $"code {Code} (HTTP {HttpStatus}): {Message}";
}
