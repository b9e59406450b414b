using Listening.Core.Summaries;

namespace Listening.Core.Tests.Summaries;

public sealed class SummaryEndpointFormatTests
{
    [Theory]
    [InlineData("html", null, "html")]
    [InlineData(" CSV ", "text/html", "csv")]
    [InlineData("json", "text/html", "json")]
    [InlineData("xml", null, null)]
    [InlineData("", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html")]
    [InlineData(null, "application/json", "json")]
    [InlineData(null, "text/csv", "csv")]
    [InlineData(null, "text/csv;q=0.5, application/json;q=0.9", "json")]
    [InlineData(null, "*/*", "json")]
    [InlineData(null, null, "json")]
    [InlineData(null, "text/html;q=0", "json")]
    [InlineData(null, "this is ; not, a media type", "json")]
    public void Format_comes_from_the_query_else_from_accept(string? format, string? accept, string? expected)
    {
        Assert.Equal(expected, SummaryEndpoint.ChooseFormat(format, accept));
    }

    [Theory]
    [InlineData("\"abc-r2-json\"", true)]
    [InlineData("W/\"abc-r2-json\"", true)]
    [InlineData("\"other\", \"abc-r2-json\"", true)]
    [InlineData("*", true)]
    [InlineData("\"abc-r2-html\"", false)]
    [InlineData("abc-r2-json", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void If_none_match_uses_the_weak_comparison(string? header, bool matches)
    {
        Assert.Equal(matches, SummaryEndpoint.MatchesAny(header, "\"abc-r2-json\""));
    }

    [Theory]
    [InlineData("Fri, 27 Nov 2026 11:00:00 GMT", true)]
    [InlineData("Fri, 27 Nov 2026 10:00:00 GMT", true)]
    [InlineData("Friday, 27-Nov-26 11:00:00 GMT", true)]
    [InlineData("Fri Nov 27 11:00:00 2026", true)]
    [InlineData("Fri, 27 Nov 2026 09:59:59 GMT", false)]
    [InlineData("Fri, 27 Nov 2026 12:00:01 GMT", false)]
    [InlineData("Fri, 31 Dec 9999 23:59:59 GMT", false)]
    [InlineData("2026-11-27T11:00:00Z", false)]
    [InlineData("11/27/2026 11:00:00", false)]
    [InlineData("Fri, 27 Nov 2026 11:00:00 GMT, Fri, 27 Nov 2026 11:00:00 GMT", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void If_modified_since_counts_only_for_an_http_date_not_later_than_now(string? header, bool notModified)
    {
        var modified = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
        var now = new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal(notModified, SummaryEndpoint.NotModifiedSince(header, modified, now));
    }

    [Fact]
    public void If_modified_since_equal_to_a_last_modified_from_a_storage_clock_ahead_of_ours_still_counts()
    {
        var modified = new DateTimeOffset(2026, 11, 27, 12, 0, 2, TimeSpan.Zero);
        var now = new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

        Assert.True(SummaryEndpoint.NotModifiedSince("Fri, 27 Nov 2026 12:00:02 GMT", modified, now));
        Assert.False(SummaryEndpoint.NotModifiedSince("Fri, 27 Nov 2026 12:00:03 GMT", modified, now));
    }
}
