namespace Listening.Core.Meta;

/// <summary>
/// What a source made of one pull, in terms the caller can act on without knowing Graph's error types: the
/// capture, or why there is none. A closed set: <see cref="Ok"/>, <see cref="TokenInvalid"/>,
/// <see cref="Throttled"/>, <see cref="Failed"/>.
/// </summary>
public abstract record PullResult
{
    private PullResult()
    {
    }

    /// <summary>The Page was read (metrics Meta rejected and malformed items are in the capture).</summary>
    public sealed record Ok(PageCapture Capture) : PullResult;

    /// <summary>Meta refused the Page token (code 190, or <c>debug_token</c> said it is not valid).</summary>
    /// <param name="Problem">What is wrong with the token in a few English words (<see cref="TokenStatus.ProblemOf"/>).</param>
    public sealed record TokenInvalid(string Problem, MetaProblem Error) : PullResult;

    /// <summary>Meta throttles the requests (codes 4, 17, 32, 613, 80001 and its family, HTTP 429).</summary>
    /// <param name="Wait">How long Meta said to wait (<c>estimated_time_to_regain_access</c>, else Retry-After); null when it did not say.</param>
    /// <param name="Usage">The usage headers of the answer, when it had them.</param>
    public sealed record Throttled(TimeSpan? Wait, GraphUsage? Usage, MetaProblem Error) : PullResult;

    /// <summary>Anything else Meta answered with (after the resilience handler's retries), or no answer at all.</summary>
    public sealed record Failed(MetaProblem Error) : PullResult;

    /// <summary>The result of a Graph error that ended a pull.</summary>
    internal static PullResult Of(GraphApiException error)
    {
        var problem = MetaProblem.Of(error);
        return error.IsTokenError ? new TokenInvalid(TokenStatus.ProblemOf(error.Subcode), problem)
            : error.IsThrottling ? new Throttled(error.Usage?.RegainAccessIn ?? error.RetryAfter, error.Usage, problem)
            : new Failed(problem);
    }
}

/// <summary>
/// Why a call to Meta went wrong, in three registers (none carries a token: Meta's text is masked where it enters
/// the process).
/// </summary>
/// <param name="Code">Meta's error code; 0 when the answer was no Graph error (no answer, not JSON, HTTP status only).</param>
/// <param name="Subcode">Meta's error subcode, if any.</param>
/// <param name="Transient">Worth another try a little later (codes 1 and 2, HTTP 5xx, no answer).</param>
/// <param name="Summary">Our own words with Meta's code and subcode, never Meta's free text: for stored state and <c>/api/health</c>.</param>
/// <param name="Detail">A few words with Meta's own text (masked): for logs and the CLI.</param>
/// <param name="Message">Meta's own text (masked), or ours when Meta sent none.</param>
public sealed record MetaProblem(int Code, int? Subcode, bool Transient, string Summary, string Detail, string Message)
{
    internal static MetaProblem Of(GraphApiException error) =>
        new(error.Code, error.Subcode, error.IsTransient, error.Summary(), error.Describe(), error.Message);
}
