using System.Text;
using System.Text.Encodings.Web;

namespace Listening.Core.Summaries;

/// <summary>The daily summary as a German HTML page (placeholder: replaced by the full accessible view).</summary>
public static class SummaryHtmlRenderer
{
    public static string Render(DailySummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var enc = HtmlEncoder.Default;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"de\"><head><meta charset=\"utf-8\"><title>Tageszusammenfassung ")
            .Append(GermanFormat.Date(summary.Date)).Append("</title></head><body><main>");
        if (summary.Demo)
        {
            html.Append("<p role=\"note\"><strong>Demo</strong>: Beispieldaten, keine echte Facebook-Seite.</p>");
        }

        html.Append("<h1>Tageszusammenfassung ").Append(GermanFormat.Date(summary.Date)).Append("</h1>");
        foreach (var page in summary.Pages)
        {
            html.Append("<section><h2>").Append(enc.Encode(page.Name)).Append("</h2><dl>")
                .Append("<dt>Follower</dt><dd>").Append(GermanFormat.Number(page.Followers.End)).Append(" (").Append(GermanFormat.Change(page.Followers.Change)).Append(")</dd>")
                .Append("<dt>Reaktionen</dt><dd>").Append(GermanFormat.Number(page.Reactions.Total)).Append("</dd>")
                .Append("<dt>Kommentare</dt><dd>").Append(GermanFormat.Number(page.Comments)).Append("</dd>")
                .Append("<dt>Mal geteilt</dt><dd>").Append(GermanFormat.Number(page.Shares)).Append("</dd></dl></section>");
        }

        html.Append("</main></body></html>");
        return html.ToString();
    }
}
