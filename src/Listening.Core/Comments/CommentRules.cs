using Listening.Core.Aggregation;
using Listening.Core.Configuration;
using Microsoft.Extensions.Options;

namespace Listening.Core.Comments;

/// <summary>
/// Sorts a comment into one category: <c>dringend</c> (someone needs help now), <c>beleidigung</c> (insults and
/// threats), <c>frage</c> (a question to the office), else <c>sonstiges</c>. Terms match like the topic rules:
/// case- and umlaut-insensitive, where a word starts with the term (Idiot finds Idioten); a term starting with -
/// names words that do not count (-Feuerwehr). A question is a question mark or a sentence that starts with a
/// W-word. Configured terms (<c>Listening:Comments:Keywords:{category}</c>) add to the defaults; a configured
/// -term takes out the default it names. docs/comments.md lists the defaults.
/// </summary>
public sealed class CommentRules
{
    public const string Question = "frage";
    public const string Urgent = "dringend";
    public const string Abusive = "beleidigung";
    public const string Other = "sonstiges";

    /// <summary>The categories in the order they are checked: the first that matches wins.</summary>
    public static IReadOnlyList<string> Categories { get; } = [Urgent, Abusive, Question];

    public static IReadOnlyDictionary<string, string> Defaults { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Urgent] = "Hilfe, helft, hilft uns, Notfall, Notruf, eingeschlossen, eingesperrt, Verletzte, verletzt, Keller voll, Keller steht, Keller läuft, Wasser im Haus, Hochwasser, überflutet, überschwemmt, Feuer, -Feuerwehr, -Feuerwerk, brennt, Lebensgefahr, vermisst, Stromausfall, SOS",
        [Abusive] = "Idiot, Vollidiot, Arschloch, Depp, Trottel, Wichser, Penner, Schwachkopf, Dummkopf, Hurensohn, Drecks, Lügenpresse, Versager, verrecken, umbringen, abstechen, aufhängen, abknallen",
        [Question] = "Frage, weiß jemand, kann mir jemand, können Sie, könnt ihr, wissen Sie, Info bitte",
    };

    /// <summary>
    /// W-words, and verbs that open a German yes/no question, that make a question when a sentence starts with them
    /// (people often leave out the question mark).
    /// </summary>
    private static readonly HashSet<string> WWords = new(StringComparer.Ordinal)
    {
        "wer", "wen", "wem", "wessen", "was", "wo", "woher", "wohin", "wann", "wie", "wieso", "weshalb", "warum", "welche",
        "welcher", "welches", "welchen", "welchem", "wofuer", "womit", "wozu", "worauf", "woran", "wieviel", "wieviele",
        "gibt", "kann", "koennen", "koennt", "darf", "duerfen", "muss", "muessen", "ist", "sind", "hat", "habt", "haben",
    };

    private readonly IReadOnlyList<(string Category, TopicRules Rules)> _rules;

    public CommentRules(IOptions<ListeningOptions> options)
        : this(options?.Value.Comments.Keywords ?? new Dictionary<string, string>())
    {
    }

    private CommentRules(IReadOnlyDictionary<string, string> configured)
    {
        _rules = [.. Categories.Select(c => (c, TopicRules.From([new TopicRuleOptions { Name = c, Keywords = Merge(Defaults[c], configured.GetValueOrDefault(c)) }], "")))];
    }

    /// <summary>Rules with configured terms (tests, tools).</summary>
    public static CommentRules From(IReadOnlyDictionary<string, string>? configured = null) =>
        new(configured ?? new Dictionary<string, string>());

    /// <summary>The category of a comment text (<c>sonstiges</c> for no or empty text).</summary>
    public string Triage(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Other;
        }

        foreach (var (category, rules) in _rules)
        {
            if (rules.Tag(text).Count > 0 || (category == Question && IsQuestion(text)))
            {
                return category;
            }
        }

        return Other;
    }

    /// <summary>Problems of configured keywords, each naming its key.</summary>
    public static IEnumerable<string> Problems(IReadOnlyDictionary<string, string>? configured)
    {
        foreach (var key in (configured ?? new Dictionary<string, string>()).Keys)
        {
            if (!Categories.Contains(key.ToLowerInvariant()))
            {
                yield return $"Listening:Comments:Keywords:{key} names no category: use frage, dringend or beleidigung.";
            }
        }
    }

    private static bool IsQuestion(string text)
    {
        if (text.Contains('?', StringComparison.Ordinal) || text.Contains('？', StringComparison.Ordinal))
        {
            return true;
        }

        foreach (var sentence in text.Split(['.', '!', '\n', ';', ':'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var first = TopicRules.Normalize(sentence).Words.Split(' ', 2)[0];
            if (WWords.Contains(first))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Defaults plus configured terms; a configured -term that names a default removes it, any other is an exclusion.</summary>
    private static string Merge(string defaults, string? configured)
    {
        var terms = defaults.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        foreach (var term in (configured ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var removed = term.StartsWith('-') ? terms.FindIndex(t => t.Equals(term[1..].Trim(), StringComparison.OrdinalIgnoreCase)) : -1;
            if (removed >= 0)
            {
                terms.RemoveAt(removed);
            }
            else
            {
                terms.Add(term);
            }
        }

        return string.Join(", ", terms);
    }
}
