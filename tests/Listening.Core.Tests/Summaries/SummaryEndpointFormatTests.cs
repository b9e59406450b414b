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
}
