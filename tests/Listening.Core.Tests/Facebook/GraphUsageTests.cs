using Listening.Core.Meta;

namespace Listening.Core.Tests.Facebook;

public sealed class GraphUsageTests
{
    private static GraphUsage Parse(params (string Name, string Value)[] headers) =>
        GraphUsage.Parse(name => headers.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Value);

    [Fact]
    public void The_highest_percentage_of_all_headers_counts()
    {
        var usage = Parse(
            ("X-App-Usage", """{"call_count":28,"total_time":25,"total_cputime":25}"""),
            ("X-Page-Usage", """{"call_count":12,"total_cputime":81,"total_time":40}"""));

        Assert.Equal(81, usage.MaxPercent);
        Assert.Equal("X-Page-Usage", usage.Header);
        Assert.Null(usage.RegainAccessIn);
    }

    [Fact]
    public void Business_use_case_header_gives_the_time_to_regain_access_in_minutes()
    {
        var usage = Parse(("X-Business-Use-Case-Usage",
            """{"104857600000001":[{"type":"pages","call_count":100,"total_cputime":30,"total_time":45,"estimated_time_to_regain_access":17}]}"""));

        Assert.Equal(100, usage.MaxPercent);
        Assert.Equal(TimeSpan.FromMinutes(17), usage.RegainAccessIn);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"call_count":"many"}""")]
    public void Unreadable_headers_count_as_nothing(string value) => Assert.True(Parse(("X-App-Usage", value)).IsEmpty);
}
