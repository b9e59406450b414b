using System.Text.Json;
using Listening.Core.Meta;

namespace Listening.Core.Tests.Facebook;

public sealed class TokenStatusTests
{
    [Fact]
    public void Debug_token_answer_gives_validity_expiries_and_scopes()
    {
        using var body = JsonDocument.Parse("""
            {"data":{"app_id":"1","type":"PAGE","expires_at":0,"data_access_expires_at":1800000000,"is_valid":true,
             "profile_id":"104857600000001","scopes":["pages_show_list","pages_read_engagement"]}}
            """);

        var status = TokenStatus.Parse(body.RootElement);

        Assert.True(status.IsValid);
        Assert.Null(status.ExpiresAt);
        Assert.Equal(new DateTimeOffset(2027, 1, 15, 8, 0, 0, TimeSpan.Zero), status.DataAccessExpiresAt);
        Assert.Equal("104857600000001", status.ProfileId);
        Assert.Equal(["read_insights"], status.MissingScopes);
    }

    [Fact]
    public void Invalid_token_keeps_Metas_reason_without_secrets()
    {
        using var body = JsonDocument.Parse("""
            {"data":{"is_valid":false,"expires_at":1790000000,"scopes":[],
             "error":{"code":190,"subcode":463,"message":"Session has expired; see https://x/?access_token=EAAsecret"}}}
            """);

        var status = TokenStatus.Parse(body.RootElement);

        Assert.False(status.IsValid);
        Assert.NotNull(status.ExpiresAt);
        Assert.Contains("Session has expired", status.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain("EAAsecret", status.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Fingerprint_tells_tokens_apart_but_does_not_contain_them()
    {
        var a = TokenStatus.Fingerprint("EAAtokenA");

        Assert.Equal(16, a.Length);
        Assert.Equal(a, TokenStatus.Fingerprint("EAAtokenA"));
        Assert.NotEqual(a, TokenStatus.Fingerprint("EAAtokenB"));
        Assert.DoesNotContain("EAA", a, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("99999999999999")]
    [InlineData("1e20")]
    [InlineData("-5")]
    [InlineData("\"soon\"")]
    public void A_token_time_out_of_range_reads_as_unknown_and_is_named_as_malformed(string raw)
    {
        using var body = JsonDocument.Parse("""{"data":{"is_valid":true,"expires_at":0,"data_access_expires_at":""" + raw + ""","scopes":["read_insights"]}}""");

        var status = TokenStatus.Parse(body.RootElement);

        Assert.True(status.IsValid);
        Assert.Null(status.DataAccessExpiresAt);
        Assert.Null(status.ExpiresAt);
        Assert.Equal(["data_access_expires_at"], status.MalformedFields);
    }
}
