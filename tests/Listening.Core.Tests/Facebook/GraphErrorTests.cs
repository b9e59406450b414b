using System.Net;
using System.Text;
using Listening.Core.Meta;
using Polly;

namespace Listening.Core.Tests.Facebook;

public sealed class GraphErrorTests
{
    [Theory]
    [InlineData(400, 4, null, "throttling")]
    [InlineData(400, 17, null, "throttling")]
    [InlineData(400, 32, null, "throttling")]
    [InlineData(400, 613, null, "throttling")]
    [InlineData(400, 80001, null, "throttling")]
    [InlineData(429, 0, null, "throttling")]
    [InlineData(500, 1, null, "transient")]
    [InlineData(503, 2, null, "transient")]
    [InlineData(502, 0, null, "transient")]
    [InlineData(500, 1, 99, "too much data")]
    [InlineData(400, 190, 463, "token")]
    [InlineData(400, 100, null, "invalid parameter")]
    [InlineData(403, 10, null, "other")]
    public void Codes_are_classified_as_FACTS_md_says(int status, int code, int? subcode, string kind)
    {
        var error = new GraphApiException(status, code, subcode, null, "x");

        Assert.Equal(kind == "throttling", error.IsThrottling);
        Assert.Equal(kind == "transient", error.IsTransient);
        Assert.Equal(kind == "too much data", error.IsTooMuchData);
        Assert.Equal(kind == "token", error.IsTokenError);
        Assert.Equal(kind == "invalid parameter", error.IsInvalidParameter);
    }

    [Fact]
    public void Messages_lose_their_tokens()
    {
        var error = new GraphApiException(400, 100, null, null, "bad call https://graph.facebook.com/v24.0/1?access_token=EAAsecret&appsecret_proof=abc");

        Assert.DoesNotContain("EAAsecret", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("abc", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("EAAsecret", error.Describe(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(500, """{"error":{"code":1,"message":"An unknown error occurred"}}""", true)]
    [InlineData(503, """{"error":{"code":2,"message":"Service temporarily unavailable"}}""", true)]
    [InlineData(400, """{"error":{"code":2,"message":"Service temporarily unavailable"}}""", true)]
    [InlineData(502, "<html>Bad Gateway</html>", true)]
    [InlineData(500, """{"error":{"code":1,"error_subcode":99,"message":"Please reduce the amount of data"}}""", false)]
    [InlineData(500, """{"error":{"code":32,"message":"Page request limit reached"}}""", false)]
    [InlineData(429, "", false)]
    [InlineData(400, """{"error":{"code":613,"message":"Calls to this api have exceeded the rate limit"}}""", false)]
    [InlineData(400, """{"error":{"code":190,"error_subcode":463,"message":"Session has expired"}}""", false)]
    [InlineData(400, """{"error":{"code":100,"message":"(#100) The value must be a valid insights metric"}}""", false)]
    [InlineData(200, "[]", false)]
    public async Task Resilience_handler_retries_only_transient_faults(int status, string body, bool retry)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(body, Encoding.UTF8) };

        Assert.Equal(retry, await GraphResilience.ShouldRetryAsync(Outcome.FromResult(response), CancellationToken.None));
        Assert.Equal(body, await response.Content.ReadAsStringAsync()); // the body is still there for the caller
    }

    [Fact]
    public async Task Network_failures_and_attempt_timeouts_are_retried()
    {
        Assert.True(await GraphResilience.ShouldRetryAsync(Outcome.FromException<HttpResponseMessage>(new HttpRequestException("refused")), CancellationToken.None));
        Assert.True(await GraphResilience.ShouldRetryAsync(Outcome.FromException<HttpResponseMessage>(new Polly.Timeout.TimeoutRejectedException()), CancellationToken.None));
        Assert.False(await GraphResilience.ShouldRetryAsync(Outcome.FromException<HttpResponseMessage>(new InvalidOperationException()), CancellationToken.None));
    }
}
