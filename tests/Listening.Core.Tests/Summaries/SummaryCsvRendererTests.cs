using System.Text;
using Listening.Core.Summaries;
using Listening.Core.Contracts;

namespace Listening.Core.Tests.Summaries;

public sealed class SummaryCsvRendererTests
{
    private static readonly int Auszug = Column("Auszug");

    [Fact]
    public void Csv_bytes_start_with_the_utf8_bom_and_keep_umlauts()
    {
        var csv = SummaryCsvRenderer.Render(SampleSummary.Create());

        var bytes = SummaryCsvRenderer.ToBytes(csv);

        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        Assert.Equal(csv, Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3));
        Assert.Contains("Wütend", csv, StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_starts_with_a_german_header_row()
    {
        var csv = SummaryCsvRenderer.Render(SampleSummary.Create());

        var header = csv[..csv.IndexOf("\r\n", StringComparison.Ordinal)];
        Assert.StartsWith("Datum;Seite;Seiten-ID;Art;Beitrag-ID;Erstellt;Neu;Auszug;Link;Gefällt mir;Love;Umarmung;Haha;Wow;Traurig;Wütend;Reaktionen gesamt;Kommentare;Mal geteilt;", header, StringComparison.Ordinal);
        Assert.Contains(";Follower;Follower-Veränderung;", header, StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_separates_with_semicolons_and_ends_every_line_with_crlf()
    {
        var page = SampleSummary.Page(posts: [SampleSummary.Post(), SampleSummary.Post(id: "2", isNew: false)]);

        var csv = SummaryCsvRenderer.Render(SampleSummary.Create(pages: page));

        Assert.EndsWith("\r\n", csv, StringComparison.Ordinal);
        Assert.Equal(csv.Split('\n').Length - 1, csv.Split("\r\n").Length - 1);
        var rows = Parse(csv);
        Assert.Equal(4, rows.Count);
        Assert.All(rows, row => Assert.Equal(SummaryCsvRenderer.Columns.Count, row.Count));
        Assert.Equal(["Seite", "Beitrag", "Beitrag"], rows.Skip(1).Select(r => r[Column("Art")]));
    }

    [Fact]
    public void Csv_quotes_fields_with_separators_quotes_and_line_breaks()
    {
        const string text = "Sag \"Hallo\"; bis\r\nmorgen\nund\rdann";
        var csv = SummaryCsvRenderer.Render(SampleSummary.Create(pages: SampleSummary.Page(posts: SampleSummary.Post(excerpt: text))));

        Assert.Contains(";\"Sag \"\"Hallo\"\"; bis\r\nmorgen\nund\rdann\";", csv, StringComparison.Ordinal);
        Assert.Equal(text, Parse(csv)[2][Auszug]);
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")")]
    [InlineData("+49 2921 300")]
    [InlineData("-1+1")]
    [InlineData("@SUM(A1)")]
    [InlineData("\tcmd")]
    [InlineData("\rcmd")]
    public void Csv_neutralises_text_that_excel_would_run_as_a_formula(string text)
    {
        var page = SampleSummary.Page(name: text, posts: SampleSummary.Post(excerpt: text, id: text));

        var rows = Parse(SummaryCsvRenderer.Render(SampleSummary.Create(pages: page)));

        Assert.Equal("'" + text, rows[2][Auszug]);
        Assert.Equal("'" + text, rows[2][Column("Beitrag-ID")]);
        Assert.Equal("'" + text, rows[1][Column("Seite")]);
    }

    [Fact]
    public void Csv_leaves_harmless_text_alone()
    {
        var rows = Parse(SummaryCsvRenderer.Render(SampleSummary.Create(pages: SampleSummary.Page(posts: SampleSummary.Post(excerpt: "Kfz-Kennzeichen für Pferde? 1 = 1")))));

        Assert.Equal("Kfz-Kennzeichen für Pferde? 1 = 1", rows[2][Auszug]);
    }

    [Fact]
    public void Csv_writes_numbers_plainly_including_negative_changes()
    {
        var rows = Parse(SummaryCsvRenderer.Render(SampleSummary.Create()));
        var page = rows[1];

        Assert.Equal("52000", page[Column("Follower")]);
        Assert.Equal("12", page[Column("Follower-Veränderung")]);
        Assert.Equal("48310", page[Column("„Gefällt mir“-Angaben")]);
        Assert.Equal("-3", page[Column("„Gefällt mir“-Angaben-Veränderung")]);
        Assert.Equal("1282", page[Column("Reaktionen gesamt")]);
        Assert.Equal("1180", page[Column("Gefällt mir")]);
        Assert.Equal("", page[Column("Beitrag-ID")]);
        Assert.Equal("1500", rows[2][Column("Reaktionen bis Tagesende")]);
        Assert.Equal("", rows[2][Column("Follower")]);
    }

    [Fact]
    public void Csv_writes_german_dates_and_local_creation_times()
    {
        var rows = Parse(SummaryCsvRenderer.Render(SampleSummary.Create(demo: true)));

        Assert.Equal("27.11.2026", rows[1][Column("Datum")]);
        Assert.Equal("27.11.2026 09:15", rows[2][Column("Erstellt")]);
        Assert.Equal("ja", rows[2][Column("Neu")]);
        Assert.Equal("ja", rows[1][Column("Demo")]);
    }

    [Fact]
    public void Csv_leaves_an_unknown_change_empty()
    {
        var page = SampleSummary.Page() with { Followers = new CounterChange(null, null) };

        var rows = Parse(SummaryCsvRenderer.Render(SampleSummary.Create(pages: page)));

        Assert.Equal("", rows[1][Column("Follower")]);
        Assert.Equal("", rows[1][Column("Follower-Veränderung")]);
    }

    private static int Column(string name)
    {
        var index = SummaryCsvRenderer.Columns.ToList().IndexOf(name);
        Assert.True(index >= 0, $"no column {name}");
        return index;
    }

    /// <summary>RFC 4180 with ';' and CRLF, the way Excel reads it.</summary>
    internal static List<List<string>> Parse(string csv)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < csv.Length; i++)
        {
            var c = csv[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < csv.Length && csv[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == ';')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < csv.Length && csv[i + 1] == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                rows.Add(row);
                row = [];
                i++;
            }
            else
            {
                Assert.True(c is not ('\r' or '\n' or '"'), $"unquoted {(int)c} at {i}");
                field.Append(c);
            }
        }

        Assert.Empty(row);
        Assert.Equal(0, field.Length);
        return rows;
    }
}

public sealed class PeriodCsvTests
{
    [Fact]
    public void Period_csv_has_one_header_row_then_days_sums_changes_and_posts()
    {
        var csv = SummaryCsvRenderer.RenderPeriod(PeriodHtmlRendererTests.Sample());

        var rows = SummaryCsvRendererTests.Parse(csv);
        Assert.Equal(SummaryCsvRenderer.PeriodColumns, rows[0]);
        Assert.All(rows, row => Assert.Equal(SummaryCsvRenderer.PeriodColumns.Count, row.Count));
        Assert.Equal(["Tag", "Tag", "Tag", "Zeitraum", "Zeitraum davor", "Veränderung in %", "Beitrag"], rows.Skip(1).Select(r => r[Column("Art")]));
        Assert.All(rows.Skip(1), r => Assert.Equal("23.11.2026–29.11.2026", r[Column("Zeitraum")]));
        Assert.Equal("16.11.2026–22.11.2026", rows[5][Column("Datum")]);
    }

    [Fact]
    public void Period_csv_writes_sums_as_plain_numbers_and_changes_with_a_german_decimal_comma()
    {
        var rows = SummaryCsvRendererTests.Parse(SummaryCsvRenderer.RenderPeriod(PeriodHtmlRendererTests.Sample()));

        var sums = rows.Single(r => r[Column("Art")] == "Zeitraum");
        var before = rows.Single(r => r[Column("Art")] == "Zeitraum davor");
        var change = rows.Single(r => r[Column("Art")] == "Veränderung in %");
        Assert.Equal("1060", sums[Column("Reaktionen gesamt")]);
        Assert.Equal("12", sums[Column("Kommentare")]);
        Assert.Equal("1005", sums[Column("Follower")]);
        Assert.Equal("95", sums[Column("Follower-Veränderung")]);
        Assert.Equal("20", before[Column("Reaktionen gesamt")]);
        Assert.Equal("910", before[Column("Follower")]);
        Assert.Equal("12", before[Column("Follower-Veränderung")]);
        Assert.Equal("5200,0", change[Column("Reaktionen gesamt")]);
        Assert.Equal("500,0", change[Column("Kommentare")]);
        Assert.Equal("", change[Column("Mal geteilt")]); // nothing shared before: no percentage
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")")]
    [InlineData("+49 2921 300")]
    [InlineData("-1+1")]
    [InlineData("@SUM(A1)")]
    [InlineData("\tcmd")]
    [InlineData("\rcmd")]
    public void Period_csv_neutralises_formulas_in_every_text_field(string text)
    {
        var from = new DateOnly(2026, 11, 23);
        var post = SampleSummary.PostOn(from, text, like: 3, topics: [text], excerpt: text) with { Permalink = text };
        var day = SampleSummary.DayOf(from, 920, 10, likes: 3, posts: post) with { Name = text };
        var period = PeriodSummaryBuilder.Build(from, from.AddDays(6), "Europe/Berlin", false, [new PageDays(text, text, [day])]);

        var rows = SummaryCsvRendererTests.Parse(SummaryCsvRenderer.RenderPeriod(period));

        var postRow = rows.Single(r => r[Column("Art")] == "Beitrag");
        foreach (var column in new[] { "Seite", "Seiten-ID", "Beitrag-ID", "Auszug", "Link", "Themen" })
        {
            Assert.Equal("'" + text, postRow[Column(column)]);
        }

        Assert.All(rows.Skip(1), r => Assert.Equal("'" + text, r[Column("Seite")]));
    }

    [Fact]
    public void Period_csv_is_utf8_with_a_bom_for_excel()
    {
        var bytes = SummaryCsvRenderer.ToBytes(SummaryCsvRenderer.RenderPeriod(PeriodHtmlRendererTests.Sample()));

        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        Assert.Contains("Veränderung in %", System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public void Day_csv_names_the_topics_of_each_post()
    {
        var post = SampleSummary.Post() with { Topics = ["Ausbildung", "Umwelt"] };

        var rows = SummaryCsvRendererTests.Parse(SummaryCsvRenderer.Render(SampleSummary.Create(pages: SampleSummary.Page(posts: post))));

        Assert.Equal("Ausbildung, Umwelt", rows[2][SummaryCsvRenderer.Columns.ToList().IndexOf("Themen")]);
    }

    private static int Column(string name)
    {
        var index = SummaryCsvRenderer.PeriodColumns.ToList().IndexOf(name);
        Assert.True(index >= 0, $"no column {name}");
        return index;
    }
}
