using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Listening.Core.Pipeline.Webhooks;
using Listening.Functions;
using Listening.IntegrationTests.Infrastructure;
using static Listening.IntegrationTests.Comments.CommentScenario;

namespace Listening.IntegrationTests.Comments;

/// <summary>
/// A storm's worth of comments on Azurite, through the real webhook, queues, triage, notifications and a fake Teams
/// on 127.0.0.1: Meta's largest delivery (1,000 changes), its retries and late edits and removals, taken by parallel
/// workers as the host takes them, counted once and alerted once per channel; deliveries at and over 4 MB.
/// </summary>
public sealed partial class CommentBurstTests : IAsyncLifetime
{
    // Wednesday 2026-12-02, 09:00 in Berlin: the office is open, comment alerts take their kind's route.
    private static readonly DateTimeOffset Morning = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Delivered = Morning.AddHours(2).AddMinutes(5);
    private static readonly DateTimeOffset Now = Morning.AddHours(3);

    private const int Workers = 8;

    private FakeTeamsWebhook _teams = null!;
    private CommentScenario _s = null!;

    public async Task InitializeAsync()
    {
        _teams = await FakeTeamsWebhook.StartAsync();
        _s = await StartAsync(Now, new Dictionary<string, string?>
        {
            ["Listening:Teams:WebhookUrl"] = _teams.Url("presse"),
            ["Listening:Teams:Channels:lagezentrum:WebhookUrl"] = _teams.Url("lagezentrum"),
            ["Listening:Teams:Routes:comment-urgent"] = "default,lagezentrum",
        });
    }

    public async Task DisposeAsync()
    {
        await _s.DisposeAsync();
        await _teams.DisposeAsync();
    }

    /// <summary>Comment n (1 to 900) is urgent when n % 10 = 0, abusive when 1, a question when 2 or 3, else ordinary.</summary>
    private static string Category(int n) => (n % 10) switch
    {
        0 => "dringend",
        1 => "beleidigung",
        2 or 3 => "frage",
        _ => "sonstiges",
    };

    private static string Text(int n)
    {
        var text = Category(n) switch
        {
            "dringend" => $"Bei uns in Hausnummer {n} ist der Keller voll, das Wasser steigt",
            "beleidigung" => $"Ihr Idioten vom Kreis, Nummer {n}",
            "frage" => $"Wo gibt es Sandsäcke für Hausnummer {n}?",
            _ => $"Danke an alle Helferinnen, Nummer {n}",
        };

        // Every seventh comment is long, with umlauts the queue message escapes: the delivery splits into many messages.
        return n % 7 == 0 ? text + string.Concat(Enumerable.Repeat(" Grüße aus Südöhringen.", 80)) : text;
    }

    private static DateTimeOffset Created(int n) => Morning.AddSeconds(8 * n);

    /// <summary>
    /// Meta's largest delivery: 900 top-level comments, 90 replies of the Page answering the questions n % 10 = 2, nine
    /// changes that are no comments (reactions, posts) and one comment whose id no key can hold: 1,000 changes.
    /// </summary>
    private static byte[] BurstDelivery()
    {
        var changes = new List<JsonObject>();
        for (var n = 1; n <= 900; n++)
        {
            changes.Add(Change("add", n, Text(n), Created(n)));
            if (n % 10 == 2)
            {
                changes.Add(Change("add", 2000 + n, "Sandsäcke gibt es am Bauhof.", Created(n).AddMinutes(12), replyTo: n, byPage: true));
            }
        }

        for (var i = 0; i < 9; i++)
        {
            changes.Add(new JsonObject
            {
                ["field"] = "feed",
                ["value"] = new JsonObject { ["item"] = i % 2 == 0 ? "reaction" : "status", ["verb"] = "add", ["post_id"] = PostId, ["reaction_type"] = "like" },
            });
        }

        var odd = Change("add", 999, "Hilfe, Keller voll", Created(999));
        odd["value"]!["comment_id"] = "1/2";
        changes.Add(odd);
        Assert.Equal(1000, changes.Count);
        return Delivery(Delivered, [.. changes]);
    }

    [Fact]
    public async Task A_burst_of_1000_changes_with_retries_late_edits_and_removals_is_counted_once_and_alerted_once_per_channel()
    {
        var burst = BurstDelivery();
        var removeBeforeAdd = Delivery(Delivered.AddMinutes(12), Change("remove", 901));

        // Meta's delivery and its retry land together and are taken by parallel workers, duplicates side by side.
        Assert.Equal(200, await _s.PostAsync(burst));
        Assert.Equal(200, await _s.PostAsync(burst));
        Assert.Equal(200, await _s.PostAsync(removeBeforeAdd));
        var first = await TriageAsync();
        Assert.True(first.Handled >= 2 * 8, $"{first.Handled} messages: the delivery should split into several");

        // Later deliveries, each retried: an edit (ordinary to urgent), a removal, an older edit arriving after the
        // newer one, and the add of a comment whose removal came first.
        var edit = Delivery(Delivered.AddMinutes(10), Change("edited", 4, "Hilfe, wir sind im Auto eingeschlossen", Created(4)));
        var remove = Delivery(Delivered.AddMinutes(11), Change("remove", 10));
        var olderEdit = Delivery(Delivered.AddMinutes(5), Change("edited", 4, "Danke an alle Helferinnen", Created(4)));
        var lateAdd = Delivery(Delivered.AddMinutes(1), Change("add", 901, "Hilfe, der Keller ist voll", Created(901)));
        foreach (var delivery in new[] { edit, remove, olderEdit, lateAdd, edit, remove, olderEdit, lateAdd, removeBeforeAdd })
        {
            Assert.Equal(200, await _s.PostAsync(delivery));
        }

        await TriageAsync();
        var sent = await HostQueueDrain.DrainAsync(_s.App.Queue(_s.App.Options.Queues.Notifications), Poison(_s.App.Options.Queues.Notifications), Workers,
            m => _s.App.Get<SendNotification>().Run(m, CancellationToken.None));

        // Counted once: 180 questions (90 answered), 90 urgent (+4 by its edit, -10 removed), 90 abusive, 539 others.
        Assert.Equal((180, 90, 90, 539, 90), await _s.TotalsAsync());
        var day = await Listening.IntegrationTests.Summaries.HttpCall.DayAsync(_s.App, "2026-12-02", "format=json&page=" + PageId);
        var triage = day.Json["pages"]![0]!["commentTriage"]!;
        Assert.Equal((180, 90, 90, 90, 90), (triage["questions"]!.GetValue<int>(), triage["urgent"]!.GetValue<int>(), triage["abusive"]!.GetValue<int>(),
            triage["answered"]!.GetValue<int>(), triage["unanswered"]!.GetValue<int>()));

        // Alerted once per comment and channel: urgent to both channels of its route, abusive to the default.
        var urgent = Enumerable.Range(1, 90).Select(i => CommentId(10 * i)).Append(CommentId(4)).Order(StringComparer.Ordinal).ToList();
        var abusive = Enumerable.Range(0, 90).Select(i => CommentId((10 * i) + 1)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(urgent, Alerted("presse", "Dringender Kommentar"));
        Assert.Equal(urgent, Alerted("lagezentrum", "Dringender Kommentar"));
        Assert.Equal(abusive, Alerted("presse", "Beleidigender Kommentar"));
        Assert.Empty(Alerted("lagezentrum", "Beleidigender Kommentar"));
        Assert.Single(_teams.DeliveredText("presse"), t => t.Contains("Krisenmodus an", StringComparison.Ordinal));
        Assert.Equal(0, sent.Poisoned);

        // Nothing parked, nothing left, nothing of the people or their words in any table.
        foreach (var queue in new[] { _s.App.Options.Queues.Comments, _s.App.Options.Queues.Notifications })
        {
            Assert.Empty((await Poison(queue).PeekMessagesAsync(10)).Value);
            Assert.Empty((await _s.App.Queue(queue).PeekMessagesAsync(10)).Value);
        }

        var stored = await _s.EverythingStoredAsync();
        foreach (var forbidden in new[] { AuthorName, AuthorId, "Sandsäcke", "Keller", "Idioten", "Helferinnen", "Bauhof", "eingeschlossen", "Südöhringen" })
        {
            Assert.DoesNotContain(stored, v => v.Contains(forbidden, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task Two_handlers_at_once_on_the_same_messages_count_and_alert_once()
    {
        Assert.Equal(200, await _s.PostAsync(BurstDelivery()));
        var queue = _s.App.Queue(_s.App.Options.Queues.Comments);
        var messages = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value;
        Assert.True(messages.Length > 1);

        // Every message twice, all at once: a Meta retry queued beside the first copy, or a message that came back.
        await Task.WhenAll(messages.Concat(messages).Select(m => Task.Run(() => _s.App.Get<TriageComments>().Run(m, CancellationToken.None))));
        await HostQueueDrain.DrainAsync(_s.App.Queue(_s.App.Options.Queues.Notifications), Poison(_s.App.Options.Queues.Notifications), Workers,
            m => _s.App.Get<SendNotification>().Run(m, CancellationToken.None));

        Assert.Equal((180, 90, 90, 540, 90), await _s.TotalsAsync());
        Assert.Equal(90, Alerted("presse", "Dringender Kommentar").Count);
        Assert.Equal(90, Alerted("lagezentrum", "Dringender Kommentar").Count);
        Assert.Equal(90, Alerted("presse", "Beleidigender Kommentar").Count);
    }

    [Fact]
    public async Task A_delivery_of_exactly_4_MB_is_taken_and_one_byte_more_is_refused_with_413()
    {
        var atLimit = PaddedDelivery(MetaWebhookEndpoint.MaxBodyBytes);
        Assert.Equal(MetaWebhookEndpoint.MaxBodyBytes, atLimit.Length);
        var over = PaddedDelivery(MetaWebhookEndpoint.MaxBodyBytes + 1);

        await _s.App.Queue(_s.App.Options.Queues.Comments).CreateIfNotExistsAsync();
        Assert.Equal(413, await _s.PostAsync(over));
        Assert.Equal(413, await PostChunkedAsync(over)); // no Content-Length: refused while reading
        Assert.Empty((await _s.App.Queue(_s.App.Options.Queues.Comments).PeekMessagesAsync(1)).Value);

        Assert.Equal(200, await _s.PostAsync(atLimit));
        var drained = await TriageAsync();

        Assert.True(drained.Handled > 1);
        Assert.Equal(1000, (await _s.TotalsAsync()).Questions);
    }

    /// <summary>1,000 questions of about 3,800 characters each, padded with JSON whitespace to exactly <paramref name="bytes"/>.</summary>
    private static byte[] PaddedDelivery(int bytes)
    {
        var filler = string.Concat(Enumerable.Repeat("Gruesse aus Suedoehringen. ", 150))[..3800];
        var body = Delivery(Delivered, [.. Enumerable.Range(1, 1000).Select(n => Change("add", n, "Wo gibt es Sandsäcke? " + filler, Created(n % 900)))]);
        Assert.True(body.Length <= bytes, body.Length.ToString(CultureInfo.InvariantCulture));
        return [.. body, .. Enumerable.Repeat((byte)' ', bytes - body.Length)];
    }

    private async Task<int> PostChunkedAsync(byte[] body)
    {
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Body = new MemoryStream(body);
        context.Request.Headers[Listening.Core.Meta.WebhookSignature.Header] = Listening.Core.Meta.WebhookSignature.Sign(body, AppSecret);
        var result = await _s.App.Get<MetaWebhook>().Run(context.Request, CancellationToken.None);
        return result is Microsoft.AspNetCore.Mvc.ContentResult content ? content.StatusCode ?? 200 : 200;
    }

    private Task<HostQueueDrain.DrainResult> TriageAsync() =>
        HostQueueDrain.DrainAsync(_s.App.Queue(_s.App.Options.Queues.Comments), Poison(_s.App.Options.Queues.Comments), Workers,
            m => _s.App.Get<TriageComments>().Run(m, CancellationToken.None));

    private Azure.Storage.Queues.QueueClient Poison(string queue) => _s.App.Queue(queue + "-poison");

    /// <summary>The comment ids of the cards with this title a channel got, sorted, duplicates kept.</summary>
    private List<string> Alerted(string channel, string title) =>
        [.. _teams.DeliveredText(channel)
            .Where(t => t.Contains(title, StringComparison.Ordinal))
            .Select(t => CommentIdInLink().Match(t))
            .Select(m => m.Success ? m.Groups[1].Value : "(no link)")
            .Order(StringComparer.Ordinal)];

    [GeneratedRegex(@"comment_id=([0-9_]+)")]
    private static partial Regex CommentIdInLink();
}
