using Listening.Core.Meta;

namespace Listening.Core.Tests.Facebook;

/// <summary>What the Meta layer hands on when a Graph error ends a pull: a result, with nothing of Graph's types.</summary>
public sealed class PullResultTests
{
    [Theory]
    [InlineData(463, "expired")]
    [InlineData(467, "invalidated")]
    [InlineData(460, "invalidated by a password change")]
    public void A_token_error_is_TokenInvalid_with_the_problem_in_words(int subcode, string problem)
    {
        var result = PullResult.Of(new GraphApiException(400, 190, subcode, "OAuthException", "Error validating access token"));

        var token = Assert.IsType<PullResult.TokenInvalid>(result);
        Assert.Equal(problem, token.Problem);
        Assert.Equal(190, token.Error.Code);
        Assert.Equal(subcode, token.Error.Subcode);
        Assert.Equal("Error validating access token", token.Error.Message);
        Assert.Equal($"Meta refused the Page token (code 190/{subcode}, HTTP 400)", token.Error.Summary);
        Assert.Equal($"code 190/{subcode} (HTTP 400): Error validating access token", token.Error.Detail);
    }

    [Fact]
    public void Throttling_carries_Metas_time_to_regain_access_before_Retry_After()
    {
        var usage = new GraphUsage { MaxPercent = 100, Header = "X-Business-Use-Case-Usage", RegainAccessIn = TimeSpan.FromMinutes(17) };

        var result = PullResult.Of(new GraphApiException(400, 80001, null, null, "(#80001) Too many calls") { Usage = usage, RetryAfter = TimeSpan.FromMinutes(3) });

        var throttled = Assert.IsType<PullResult.Throttled>(result);
        Assert.Equal(TimeSpan.FromMinutes(17), throttled.Wait);
        Assert.Same(usage, throttled.Usage);
        Assert.Equal("Meta throttles the requests (code 80001, HTTP 400)", throttled.Error.Summary);
    }

    [Fact]
    public void Throttling_without_usage_waits_for_Retry_After_or_says_nothing()
    {
        var withRetryAfter = Assert.IsType<PullResult.Throttled>(PullResult.Of(new GraphApiException(429, 0, null, null, "Too Many Requests") { RetryAfter = TimeSpan.FromMinutes(3) }));
        var without = Assert.IsType<PullResult.Throttled>(PullResult.Of(new GraphApiException(400, 4, null, null, "(#4) Application request limit reached")));

        Assert.Equal(TimeSpan.FromMinutes(3), withRetryAfter.Wait);
        Assert.Null(without.Wait);
        Assert.Null(without.Usage);
    }

    [Theory]
    [InlineData(400, 100, false)]
    [InlineData(503, 2, true)]
    [InlineData(403, 10, false)]
    public void Anything_else_is_Failed_and_says_whether_a_retry_may_help(int status, int code, bool transient)
    {
        var failed = Assert.IsType<PullResult.Failed>(PullResult.Of(new GraphApiException(status, code, null, null, "some error")));

        Assert.Equal(code, failed.Error.Code);
        Assert.Equal(transient, failed.Error.Transient);
        Assert.DoesNotContain("some error", failed.Error.Summary, StringComparison.Ordinal);
        Assert.Contains("some error", failed.Error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void No_answer_is_a_transient_failure_in_our_words()
    {
        var failed = Assert.IsType<PullResult.Failed>(PullResult.Of(new GraphApiException("the Graph API did not answer in time") { IsNoAnswer = true }));

        Assert.True(failed.Error.Transient);
        Assert.Equal("no answer from the Graph API", failed.Error.Summary);
        Assert.Equal("no answer from the Graph API (the Graph API did not answer in time)", failed.Error.Detail);
    }

    [Fact]
    public void Meta_text_with_a_token_leaves_the_layer_masked()
    {
        var result = PullResult.Of(new GraphApiException(400, 100, null, null, "bad call https://graph.facebook.com/v24.0/1?access_token=EAAsecret"));

        var failed = Assert.IsType<PullResult.Failed>(result);
        Assert.DoesNotContain("EAAsecret", failed.Error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("EAAsecret", failed.Error.Detail, StringComparison.Ordinal);
    }
}
