using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Listening.Core.Contracts;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Listening.Core.Summaries;

/// <summary>
/// What the day page and the period page share: rendering a Razor component (under <c>Summaries/Templates</c>) to a
/// string with <see cref="HtmlRenderer"/>, the stylesheet, the page encoder, formats and names. See
/// <see cref="SummaryHtmlRenderer"/> for the rules every page keeps.
/// </summary>
/// <remarks>
/// The templates write every value with <c>@</c>, so the renderer encodes it; only markup built here from numbers and
/// constants (<see cref="Figures"/>, the charts' SVG) is handed over as <see cref="MarkupString"/>. Ids are built from
/// indexes and constants; numbers and dates are formatted here.
/// </remarks>
internal static class SummaryHtml
{
    /// <summary>Meta's day ends at midnight in this zone.</summary>
    public const string MetaZone = "America/Los_Angeles";

    /// <summary>Encodes what HTML gives meaning to (&lt; &gt; &amp; " ' and more) but leaves umlauts and emoji readable.</summary>
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);

    /// <summary>
    /// Only <see cref="Encoder"/>, which <see cref="HtmlRenderer"/> takes from its services for every value it writes
    /// (its default encodes every character outside ASCII: ä would become &amp;#xE4;). The templates inject nothing,
    /// and nothing here needs the Functions host.
    /// </summary>
    private static readonly IServiceProvider Services = new ServiceCollection().AddSingleton(Encoder).BuildServiceProvider();

    /// <summary>German names of Meta's Page metrics, as Facebook's German interface calls them.</summary>
    private static readonly Dictionary<string, string> MetricNames = new(StringComparer.Ordinal)
    {
        ["page_media_view"] = "Aufrufe",
        ["page_total_media_view_unique"] = "Reichweite (erreichte Personen)",
        ["page_impressions"] = "Aufrufe",
        ["page_impressions_unique"] = "Reichweite (erreichte Personen)",
        ["page_post_engagements"] = "Interaktionen mit Beiträgen",
        ["page_views_total"] = "Aufrufe der Seite",
        ["page_video_views"] = "Videoaufrufe",
        ["page_follows"] = "Follower laut Meta",
        ["page_daily_follows"] = "Neue Follower",
        ["page_daily_follows_unique"] = "Neue Follower (Personen)",
        ["page_total_actions"] = "Klicks auf Handlungsaufrufe",
    };

    /// <summary>The stylesheet every page inlines (<c>SummaryPage.css</c>, embedded in the assembly).</summary>
    public static string Css { get; } = ReadCss();

    public static MarkupString Stylesheet { get; } = new(Css);

    public static string Encode(string? text) => Encoder.Encode(text ?? "");

    public static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Invariant(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    public static string Iso(DateOnly date) => IsoDate.Format(date);

    /// <summary>
    /// A wall-clock time as <c>&lt;time datetime="2026-11-27T08:15+01:00"&gt;27.11.2026, 08:15 Uhr&lt;/time&gt;</c>. Markup built
    /// here because the attribute keeps its plus sign (HtmlRenderer would escape it); only digits and separators.
    /// </summary>
    public static MarkupString TimeElement(DateTimeOffset local) =>
        new("<time datetime=\"" + IsoDate.MinuteWithOffset(local) + "\">" + GermanFormat.DateTime(local) + "</time>");

    public static string PageId(int index) => "seite-" + Invariant(index + 1);

    /// <summary>
    /// Our own figures and sentences around them ("+12 (+5,0 %) zum Vortag"): encoded like any text, but the plus sign
    /// of a change stays a plus sign (HTML gives it no meaning; the encoder escapes it only as a precaution).
    /// Never for text from Facebook or configuration: that goes through <c>@</c> and is encoded in full.
    /// </summary>
    public static MarkupString Figures(string text) => new(Encode(text).Replace("&#x2B;", "+", StringComparison.Ordinal));

    /// <summary>"+12 (+5,0 %)": the change of a sum against the same sum before, with the percentage where it means something.</summary>
    public static string ChangeWithPercent(long current, long previous)
    {
        var text = GermanFormat.Change(current - previous);
        return previous > 0 ? text + " (" + GermanFormat.PercentChange(current, previous) + ")" : text;
    }

    /// <summary>
    /// Renders <typeparamref name="TComponent"/> with <paramref name="parameters"/> to a complete document. A fresh
    /// <see cref="HtmlRenderer"/> per page (it keeps every component it rendered until disposed) on the one shared
    /// service provider. The templates are synchronous, so the whole page is rendered inside one synchronous call on
    /// the dispatcher (no async state machine, nothing to wait for), straight into this thread's reused buffer.
    /// </summary>
    public static string Render<TComponent>(IDictionary<string, object?> parameters)
        where TComponent : IComponent
    {
        var buffer = PageBuffer ?? new StringBuilder(BufferCapacity);
        PageBuffer = null;
        try
        {
            using var renderer = new HtmlRenderer(Services, NullLoggerFactory.Instance);
            var rendering = renderer.Dispatcher.InvokeAsync(() =>
            {
                var root = renderer.BeginRenderingComponent<TComponent>(ParameterView.FromDictionary(parameters));
                if (!root.QuiescenceTask.IsCompleted)
                {
                    throw new InvalidOperationException(typeof(TComponent).Name + " rendered asynchronously; the page templates must render synchronously.");
                }

                using var writer = new StringWriter(buffer, CultureInfo.InvariantCulture);
                writer.Write("<!DOCTYPE html>\n");
                root.WriteHtmlTo(writer);
                writer.Write('\n');
                return buffer.ToString();
            });
            return rendering.GetAwaiter().GetResult();
        }
        finally
        {
            buffer.Clear();
            if (buffer.Capacity <= MaxBufferCapacity)
            {
                PageBuffer = buffer;
            }
        }
    }

    /// <summary>Room for a large page without growing (the hostile golden day is about 48,000 characters).</summary>
    private const int BufferCapacity = 64 * 1024;

    /// <summary>A buffer that grew past this for an unusually large page is not kept.</summary>
    private const int MaxBufferCapacity = 256 * 1024;

    /// <summary>The page buffer of this thread, reused between pages (null while a page is being written).</summary>
    [ThreadStatic]
    private static StringBuilder? PageBuffer;

    /// <summary>Meta's metric name in German with the metric's own name in small print, or the metric's name when unknown.</summary>
    public static string? GermanMetricName(string metric) => MetricNames.GetValueOrDefault(metric);

    /// <summary>Where Meta's value came from: the metric, or the older metrics it was read from and the rename.</summary>
    public static string SourceText(string metric, IReadOnlyList<string>? sources) =>
        sources is not { Count: > 0 } ? metric : "aus " + string.Join(", ", sources) + " (bei Meta umbenannt in " + metric + ")";

    /// <summary>"nach erreichten Personen" or "nach Interaktionen": how the top posts are ranked (<c>topPostBy</c>).</summary>
    public static string RankingText(string topPostBy) =>
        topPostBy == TopPostRanking.Interactions ? "nach Interaktionen (Reaktionen, Kommentare, „Mal geteilt“)" : "nach erreichten Personen";

    /// <summary>An engagement rate (a fraction) as German percent with one decimal: 0.051 → "5,1 %".</summary>
    public static string Rate(double? rate) => rate is { } r ? GermanFormat.Percent(100 * r) : "–";

    public static string DigestShort(string text) => text.Length <= 60 ? text : text[..59].TrimEnd() + "…";

    /// <summary>Bar chart of reactions by type: inline SVG with a text alternative, built from names and numbers only.</summary>
    public static MarkupString ReactionChart(ReactionCounts reactions, string when)
    {
        var kinds = GermanFormat.ReactionKinds;
        var max = kinds.Max(k => k.Count(reactions));
        var label = new StringBuilder("Balkendiagramm: Reaktionen nach Art ").Append(when).Append(". ");
        label.AppendJoin(", ", kinds.Select(k => k.Name + " " + GermanFormat.Number(k.Count(reactions)))).Append('.');
        var text = Encode(label.ToString());

        // Bar lengths are percentages of the drawing's width and the labels sit above the bars, so the text keeps
        // its size at any width (a viewBox would shrink it to nothing on a phone).
        const int rowHeight = 40;
        var svg = new StringBuilder(4096);
        svg.Append("<svg class=\"chart\" role=\"img\" aria-label=\"").Append(text).Append("\" width=\"100%\" height=\"")
            .Append(Invariant(kinds.Count * rowHeight)).Append("\" xmlns=\"http://www.w3.org/2000/svg\">")
            .Append("<title>").Append(text).Append("</title>");
        for (var i = 0; i < kinds.Count; i++)
        {
            var count = kinds[i].Count(reactions);
            var top = i * rowHeight;
            var share = max > 0 && count > 0 ? Math.Max(0.5, 100.0 * count / max) : 0;
            svg.Append("<text x=\"0\" y=\"").Append(Invariant(top + 15)).Append("\">").Append(Encode(kinds[i].Name)).Append(": ")
                .Append(GermanFormat.Number(count)).Append("</text>")
                .Append("<rect class=\"track\" x=\"0\" y=\"").Append(Invariant(top + 21)).Append("\" width=\"100%\" height=\"12\"/>")
                .Append("<rect class=\"bar\" x=\"0\" y=\"").Append(Invariant(top + 21)).Append("\" width=\"")
                .Append(Invariant(share)).Append("%\" height=\"12\"/>");
        }

        return new MarkupString(svg.Append("</svg>").ToString());
    }

    public static int MetricOrder(string metric) => metric switch
    {
        "page_media_view" => 0,
        "page_total_media_view_unique" => 1,
        "page_post_engagements" => 2,
        "page_views_total" => 3,
        "page_video_views" => 4,
        "page_follows" => 5,
        "page_daily_follows" => 6,
        "page_daily_follows_unique" => 7,
        _ => 10,
    };

    private static string ReadCss()
    {
        const string name = "Listening.Core.Summaries.SummaryPage.css";
        using var stream = typeof(SummaryHtml).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException("The stylesheet " + name + " is not embedded in " + typeof(SummaryHtml).Assembly.GetName().Name + ".");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var css = reader.ReadToEnd().ReplaceLineEndings("\n");
        return css.EndsWith('\n') ? css[..^1] : css;
    }
}

/// <summary>What the post lists show of a post, from a day's or a period's summary.</summary>
public sealed record PostView(
    DateTimeOffset CreatedTime, string? Permalink, string Excerpt, bool New, ReactionCounts Reactions, long Comments, long Shares, IReadOnlyList<string>? Topics)
{
    /// <summary>People reached for the first time on the day or in the period; null when unknown.</summary>
    public long? Reach { get; init; }

    public long? ReachTotal { get; init; }

    public long? Views { get; init; }

    public long? ViewsTotal { get; init; }

    public double? EngagementRate { get; init; }

    public static PostView Of(PostDaySummary post) =>
        new(post.CreatedTime, post.Permalink, post.Excerpt, post.New, post.Reactions, post.Comments, post.Shares, post.Topics)
        {
            Reach = post.Reach, ReachTotal = post.ReachTotal, Views = post.Views, ViewsTotal = post.ViewsTotal, EngagementRate = post.EngagementRate,
        };

    public static PostView Of(PeriodPost post) =>
        new(post.CreatedTime, post.Permalink, post.Excerpt, post.New, post.Reactions, post.Comments, post.Shares, post.Topics)
        {
            Reach = post.Reach, ReachTotal = post.ReachTotal, Views = post.Views, ViewsTotal = post.ViewsTotal, EngagementRate = post.EngagementRate,
        };
}
