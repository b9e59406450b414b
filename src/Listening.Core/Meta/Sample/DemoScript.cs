using System.Globalization;
using Listening.Core.Contracts;

namespace Listening.Core.Meta.Sample;

/// <summary>What a demo post is about; each topic's texts name it, so topic rules have something to find.</summary>
internal enum DemoTopic
{
    Ausbildung,
    SchuelerBafoeg,
    Reitkennzeichen,
    Umwelt,
    Gewinnspiel,
    Unwetter,
    Service,
}

/// <summary>How a post's reactions split by type, as relative weights.</summary>
internal sealed record ReactionMix(int Like, int Love, int Care, int Haha, int Wow, int Sad, int Angry)
{
    public static readonly ReactionMix Ausbildung = new(76, 16, 3, 1, 4, 0, 0);
    public static readonly ReactionMix Bafoeg = new(80, 8, 5, 1, 5, 0, 1);
    public static readonly ReactionMix Reitkennzeichen = new(58, 12, 1, 19, 9, 0, 1);
    public static readonly ReactionMix Umwelt = new(66, 24, 5, 0, 4, 1, 0);
    public static readonly ReactionMix Gewinnspiel = new(60, 35, 2, 1, 2, 0, 0);
    public static readonly ReactionMix Service = new(84, 6, 2, 2, 3, 1, 2);
    public static readonly ReactionMix Roadworks = new(55, 1, 1, 6, 4, 8, 25);
    public static readonly ReactionMix StormAhead = new(55, 1, 8, 2, 20, 10, 4);
    public static readonly ReactionMix StormWarning = new(33, 1, 9, 1, 15, 23, 18);
    public static readonly ReactionMix StormDamage = new(38, 2, 12, 0, 12, 28, 8);
    public static readonly ReactionMix Thanks = new(52, 38, 9, 0, 1, 0, 0);

    /// <summary>Splits a total by the weights (largest remainder), so the parts always add up to the total.</summary>
    public ReactionCounts Split(long total)
    {
        long[] weights = [Like, Love, Care, Haha, Wow, Sad, Angry];
        var sum = weights.Sum();
        var parts = weights.Select(w => total * w / sum).ToArray();
        var left = total - parts.Sum();
        foreach (var i in Enumerable.Range(0, weights.Length).OrderByDescending(i => total * weights[i] % sum).ThenBy(i => i))
        {
            if (left-- <= 0)
            {
                break;
            }

            parts[i]++;
        }

        return new ReactionCounts
        {
            Like = parts[0], Love = parts[1], Care = parts[2], Haha = parts[3], Wow = parts[4], Sad = parts[5], Angry = parts[6],
        };
    }
}

/// <summary>
/// One post of the story. Counts are what the post ends with; it gets there within a few <see cref="TauHours"/>.
/// <see cref="Reach"/> is the number of people the post reaches in the end (its lifetime
/// <c>post_total_media_view_unique</c>); its views are about 1.6 times that.
/// </summary>
internal sealed record ScriptedPost(
    int Day, TimeOnly LocalTime, DemoTopic Topic, int Reach, int Reactions, int Comments, int Shares, double TauHours,
    ReactionMix Mix, string Text);

/// <summary>A post of the Page's history (<see cref="DemoScript.HistoryOn"/>), with the format the weekly plan gives it.</summary>
internal sealed record HistoryPost(
    int Day, TimeOnly LocalTime, DemoTopic Topic, string Format, int Reach, int Reactions, int Comments, int Shares, double TauHours,
    ReactionMix Mix, string Text);

/// <summary>A top-level comment on the post created on <see cref="PostDay"/> at <see cref="PostTime"/>, maybe with the Page's reply.</summary>
internal sealed record ScriptedComment(int PostDay, TimeOnly PostTime, int Day, TimeOnly LocalTime, string Text, ScriptedReply? Reply);

/// <summary>The Page's reply in a comment's thread (it answers a question; the response time runs to it).</summary>
internal sealed record ScriptedReply(int Day, TimeOnly LocalTime, string Text);

/// <summary>
/// The 30-day story of the demo Page "Kreis Musterstadt": a county press office posting about apprenticeships,
/// Schüler-BAföG, horse licence plates and the environment, with a giveaway around day 10 that lifts the Page over
/// 1,000 followers and a storm around day 22. Posts are numbered in table order, so keep the table sorted by time.
/// </summary>
internal static class DemoScript
{
    public const int StoryDays = 30;

    public const long StartFollowers = 944;

    /// <summary>Page likes trail followers (people follow without liking); the gap narrows as the Page grows.</summary>
    public const long StartFanGap = 30;

    public const long EndFanGap = 18;

    /// <summary>New followers the giveaway brings, most of them within three days.</summary>
    public const double GiveawayFollowers = 54;

    public const double GiveawayFollowersTauHours = 20;

    /// <summary>Some giveaway followers leave once the tickets are drawn.</summary>
    public const double Unfollowers = 8;

    public const int UnfollowFromDay = 14;

    public const int UnfollowToDay = 17;

    public static readonly TimeOnly UnfollowTime = new(12, 0);

    /// <summary>People follow the Page for the storm warnings.</summary>
    public const double StormFollowers = 9;

    public const double StormFollowersTauHours = 6;

    public static IReadOnlyList<ScriptedPost> Posts { get; } =
    [
        // P(day, local time, topic, reach, final reactions, comments, shares, τ in hours, reaction mix, text)
        P(0, "09:00", DemoTopic.Ausbildung, 3_100, 64, 7, 9, 4, ReactionMix.Ausbildung,
            "Ausbildung beim Kreis Musterstadt: Ab heute könnt ihr euch für den Ausbildungsstart 2027 bewerben! Verwaltung, IT, Straßenmeisterei oder Vermessung – wir haben 38 Plätze. Jetzt bewerben unter www.kreis-musterstadt.de/ausbildung #Ausbildung #JetztBewerben"),
        P(0, "15:30", DemoTopic.Umwelt, 1_900, 41, 3, 4, 5, ReactionMix.Umwelt,
            "Summ, summ: Auf 14 kreiseigenen Flächen wachsen jetzt Blühwiesen statt Rasen. Das hilft Wildbienen und Schmetterlingen und spart obendrein das Mähen. #Umweltschutz #Blühwiese"),
        P(1, "08:15", DemoTopic.SchuelerBafoeg, 2_400, 38, 11, 12, 4, ReactionMix.Bafoeg,
            "Schüler-BAföG: Wer eine weiterführende Schule besucht und nicht bei den Eltern wohnen kann, bekommt unter Umständen Geld vom Staat – und muss es nicht zurückzahlen. Den Antrag stellt ihr beim Amt für Ausbildungsförderung des Kreises, auch online. #BAföG"),
        P(2, "11:00", DemoTopic.Reitkennzeichen, 5_200, 96, 24, 15, 4, ReactionMix.Reitkennzeichen,
            "Wusstet ihr schon? Wer im Kreis Musterstadt außerhalb des eigenen Grundstücks reitet, braucht ein Reitkennzeichen – ja, ein Nummernschild fürs Pferd. 🐴 Die Abgabe dafür fließt in den Bau und die Pflege unserer Reitwege. #Reitkennzeichen"),
        P(3, "07:45", DemoTopic.Service, 1_400, 22, 5, 3, 4, ReactionMix.Service,
            "Kfz-Zulassung ohne Wartezeit: Termine in Musterstadt und Neudorf bucht ihr ab sofort online. Bitte bringt Ausweis, eVB-Nummer und die Zulassungsbescheinigung mit."),
        P(3, "16:00", DemoTopic.Ausbildung, 2_800, 71, 9, 5, 4, ReactionMix.Ausbildung,
            "Lea (19) macht bei uns die Ausbildung zur Verwaltungsfachangestellten. Was sie daran mag? „Jeden Tag andere Menschen und Fragen – und am Ende helfe ich wirklich jemandem.“ Mehr Azubi-Geschichten gibt es in unserer Story! #Ausbildung #AzubiLeben"),
        P(5, "10:30", DemoTopic.Umwelt, 3_600, 58, 12, 21, 5, ReactionMix.Umwelt,
            "Musterstadt räumt auf! Übermorgen sammeln wir gemeinsam Müll an Bachläufen, Wegen und Spielplätzen. Handschuhe, Greifzangen und Säcke stellt der Kreis, ihr bringt gute Laune mit. Schulklassen und Vereine melden sich bitte bis morgen an. #Umwelt #Müllsammeln"),
        P(6, "09:30", DemoTopic.Ausbildung, 3_000, 52, 6, 11, 4, ReactionMix.Ausbildung,
            "Duales Studium Verwaltung oder Informatik? Beim Kreis Musterstadt bekommt ihr von Anfang an ein Gehalt und nach dem Abschluss gute Chancen auf Übernahme. Jetzt bewerben – die Frist für die Ausbildung 2027 endet in gut drei Wochen. #Ausbildung #DualesStudium"),
        P(7, "12:00", DemoTopic.SchuelerBafoeg, 2_000, 29, 14, 8, 4, ReactionMix.Bafoeg,
            "Eure Fragen zum Schüler-BAföG, unsere Antworten: Ja, das Einkommen der Eltern wird angerechnet, aber es gibt Freibeträge. Ja, auch für die Berufsfachschule gibt es Förderung. Alles Weitere im FAQ auf unserer Website oder am Telefon. #BAföG #Schule"),
        P(8, "08:00", DemoTopic.Service, 1_200, 18, 4, 2, 4, ReactionMix.Service,
            "Heute um 17 Uhr tagt der Kreistag im Kreishaus. Die Sitzung ist öffentlich, die Tagesordnung findet ihr im Ratsinformationssystem."),
        P(8, "17:30", DemoTopic.Umwelt, 4_100, 112, 15, 9, 5, ReactionMix.Umwelt,
            "Was für ein Einsatz: 412 Freiwillige haben bei „Musterstadt räumt auf“ 2,3 Tonnen Müll gesammelt – darunter ein Einkaufswagen und drei Autoreifen. Danke an alle, die für unsere Umwelt mit angepackt haben! #Umwelt"),
        P(9, "16:00", DemoTopic.Gewinnspiel, 6_400, 134, 31, 6, 4, ReactionMix.Gewinnspiel,
            "Psst … morgen um 11 Uhr startet hier unser großes Gewinnspiel. Es geht um etwas, das nach Sommer, Bässen und Freunden klingt. Schaut vorbei! #Gewinnspiel"),
        P(10, "11:00", DemoTopic.Gewinnspiel, 52_000, 2_480, 1_930, 440, 9, ReactionMix.Gewinnspiel,
            "GEWINNSPIEL 🎉 Wir verlosen 5 × 2 Tickets für das Musterstadt Open Air im nächsten Sommer! So macht ihr mit: Seite folgen, Beitrag liken und kommentiert, um zu gewinnen: Mit wem wollt ihr hin? Ihr habt drei Tage Zeit, Teilnahme ab 16 Jahren. Viel Glück! #Gewinnspiel #MusterstadtOpenAir"),
        P(11, "13:00", DemoTopic.Reitkennzeichen, 2_600, 44, 9, 7, 4, ReactionMix.Reitkennzeichen,
            "So kommt ihr an euer Reitkennzeichen: Antrag online ausfüllen, Equidenpass hochladen, Abgabe überweisen. Die Plakette kommt per Post und gehört gut sichtbar an beide Seiten des Zaumzeugs. #Reitkennzeichen #Pferd"),
        P(11, "16:30", DemoTopic.Ausbildung, 2_300, 47, 5, 4, 4, ReactionMix.Ausbildung,
            "Große Maschinen, frische Luft und jeden Tag draußen: In der Straßenmeisterei bilden wir Straßenwärter*innen aus. Jetzt bewerben für die Ausbildung 2027! #Ausbildung #Straßenmeisterei"),
        P(12, "09:00", DemoTopic.Umwelt, 2_900, 63, 18, 14, 5, ReactionMix.Umwelt,
            "Blühwiese für zu Hause: Ab heute gibt es im Kreishaus und in allen Bürgerbüros kostenlose Tütchen mit heimischem Wildblumen-Saatgut. Solange der Vorrat reicht! #Umweltschutz #Artenvielfalt"),
        P(13, "18:00", DemoTopic.Gewinnspiel, 9_800, 310, 64, 4, 4, ReactionMix.Gewinnspiel,
            "Die Gewinner*innen unseres Gewinnspiels stehen fest! 🎶 Über 1.800 Kommentare – danke, dass ihr so zahlreich mitgemacht habt. Alle fünf haben schon eine Nachricht von uns bekommen. #Gewinnspiel"),
        P(14, "08:30", DemoTopic.SchuelerBafoeg, 1_800, 26, 7, 10, 4, ReactionMix.Bafoeg,
            "Kleiner Reminder: Schüler-BAföG gibt es frühestens ab dem Monat, in dem euer Antrag bei uns eingeht. Also lieber jetzt stellen als nach den Ferien! #BAföG"),
        P(14, "17:00", DemoTopic.Service, 4_200, 188, 27, 3, 4, ReactionMix.Thanks,
            "Mehr als 1.000 Menschen folgen jetzt dem Kreis Musterstadt auf Facebook – danke! Wir freuen uns über jede Frage, jeden Hinweis und jedes Lob. Sagt uns gern, worüber wir öfter berichten sollen."),
        P(15, "10:15", DemoTopic.Ausbildung, 3_300, 59, 8, 16, 4, ReactionMix.Ausbildung,
            "Tag der offenen Tür für Bewerberinnen und Bewerber: Unsere Azubis zeigen euch das Kreishaus, beantworten eure Fragen zur Ausbildung und schauen sich eure Bewerbungsmappe an. Den Termin findet ihr auf unserer Website. #Ausbildung #JetztBewerben"),
        P(15, "14:00", DemoTopic.Umwelt, 1_600, 21, 19, 6, 4, ReactionMix.Service,
            "Der neue Abfallkalender ist da! Die Termine für Rest-, Bio- und Papiertonne findet ihr in der Abfall-App oder auf unserer Website. Gut für die Umwelt: Grünschnitt nimmt der Wertstoffhof weiterhin kostenlos an. #Umwelt #Abfall"),
        P(17, "09:45", DemoTopic.Reitkennzeichen, 3_400, 57, 21, 9, 4, ReactionMix.Reitkennzeichen,
            "Neue Reitwege im Musterwald: Aus der Reitabgabe hat der Kreis 6 Kilometer Wege ausgebaut und neu beschildert. Danke an alle mit Reitkennzeichen – ihr habt das möglich gemacht! #Reitkennzeichen #Reiten"),
        P(18, "11:30", DemoTopic.Ausbildung, 2_700, 49, 12, 19, 4, ReactionMix.Ausbildung,
            "Drei Tipps für eure Bewerbung zur Ausbildung beim Kreis: 1. Schreibt, warum ihr zu uns wollt, nicht nur, was ihr könnt. 2. Alle Zeugnisse in ein PDF. 3. Traut euch, auch wenn die Noten nicht perfekt sind. Jetzt bewerben! #Ausbildung #Bewerbung"),
        P(19, "07:30", DemoTopic.Service, 2_200, 24, 31, 28, 3, ReactionMix.Roadworks,
            "Verkehrshinweis: Die K 12 zwischen Altdorf und Neudorf ist ab morgen für drei Wochen voll gesperrt, weil die Fahrbahn erneuert wird. Die Umleitung ist ausgeschildert."),
        P(19, "15:00", DemoTopic.Umwelt, 1_500, 27, 4, 5, 5, ReactionMix.Umwelt,
            "Weniger Energie, mehr Klimaschutz: Die Energieberatung des Kreises kommt kostenlos zu euch nach Hause und zeigt, wo sich Sparen lohnt. Termine gibt es telefonisch und online. #Umwelt #Klimaschutz"),
        P(20, "10:00", DemoTopic.SchuelerBafoeg, 2_100, 35, 6, 7, 4, ReactionMix.Bafoeg,
            "„Ohne das Schüler-BAföG hätte ich mir das Zimmer in der Nähe der Schule nicht leisten können.“ Jonas macht sein Fachabitur am Berufskolleg Musterstadt. Prüft jetzt, ob ihr auch Anspruch habt! #BAföG"),
        P(21, "16:45", DemoTopic.Unwetter, 8_900, 142, 38, 96, 3, ReactionMix.StormAhead,
            "Der Deutsche Wetterdienst erwartet ab morgen früh Sturmböen bis 100 km/h im ganzen Kreis. Sichert Gartenmöbel und Trampoline und parkt nicht unter Bäumen. Wir halten euch hier auf dem Laufenden. #Sturm #Unwetter"),
        P(22, "07:40", DemoTopic.Unwetter, 31_000, 640, 410, 530, 2, ReactionMix.StormWarning,
            "UNWETTERWARNUNG: Orkanartige Böen bis 115 km/h im ganzen Kreis Musterstadt, vor allem bis zum frühen Nachmittag. Bleibt wenn möglich drinnen und meidet Wälder und Alleen. Der Schulbusverkehr ist eingestellt. Notruf nur in Notfällen: 112. #Unwetter #Sturm"),
        P(22, "17:15", DemoTopic.Unwetter, 18_500, 380, 190, 140, 3, ReactionMix.StormDamage,
            "Sturm-Update: Die Feuerwehren waren heute mehr als 230 Mal im Einsatz, vor allem wegen umgestürzter Bäume. Mehrere Kreisstraßen bleiben bis morgen gesperrt, die Übersicht findet ihr auf unserer Website. Verletzt wurde zum Glück niemand. #Sturm"),
        P(23, "12:00", DemoTopic.Unwetter, 12_000, 720, 96, 38, 4, ReactionMix.Thanks,
            "Danke an alle Einsatzkräfte von Feuerwehr, THW, Straßenmeisterei und Rettungsdienst, die nach dem Sturm rund um die Uhr unterwegs waren! ❤️ Die Unwetterwarnung ist aufgehoben, alle Kreisstraßen sind wieder frei. #Sturm #Danke"),
        P(24, "10:30", DemoTopic.Umwelt, 2_500, 46, 22, 17, 5, ReactionMix.Umwelt,
            "Sturmholz und Äste aus dem Garten? Die Wertstoffhöfe nehmen Grünschnitt bis Ende nächster Woche kostenlos an, auch in größeren Mengen. So landet nichts im Wald oder am Straßenrand – der Umwelt zuliebe. #Umwelt"),
        P(25, "09:00", DemoTopic.Ausbildung, 3_100, 55, 10, 22, 4, ReactionMix.Ausbildung,
            "Noch freie Plätze für den Ausbildungsstart 2027: Fachinformatiker*in, Vermessungstechniker*in und Straßenwärter*in. Lebenslauf und letztes Zeugnis reichen für die Bewerbung. Jetzt bewerben! #Ausbildung #JetztBewerben"),
        P(27, "11:15", DemoTopic.Reitkennzeichen, 1_700, 31, 8, 4, 4, ReactionMix.Reitkennzeichen,
            "Pferd verkauft oder umgezogen? Dann gebt das Reitkennzeichen bitte zurück oder meldet die Änderung online. Das Kennzeichen bleibt nämlich beim Kreis, nicht beim Pferd. #Reitkennzeichen"),
        P(27, "14:30", DemoTopic.Umwelt, 2_300, 68, 9, 6, 5, ReactionMix.Umwelt,
            "Bilanz unserer Blühwiesen: Auf den 14 Flächen haben Fachleute 37 Wildbienenarten gezählt, im Vorjahr waren es 21. Nächstes Jahr kommen sechs weitere Flächen dazu. #Umweltschutz #Blühwiese"),
        P(28, "10:00", DemoTopic.SchuelerBafoeg, 1_900, 24, 5, 6, 4, ReactionMix.Bafoeg,
            "Neues Schuljahr, neuer Antrag: Schüler-BAföG müsst ihr für jedes Schuljahr neu beantragen. Stellt den Weiterförderungsantrag am besten zwei Monate vorher, dann gibt es keine Lücke. #BAföG"),
        P(29, "09:30", DemoTopic.Ausbildung, 4_600, 83, 14, 31, 4, ReactionMix.Ausbildung,
            "Letzte Chance: Die Bewerbungsfrist für den Ausbildungsstart 2027 endet heute um Mitternacht. Ihr seid unsicher? Schickt uns eure Bewerbung trotzdem – wir melden uns bei allen. #Ausbildung #JetztBewerben"),
    ];

    /// <summary>The post that draws the crowd: tickets for the summer festival.</summary>
    public static ScriptedPost Giveaway { get; } = Posts.Where(p => p.Topic == DemoTopic.Gewinnspiel).MaxBy(p => p.Reach)!;

    /// <summary>The warning on the morning of the storm.</summary>
    public static ScriptedPost StormWarning { get; } = Posts.Where(p => p.Topic == DemoTopic.Unwetter).MaxBy(p => p.Reach)!;

    /// <summary>
    /// After the story the Page keeps posting quietly, every other day, so a demo that runs on still has a
    /// morning digest to show.
    /// </summary>
    public static IReadOnlyList<(DemoTopic Topic, string Text)> QuietPosts { get; } =
    [
        (DemoTopic.Service, "Das Bürgerbüro im Kreishaus hat donnerstags bis 18 Uhr geöffnet – ideal nach Schule oder Arbeit."),
        (DemoTopic.Ausbildung, "Alle Ausbildungsberufe und Praktikumsplätze beim Kreis Musterstadt findet ihr auf unserer Website. #Ausbildung"),
        (DemoTopic.Service, "Ihr habt eine Frage an den Kreis? Schreibt uns hier eine Nachricht, wir antworten werktags innerhalb von 24 Stunden."),
        (DemoTopic.Umwelt, "Tipp für die Umwelt: Sperrmüll meldet ihr bequem online an, den Abholtermin bekommt ihr per E-Mail. #Umwelt"),
    ];

    public static readonly TimeOnly QuietPostTime = new(10, 0);

    /// <summary>
    /// Days of the Page's history before the story (days −60 to −1), so the insights report (last 90 days) finds
    /// patterns: the county posts by a weekly plan, and what works shows in it.
    /// </summary>
    public const int HistoryDays = 60;

    /// <summary>The history's giveaway (swimming-pool season tickets), 41 days before the story.</summary>
    public const int HistoryGiveawayDay = -41;

    public const double HistoryGiveawayFollowers = 24;

    /// <summary>
    /// The posts of one history day by the weekly plan: Monday environment photos; service links on Tuesday and
    /// Thursday mornings at 08:00 (people read them on the way to work: about 1,900 to 2,700 people) and on Wednesday
    /// and Thursday evenings at 18:00 (750 to 1,200); every other Tuesday an apprenticeship photo; Friday 15:00 an
    /// apprenticeship Reel for pupils after school (5,500 to 9,500 people, the most of all but the giveaway);
    /// Saturdays civil protection or Schüler-BAföG in turn. Every figure is fixed by the day (no randomness).
    /// </summary>
    public static IEnumerable<HistoryPost> HistoryOn(int day, DayOfWeek weekday)
    {
        if (day < -HistoryDays || day >= 0)
        {
            yield break;
        }

        var week = (day + HistoryDays) / 7;
        if (day == HistoryGiveawayDay)
        {
            yield return new HistoryPost(day, new TimeOnly(11, 0), DemoTopic.Gewinnspiel, PostFormats.Photo, 14_000, 520, 610, 38, 8, ReactionMix.Gewinnspiel,
                "GEWINNSPIEL ☀️ Wir verlosen 3 × 2 Saisonkarten für das Freibad Musterstadt! Beitrag liken und kommentieren, mit wem ihr schwimmen geht. Teilnahme ab 16 Jahren. #Gewinnspiel");
        }

        switch (weekday)
        {
            case DayOfWeek.Monday:
                yield return Regular(day, 11, 0, DemoTopic.Umwelt, PostFormats.Photo, 1_400 + (100 * Roll(day, 8)), 5, ReactionMix.Umwelt, HistoryUmwelt, week);
                break;
            case DayOfWeek.Tuesday:
                yield return Regular(day, 8, 0, DemoTopic.Service, PostFormats.Link, 1_900 + (100 * Roll(day, 9)), 4, ReactionMix.Service, HistoryService, week * 2);
                if (week % 2 == 0)
                {
                    yield return Regular(day, 12, 0, DemoTopic.Ausbildung, PostFormats.Photo, 2_000 + (100 * Roll(day, 10)), 4, ReactionMix.Ausbildung, HistoryAusbildungPhotos, week / 2);
                }

                break;
            case DayOfWeek.Wednesday:
                yield return Regular(day, 18, 0, DemoTopic.Service, PostFormats.Link, 750 + (50 * Roll(day, 9)), 4, ReactionMix.Service, HistoryService, (week * 2) + 3);
                break;
            case DayOfWeek.Thursday:
                yield return Regular(day, 8, 0, DemoTopic.Service, PostFormats.Link, 1_900 + (100 * Roll(day, 9)), 4, ReactionMix.Service, HistoryService, (week * 2) + 1);
                yield return Regular(day, 18, 0, DemoTopic.Service, PostFormats.Link, 750 + (50 * Roll(day, 10)), 4, ReactionMix.Service, HistoryService, (week * 2) + 4);
                break;
            case DayOfWeek.Friday:
                yield return Regular(day, 15, 0, DemoTopic.Ausbildung, PostFormats.Reel, 5_500 + (500 * Roll(day, 9)), 6, ReactionMix.Ausbildung, HistoryAusbildungReels, week);
                break;
            case DayOfWeek.Saturday when week % 2 == 0:
                yield return Regular(day, 10, 0, DemoTopic.Unwetter, PostFormats.Text, 1_400 + (100 * Roll(day, 10)), 3, ReactionMix.StormAhead, HistoryKatastrophenschutz, week / 2);
                break;
            case DayOfWeek.Saturday:
                yield return Regular(day, 10, 0, DemoTopic.SchuelerBafoeg, PostFormats.Link, 1_300 + (100 * Roll(day, 8)), 4, ReactionMix.Bafoeg, HistoryBafoeg, week / 2);
                break;
        }
    }

    private static HistoryPost Regular(
        int day, int hour, int minute, DemoTopic topic, string format, int reach, double tauHours, ReactionMix mix, string[] texts, int turn)
    {
        var reactions = Math.Max(8, reach / (format == PostFormats.Reel ? 35 : 45));
        return new HistoryPost(day, new TimeOnly(hour, minute), topic, format, reach, reactions, Math.Max(1, reactions / 8), Math.Max(1, reactions / 10), tauHours, mix,
            texts[turn % texts.Length]);
    }

    /// <summary>A number in [0, 10) fixed by the day and a salt (<see cref="DemoPage.Roll"/>).</summary>
    private static int Roll(int day, int salt) => DemoPage.Roll(day, salt, 10);

    private static readonly string[] HistoryService =
    [
        "Personalausweis abgelaufen? Termine im Bürgerbüro bucht ihr online, meist noch in derselben Woche.",
        "Die Kfz-Zulassungsstelle in Neudorf hat ab sofort auch mittwochs bis 18 Uhr geöffnet.",
        "Wohngeld beantragen: Den Antrag und alle nötigen Unterlagen findet ihr auf unserer Website.",
        "Führerschein verloren? So beantragt ihr beim Straßenverkehrsamt schnell einen Ersatzführerschein.",
        "Die Kreisbibliothek verleiht jetzt auch E-Books – mit eurem Bibliotheksausweis kostenlos.",
        "Hundesteuer, Gebühren, Bescheide: Fragen beantwortet unser Bürgertelefon werktags von 8 bis 16 Uhr.",
        "Neu im Kreis? Wie ihr euch ummeldet und was ihr dafür braucht, steht auf unserer Website.",
    ];

    private static readonly string[] HistoryUmwelt =
    [
        "Neue Blühwiese am Kreishaus: Hier summen bald Wildbienen und Hummeln. #Umwelt",
        "Klimaschutz im Kreis: Unsere Dienstwagen fahren jetzt elektrisch, geladen mit Strom vom eigenen Dach. #Klimaschutz",
        "Recycling-Tipp: Alte Handys gehören nicht in den Hausmüll, sondern in die Sammelbox im Bürgerbüro. #Umwelt",
        "Naturschutz vor der Haustür: Am Sonntag führt eine Rangerin durch das Moor bei Altdorf. #Umwelt",
    ];

    private static readonly string[] HistoryAusbildungReels =
    [
        "Ein Tag als Azubi in der Kfz-Zulassung: Lena nimmt euch mit. Bewerbt euch für die Ausbildung 2027! #Ausbildung",
        "Vermessung mit der Drohne: So sieht die Ausbildung zum Vermessungstechniker bei uns aus. #Ausbildung",
        "Fünf Fragen an unsere Azubis im Jugendamt – ehrliche Antworten in 60 Sekunden. #Ausbildung #AzubiLeben",
        "Vom Praktikum zur Ausbildung: Emre erzählt, wie er zum Kreis gekommen ist. #Ausbildung",
    ];

    private static readonly string[] HistoryAusbildungPhotos =
    [
        "Unsere neuen Azubis sind da! 24 junge Menschen starten ihre Ausbildung beim Kreis Musterstadt. #Ausbildung",
        "Praktikum in den Herbstferien? Bewerbt euch jetzt für ein Schnupperpraktikum beim Kreis. #Ausbildung",
    ];

    private static readonly string[] HistoryKatastrophenschutz =
    [
        "Am Donnerstag um 11 Uhr heulen im ganzen Kreis die Sirenen: ein Probealarm, kein Grund zur Sorge. #Katastrophenschutz",
        "Starkregen kann jeden treffen: So schützt ihr euren Keller vor Hochwasser. #Katastrophenschutz",
        "Warntag: Habt ihr die Warn-App schon auf dem Handy? So werdet ihr bei Unwetter rechtzeitig gewarnt. #Katastrophenschutz",
    ];

    private static readonly string[] HistoryBafoeg =
    [
        "Schüler-BAföG: Die Antragsformulare gibt es jetzt auch zum Ausfüllen am Computer. #BAföG",
        "Wer bekommt Schüler-BAföG? Unser Infoblatt erklärt es in einfacher Sprache. #BAföG",
    ];

    /// <summary>
    /// The comments the pull reads (the comments edge of the posts): ordinary questions on a few days, and on the storm
    /// day questions ("Wo gibt es Sandsäcke?"), urgent comments ("Bei uns ist der Keller voll, wer hilft?"), exactly
    /// one insult, and the Page's replies in the threads, so triage, response times and the comment alerts show.
    /// Only these are delivered; the posts' comment counters stay the larger totals of the story. Keep each post's
    /// comments in time order. Nothing about the people: a comment has a text and whether the Page wrote it.
    /// </summary>
    public static IReadOnlyList<ScriptedComment> Comments { get; } =
    [
        // C(post's day, post's local time, comment's day, local time, text[, the Page's reply: day, time, text])
        C(1, "08:15", 1, "09:02", "Gilt das auch für die Fachoberschule?",
            1, "10:15", "Ja, auch für die Fachoberschule gibt es Schüler-BAföG, wenn ihr nicht bei euren Eltern wohnen könnt."),
        C(1, "08:15", 1, "12:40", "Super, danke für den Hinweis!"),
        C(2, "11:00", 2, "12:05", "Was kostet das Reitkennzeichen im Jahr?",
            3, "08:20", "Die Reitabgabe beträgt 25 Euro im Jahr, die Plakette ist inklusive."),
        C(7, "12:00", 7, "12:40", "Wie lange dauert die Bearbeitung des Antrags?",
            7, "14:05", "In der Regel vier bis sechs Wochen. Reicht den Antrag deshalb früh ein."),
        C(10, "11:00", 10, "11:04", "Mit meiner besten Freundin natürlich! 🎉"),
        C(10, "11:00", 10, "11:20", "Wann wird ausgelost?",
            10, "11:45", "Am Donnerstagabend, die Gewinner*innen bekommen eine Nachricht von uns."),
        C(19, "07:30", 19, "08:10", "Wie kommen die Schulbusse während der Sperrung nach Neudorf?",
            19, "09:30", "Die Schulbusse fahren die Umleitung über Altdorf, die Haltestellen bleiben."),
        C(19, "07:30", 19, "08:25", "Das wurde aber auch Zeit, die Straße war eine einzige Buckelpiste."),
        C(21, "16:45", 21, "17:05", "Fällt morgen die Schule aus?",
            21, "17:30", "Das entscheidet das Schulamt morgen früh um 6 Uhr, wir melden es hier sofort."),
        C(21, "16:45", 22, "09:05", "Bei uns in Altdorf ist ein Baum aufs Dach gestürzt, wir brauchen Hilfe!",
            22, "09:15", "Bitte wählt sofort die 112, die Feuerwehr ist im ganzen Kreis unterwegs."),

        // The storm day: the warning at 07:40.
        C(22, "07:40", 22, "07:52", "Wo gibt es Sandsäcke?",
            22, "08:10", "Sandsäcke gibt es am Bauhof Musterstadt und an den Feuerwehrhäusern in Altdorf und Neudorf."),
        C(22, "07:40", 22, "08:05", "Fällt heute auch die Schule aus oder nur der Bus?",
            22, "08:40", "Der Unterricht fällt heute an allen Schulen des Kreises aus."),
        C(22, "07:40", 22, "08:12", "Ihr Idioten hättet die Bäume an der Allee längst fällen müssen!"),
        C(22, "07:40", 22, "08:20", "Bei uns ist der Keller voll, wer hilft?",
            22, "08:31", "Bitte meldet euch bei der Feuerwehr unter 112, sie pumpt vollgelaufene Keller aus."),
        C(22, "07:40", 22, "08:34", "Ist die B 54 bei Neudorf noch befahrbar?",
            22, "09:50", "Die B 54 ist zwischen Neudorf und Altdorf wegen umgestürzter Bäume gesperrt."),
        C(22, "07:40", 22, "08:47", "Danke für die schnelle Info!"),
        C(22, "07:40", 22, "09:25", "In Neudorf ist seit acht Uhr Stromausfall, die Heizung geht nicht mehr."),
        C(22, "07:40", 22, "09:40", "Wann fahren die Schulbusse wieder?"),
        C(22, "07:40", 22, "10:05", "Unsere Straße ist überflutet und das Wasser steigt, wir kommen nicht mehr raus!",
            22, "10:12", "Bitte sofort die 112 wählen! Wir haben die Leitstelle informiert."),
        C(22, "07:40", 22, "10:30", "Gibt es eine Nummer für umgestürzte Bäume, wenn niemand in Gefahr ist?",
            22, "11:05", "Ja, das Bürgertelefon des Kreises: 01234 56789, heute bis 20 Uhr besetzt."),
        C(22, "07:40", 22, "12:10", "Wo kann ich Sturmschäden am Auto melden?"),

        // The evening update at 17:15.
        C(22, "17:15", 22, "17:40", "Wie lange bleibt die K 12 noch gesperrt?",
            22, "18:05", "Voraussichtlich bis morgen Mittag, die Straßenmeisterei räumt noch."),
        C(22, "17:15", 22, "18:20", "Danke an alle Helferinnen und Helfer da draußen!"),
        C(22, "17:15", 22, "19:05", "Bei meiner Oma in Altdorf ist der Keller voll Wasser, sie ist 84 und allein.",
            22, "19:12", "Bitte ruft die 112 an, die Feuerwehr hilft auch in der Nacht."),
        C(23, "12:00", 23, "12:30", "Danke euch allen, ihr wart großartig!"),
    ];

    public static int NumberOf(ScriptedPost post) => Posts.ToList().IndexOf(post) + 1;

    private static ScriptedComment C(
        int postDay, string postTime, int day, string localTime, string text, int? replyDay = null, string? replyTime = null, string? reply = null) =>
        new(postDay, Time(postTime), day, Time(localTime), text,
            replyDay is { } d && replyTime is not null && reply is not null ? new ScriptedReply(d, Time(replyTime), reply) : null);

    private static TimeOnly Time(string localTime) => TimeOnly.ParseExact(localTime, "HH:mm", CultureInfo.InvariantCulture);

    private static ScriptedPost P(
        int day, string localTime, DemoTopic topic, int reach, int reactions, int comments, int shares, double tauHours,
        ReactionMix mix, string text) =>
        new(day, TimeOnly.ParseExact(localTime, "HH:mm", CultureInfo.InvariantCulture), topic, reach, reactions, comments,
            shares, tauHours, mix, text);
}
