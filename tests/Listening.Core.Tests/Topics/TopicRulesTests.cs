using Listening.Core.Configuration;
using Listening.Core.Meta.Sample;
using Listening.Core.Aggregation;
using Microsoft.Extensions.Options;

namespace Listening.Core.Tests.Topics;

public sealed class TopicRulesTests
{
    private static readonly TopicRules Defaults = new(Options.Create(new ListeningOptions()));

    public static TheoryData<int> DemoPosts() => [.. Enumerable.Range(0, DemoScript.Posts.Count)];

    [Fact]
    public void Defaults_are_the_six_topics_of_the_county_press_office_in_order()
    {
        Assert.Equal(["Ausbildung/Bewerbung", "Schüler-BAföG", "Reitkennzeichen", "Umwelt", "Gewinnspiel", "Katastrophenschutz"], Defaults.Names);
        Assert.Equal("Gewinnspiel", Defaults.GiveawayTopic);
    }

    [Theory]
    [MemberData(nameof(DemoPosts))]
    public void Every_demo_post_gets_the_topic_its_story_gives_it(int index)
    {
        var post = DemoScript.Posts[index];
        var expected = post.Topic switch
        {
            DemoTopic.Ausbildung => "Ausbildung/Bewerbung",
            DemoTopic.SchuelerBafoeg => "Schüler-BAföG",
            DemoTopic.Reitkennzeichen => "Reitkennzeichen",
            DemoTopic.Umwelt => "Umwelt",
            DemoTopic.Gewinnspiel => "Gewinnspiel",
            DemoTopic.Unwetter => "Katastrophenschutz",
            _ => null,
        };

        var topics = Defaults.Tag(post.Text);

        Assert.Equal(expected is null ? [] : [expected], topics);
    }

    [Theory]
    [InlineData("SCHUELER-BAFOEG jetzt beantragen")]
    [InlineData("schüler bafög jetzt beantragen")]
    [InlineData("Schu\u0308ler-BAfo\u0308G jetzt beantragen")] // umlauts written as two code points
    [InlineData("Infos zum #SchuelerBafoeg")]
    public void Matching_ignores_case_and_umlaut_spelling(string text)
    {
        Assert.Contains("Schüler-BAföG", Defaults.Tag(text));
    }

    [Theory]
    [InlineData("Sturmwarnung für den Kreis", true)] // a compound that starts with the keyword
    [InlineData("STURM!", true)]
    [InlineData("Der Ansturm auf die Tickets war groß", false)] // Sturm inside a word is no storm
    [InlineData("", false)]
    public void A_keyword_matches_where_a_word_starts(string text, bool tagged)
    {
        var rules = TopicRules.From([new TopicRuleOptions { Name = "Sturm", Keywords = "Sturm" }]);

        Assert.Equal(tagged, rules.Tag(text).Count == 1);
    }

    [Fact]
    public void A_hashtag_term_matches_that_hashtag_only()
    {
        var rules = TopicRules.From([new TopicRuleOptions { Name = "Open Air", Keywords = "#MusterstadtOpenAir" }]);

        Assert.Equal(["Open Air"], rules.Tag("Tickets! #musterstadtopenair"));
        Assert.Empty(rules.Tag("Tickets! #MusterstadtOpenAir2027"));
        Assert.Empty(rules.Tag("Musterstadt Open Air im Sommer"));
    }

    [Fact]
    public void A_minus_term_keeps_its_words_from_counting_for_the_keywords()
    {
        var rules = TopicRules.From([new TopicRuleOptions { Name = "Ausbildung", Keywords = "Ausbildung, -Ausbildungsförderung" }]);

        Assert.Empty(rules.Tag("Antrag beim Amt für Ausbildungsfoerderung"));
        Assert.Equal(["Ausbildung"], rules.Tag("Amt für Ausbildungsförderung, und: Ausbildungsplätze beim Kreis"));
    }

    [Fact]
    public void A_keyword_also_finds_the_hashtag_of_the_same_word()
    {
        Assert.Equal(["Gewinnspiel"], Defaults.Tag("Heute: #Gewinnspiel"));
    }

    [Fact]
    public void Configured_rules_replace_the_defaults()
    {
        var options = new ListeningOptions();
        options.Topics.Rules.Add(new TopicRuleOptions { Name = "Impfen", Keywords = "Impfung, impfen, #Grippeschutz" });
        options.Topics.GiveawayTopic = "";
        var rules = new TopicRules(Options.Create(options));

        Assert.Equal(["Impfen"], rules.Names);
        Assert.Equal(["Impfen"], rules.Tag("Grippe-Impfung im Gesundheitsamt"));
        Assert.Empty(rules.Tag("Jetzt für eine Ausbildung bewerben"));
        Assert.False(rules.IsGiveaway(["Impfen"]));
    }

    [Fact]
    public void Tags_come_in_the_configured_order_whatever_the_text_order()
    {
        Assert.Equal(["Ausbildung/Bewerbung", "Gewinnspiel"], Defaults.Tag("Gewinnspiel für alle, die sich um eine Ausbildung bewerben"));
    }

    [Fact]
    public void Bad_rules_are_named_with_their_key()
    {
        var options = new TopicOptions
        {
            Rules =
            [
                new TopicRuleOptions { Name = "", Keywords = "a" },
                new TopicRuleOptions { Name = "Umwelt", Keywords = " , ;" },
                new TopicRuleOptions { Name = "Umwelt", Keywords = "Klima" },
            ],
        };

        var problems = TopicRules.Problems(options).ToList();

        Assert.Contains(problems, p => p.StartsWith("Listening:Topics:Rules:0:Name", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Listening:Topics:Rules:1:Keywords", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Umwelt more than once", StringComparison.Ordinal));
        Assert.Empty(TopicRules.Problems(new TopicOptions()));
    }
}
