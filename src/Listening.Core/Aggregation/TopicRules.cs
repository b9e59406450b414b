using Listening.Core.Contracts;
using Listening.Core.Storage;
using System.Globalization;
using System.Text;
using Listening.Core.Configuration;
using Microsoft.Extensions.Options;

namespace Listening.Core.Aggregation;

/// <summary>
/// Tags posts with topics by keywords and hashtags, case- and umlaut-insensitive (Schueler = Schüler, BAFOEG =
/// BAföG). A keyword matches where a word of the post starts with it, so German compounds are found
/// (Ausbildung: Ausbildungsplatz, #AusbildungBeimKreis); a term written with # matches exactly that hashtag; a
/// term written with - names words that do not count for the rule's keywords (-Ausbildungsförderung).
/// Rules and defaults: docs/data-model.md ("Topics").
/// </summary>
public sealed class TopicRules
{
    /// <summary>The rules a county press office starts with; configuring any rule replaces all of them.</summary>
    public static IReadOnlyList<TopicRuleOptions> Defaults { get; } =
    [
        Rule("Ausbildung/Bewerbung", "Ausbildung, -Ausbildungsförderung, Azubi, Bewerbung, bewerben, bewirb, Praktikum, duales Studium, Stellenangebot, Karriere, #Ausbildung, #JetztBewerben"),
        Rule("Schüler-BAföG", "Schüler-BAföG, BAföG, Ausbildungsförderung, #BAföG, #SchülerBAföG"),
        Rule("Reitkennzeichen", "Reitkennzeichen, Pferdekennzeichen, Reitplakette, Nummernschild fürs Pferd, #Reitkennzeichen"),
        Rule("Umwelt", "Umwelt, Klimaschutz, Naturschutz, Artenschutz, Blühwiese, Müll, Abfall, Recycling, Wildbienen, #Umwelt, #Klimaschutz"),
        Rule("Gewinnspiel", "Gewinnspiel, Verlosung, verlosen, Giveaway, zu gewinnen, #Gewinnspiel, #Verlosung"),
        Rule("Katastrophenschutz", "Katastrophenschutz, Unwetter, Sturm, -Sturmholz, Orkan, Hochwasser, Starkregen, Stromausfall, Sirene, Evakuierung, Warntag, Unwetterwarnung, #Katastrophenschutz, #Unwetter"),
    ];

    private readonly List<CompiledRule> _rules;

    public TopicRules(IOptions<ListeningOptions> options)
        : this(Effective(options?.Value.Topics), options?.Value.Topics.GiveawayTopic, options?.Value.Facebook.EffectiveAliases)
    {
    }

    private TopicRules(IEnumerable<TopicRuleOptions> rules, string? giveawayTopic, IReadOnlyDictionary<string, string>? aliases)
    {
        _rules = [.. rules.Select(Compile)];
        GiveawayTopic = giveawayTopic?.Trim() ?? "";
        MetricAliases = aliases ?? MetricNames.DefaultAliases;
    }

    /// <summary>The metric alias map the post-day rows read views and reach through (a renamed metric continues its series).</summary>
    public IReadOnlyDictionary<string, string> MetricAliases { get; }

    /// <summary>Topic names in the configured order: the order of <c>topics</c> in a summary.</summary>
    public IReadOnlyList<string> Names => [.. _rules.Select(r => r.Name)];

    public string GiveawayTopic { get; }

    /// <summary>Rules from a list (tests, tools); <paramref name="giveawayTopic"/> gets the follow-through.</summary>
    public static TopicRules From(IEnumerable<TopicRuleOptions> rules, string giveawayTopic = "Gewinnspiel")
    {
        ArgumentNullException.ThrowIfNull(rules);
        return new TopicRules(rules, giveawayTopic, null);
    }

    /// <summary>The topics of a post text, in the configured order.</summary>
    /// <summary>The post-day row of a post, tagged with these rules.</summary>
    public PostDayEntity PostDay(string pageId, DateOnly date, DateTimeOffset observedAt, PostObservation post)
    {
        ArgumentNullException.ThrowIfNull(post);
        var tags = Tag(post.Message);
        return PostDayEntity.From(pageId, date, observedAt, post, tags, IsGiveaway(tags), MetricAliases);
    }

    public IReadOnlyList<string> Tag(string? message)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            return [];
        }

        var text = Normalize(message);
        var words = " " + text.Words + " ";
        return [.. _rules.Where(r => r.Keywords.Any(k => Matches(words, k, r.Exclusions)) || r.Hashtags.Any(text.Hashtags.Contains))
                         .Select(r => r.Name)];
    }

    /// <summary>Whether a word of the text starts with the keyword, and that word is not one the rule excludes.</summary>
    private static bool Matches(string words, string keyword, IReadOnlyList<string> exclusions)
    {
        var needle = " " + keyword;
        for (var at = words.IndexOf(needle, StringComparison.Ordinal); at >= 0; at = words.IndexOf(needle, at + 1, StringComparison.Ordinal))
        {
            var start = at + 1;
            var word = words[start..words.IndexOf(' ', start)];
            if (!exclusions.Any(e => word.StartsWith(e, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    public bool IsGiveaway(IEnumerable<string> topics) =>
        GiveawayTopic.Length > 0 && topics.Contains(GiveawayTopic, StringComparer.Ordinal);

    /// <summary>Configured rules, or the defaults when none is configured.</summary>
    public static IReadOnlyList<TopicRuleOptions> Effective(TopicOptions? options) =>
        options is { Rules.Count: > 0 } ? options.Rules : Defaults;

    /// <summary>Problems of configured rules, each naming its key; empty when all is well.</summary>
    public static IEnumerable<string> Problems(TopicOptions? options)
    {
        var rules = options?.Rules ?? [];
        for (var i = 0; i < rules.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(rules[i].Name))
            {
                yield return $"Listening:Topics:Rules:{i}:Name is empty: give the topic a name such as Ausbildung.";
            }
            else if (rules[i].Name.Contains('|', StringComparison.Ordinal))
            {
                yield return $"Listening:Topics:Rules:{i}:Name must not contain '|'.";
            }

            if (Terms(rules[i].Keywords).All(t => t.StartsWith('-') || (Normalize(t).Words.Length == 0 && Normalize(t).Hashtags.Count == 0)))
            {
                yield return $"Listening:Topics:Rules:{i}:Keywords is empty: list words and hashtags separated by commas, e.g. \"Ausbildung, Azubi, #Ausbildung\".";
            }
        }

        var duplicate = rules.Where(r => !string.IsNullOrWhiteSpace(r.Name)).GroupBy(r => r.Name.Trim(), StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            yield return $"Listening:Topics:Rules names the topic {duplicate.Key} more than once.";
        }
    }

    /// <summary>
    /// Lower case, umlauts spelled out (ä = ae, ß = ss), other accents dropped, and everything that is not a letter
    /// or digit a word break; hashtags are kept apart and also count as words.
    /// </summary>
    internal static NormalizedText Normalize(string text)
    {
        var words = new StringBuilder(text.Length + 8);
        var hashtags = new HashSet<string>(StringComparer.Ordinal);
        StringBuilder? hashtag = null;
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                // U+0308 (diaeresis) after a, o, u is an umlaut written in two code points: spell it out.
                if (c == '\u0308' && words.Length > 0 && words[^1] is 'a' or 'o' or 'u')
                {
                    Append('e');
                }

                continue;
            }

            if (c == '#')
            {
                EndHashtag();
                hashtag = new StringBuilder();
                Break();
                continue;
            }

            if (char.IsLetterOrDigit(c))
            {
                var lower = char.ToLowerInvariant(c);
                if (lower == 'ß')
                {
                    Append('s');
                    Append('s');
                }
                else
                {
                    Append(lower);
                }
            }
            else
            {
                EndHashtag();
                Break();
            }
        }

        EndHashtag();
        return new NormalizedText(words.ToString().Trim(), hashtags);

        void Append(char c)
        {
            words.Append(c);
            hashtag?.Append(c);
        }

        void Break()
        {
            if (words.Length > 0 && words[^1] != ' ')
            {
                words.Append(' ');
            }
        }

        void EndHashtag()
        {
            if (hashtag is { Length: > 0 })
            {
                hashtags.Add(hashtag.ToString());
            }

            hashtag = null;
        }
    }

    private static string[] Terms(string? keywords) =>
        (keywords ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static CompiledRule Compile(TopicRuleOptions rule)
    {
        var keywords = new List<string>();
        var hashtags = new List<string>();
        var exclusions = new List<string>();
        foreach (var term in Terms(rule.Keywords))
        {
            var normalized = Normalize(term);
            if (term.StartsWith('-'))
            {
                exclusions.AddRange(normalized.Words.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(1));
            }
            else if (term.StartsWith('#'))
            {
                hashtags.AddRange(normalized.Hashtags);
            }
            else if (normalized.Words.Length > 0)
            {
                keywords.Add(normalized.Words);
            }
        }

        return new CompiledRule(rule.Name.Trim(), keywords, hashtags, exclusions);
    }

    private static TopicRuleOptions Rule(string name, string keywords) => new() { Name = name, Keywords = keywords };

    internal sealed record NormalizedText(string Words, IReadOnlySet<string> Hashtags);

    private sealed record CompiledRule(string Name, IReadOnlyList<string> Keywords, IReadOnlyList<string> Hashtags, IReadOnlyList<string> Exclusions);
}
