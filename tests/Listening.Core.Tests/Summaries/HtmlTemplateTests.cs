using Listening.Core.Summaries;

namespace Listening.Core.Tests.Summaries;

/// <summary>The Razor templates behind the pages: encoded by default, the stylesheet from the assembly, safe to render at once.</summary>
public sealed class HtmlTemplateTests
{
    private const string Script = "<script>alert(1)</script>";

    [Fact]
    public void Template_values_are_encoded_by_default_even_title_heading_and_footer()
    {
        var html = SummaryHtml.Render<Document>(new Dictionary<string, object?>
        {
            [nameof(Document.Title)] = "Titel " + Script,
            [nameof(Document.Heading)] = "Überschrift " + Script,
            [nameof(Document.Subtitle)] = "Untertitel \" onmouseover=\"x",
            [nameof(Document.Links)] = new List<(string, string)> { ("Link " + Script, "javascript:x\"><script>") },
            [nameof(Document.PageNames)] = new List<string> { "Seite " + Script, "Zweite" },
            [nameof(Document.Footer)] = new List<string> { "Fuß " + Script },
        });

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\" onmouseover", html, StringComparison.Ordinal);
        Assert.Contains("<title>Titel &lt;script&gt;alert(1)&lt;/script&gt;</title>", html, StringComparison.Ordinal);
        Assert.Contains("<h1>Überschrift &lt;script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("<p>Fuß &lt;script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Umlauts_stay_readable_and_every_text_is_encoded_as_the_page_encoder_does_it()
    {
        const string heading = "x\u202Ey\u0007z &#xE4; +1";
        var html = SummaryHtml.Render<Document>(new Dictionary<string, object?>
        {
            [nameof(Document.Title)] = "Gefällt „mir“ – ▲",
            [nameof(Document.Heading)] = heading,
            [nameof(Document.Subtitle)] = "🎄",
        });

        Assert.Contains("<title>Gefällt „mir“ – ▲</title>", html, StringComparison.Ordinal);
        Assert.Contains("<h1>" + SummaryHtml.Encode(heading) + "</h1>", html, StringComparison.Ordinal);
        Assert.Contains("&#x7;z &amp;#xE4; &#x2B;1</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<p class=\"subtitle\">&#x1F384;</p>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Stylesheet_is_the_embedded_css_file_inlined_into_the_page()
    {
        using var stream = typeof(SummaryHtmlRenderer).Assembly.GetManifestResourceStream("Listening.Core.Summaries.SummaryPage.css");
        Assert.NotNull(stream);
        using var reader = new StreamReader(stream);
        var css = reader.ReadToEnd().TrimEnd('\n');

        var html = SummaryHtmlRenderer.Render(SampleSummary.Create());

        Assert.Contains("@media print", css, StringComparison.Ordinal);
        Assert.Contains("<style>" + css + "</style>\n", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Pages_rendered_at_once_from_many_threads_are_each_complete_and_identical()
    {
        var day = SampleSummary.Create();
        var period = PeriodHtmlRendererTests.Sample();
        var expectedDay = SummaryHtmlRenderer.Render(day);
        var expectedPeriod = PeriodHtmlRenderer.Render(period);

        var pages = new string[64];
        Parallel.For(0, pages.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            pages[i] = i % 2 == 0 ? SummaryHtmlRenderer.Render(day) : PeriodHtmlRenderer.Render(period));

        for (var i = 0; i < pages.Length; i++)
        {
            Assert.Equal(i % 2 == 0 ? expectedDay : expectedPeriod, pages[i]);
        }
    }
}
