namespace Listening.Core.Facebook;

/// <summary>
/// An error answer of the Graph API. The message is Meta's own text with any token redacted; the request URL
/// is never part of it.
/// </summary>
public sealed class GraphApiException : Exception
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

    public int HttpStatus { get; }

    public int Code { get; }

    public int? Subcode { get; }

    public string? ErrorType { get; }

    /// <summary>Code 190: the token is expired, invalidated or was issued before a password change.</summary>
    public bool IsTokenError => Code == 190;

    /// <summary>Rate limiting (application, user, page, BUC) or HTTP 429.</summary>
    public bool IsThrottling => Code is 4 or 17 or 32 or 613 or 80001 || HttpStatus == 429;

    /// <summary>Code 100: an invalid parameter, e.g. a metric Meta no longer knows.</summary>
    public bool IsInvalidParameter => Code == 100;
}
