using System.Text;
using Listening.Core.Contracts;
using Listening.Core.Storage;
using Listening.IntegrationTests.Infrastructure;
using static Listening.IntegrationTests.Comments.CommentScenario;

namespace Listening.IntegrationTests.Comments;

/// <summary>Webhook to triage on Azurite: signature, duplicates, edits and removals, answers in any order, privacy, poison.</summary>
public sealed class CommentPipelineTests : IAsyncLifetime
{
    // 09:00 local time in Berlin on the storm day; the deliveries come minutes after the comments.
    private static readonly DateTimeOffset Morning = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = Morning.AddHours(3);

    private const string QuestionText = "Wo gibt es heute Sandsäcke für Altstadt-Süd?";
    private const string UrgentText = "Bei uns ist der Keller voll, Wasser steigt, wer hilft in der Lindenstraße?";
    private const string AbusiveText = "Ihr Idioten vom Kreis habt wieder geschlafen";
    private const string OtherText = "Danke an alle Helferinnen und Helfer heute Nacht";
    private const string ReplyText = "Sandsäcke gibt es bis 18 Uhr am Bauhof, Industriestraße 4.";

    private CommentScenario _s = null!;

    public async Task InitializeAsync() => _s = await StartAsync(Now);

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private static byte[] StormDelivery() => Delivery(Morning.AddMinutes(30),
        Change("add", 1, QuestionText, Morning.AddMinutes(1)),
        Change("add", 2, UrgentText, Morning.AddMinutes(2)),
        Change("add", 3, AbusiveText, Morning.AddMinutes(3)),
        Change("add", 4, OtherText, Morning.AddMinutes(4)),
        Change("add", 5, ReplyText, Morning.AddMinutes(21), replyTo: 1, byPage: true));

    [Fact]
    public async Task A_signed_delivery_is_triaged_counted_and_alerted()
    {
        await _s.PostAndTriageAsync(StormDelivery());

        Assert.Equal((1, 1, 1, 1, 1), await _s.TotalsAsync());
        var hour = Assert.Single(await _s.HourRowsAsync());
        Assert.Equal("h_2026-12-02_09_" + PostId, hour.RowKey);
        Assert.Equal("20", hour.GetString("ResponseMinutes"));

        var alerts = await _s.NotificationsAsync();
        Assert.Equal(["comment-abusive", "comment-urgent"], alerts.Select(a => a.Kind).Order(StringComparer.Ordinal));
        var urgent = alerts.Single(a => a.Kind == "comment-urgent").Payload.ToJsonString();
        Assert.Contains("Keller voll", urgent, StringComparison.Ordinal);
        Assert.Contains("comment_id=" + CommentId(2), urgent, StringComparison.Ordinal);
        Assert.DoesNotContain(AuthorName, urgent, StringComparison.Ordinal);
        Assert.DoesNotContain(AuthorId, urgent, StringComparison.Ordinal);
        Assert.DoesNotContain("Idiot", alerts.Single(a => a.Kind == "comment-abusive").Payload.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_day_summary_carries_the_triage_per_page_and_post_and_the_page_shows_what_is_open()
    {
        await _s.PostAndTriageAsync(StormDelivery());
        await _s.PostAndTriageAsync(Delivery(Morning.AddMinutes(40), Change("add", 8, "Wann kommt der Strom wieder?", Morning.AddMinutes(35))));

        var answer = await Listening.IntegrationTests.Summaries.HttpCall.DayAsync(_s.App, "2026-12-02", "format=json&page=" + PageId);
        Assert.True(answer.Status == 200, answer.Text);
        var json = answer.Json;
        var page = json["pages"]![0]!;
        Assert.True(page["commentTriage"] is not null, json.ToJsonString());
        var triage = page["commentTriage"]!;
        Assert.Equal(2, triage["questions"]!.GetValue<int>());
        Assert.Equal(1, triage["urgent"]!.GetValue<int>());
        Assert.Equal(1, triage["abusive"]!.GetValue<int>());
        Assert.Equal(1, triage["answered"]!.GetValue<int>());
        Assert.Equal(1, triage["unanswered"]!.GetValue<int>());
        Assert.Equal(20, triage["medianResponseMinutes"]!.GetValue<double>());
        Assert.Equal(4, page["trackedComments"]!.AsArray().Count);
        Assert.DoesNotContain(AuthorName, json.ToJsonString(), StringComparison.Ordinal);

        var html = (await Listening.IntegrationTests.Summaries.HttpCall.DayAsync(_s.App, "2026-12-02", "format=html&page=" + PageId)).Text;
        Assert.Contains("Kommentare: Fragen, Dringendes, Beleidigungen", html, StringComparison.Ordinal);
        Assert.Contains("1 beantwortet, 1 offen", html, StringComparison.Ordinal);
        Assert.Contains("20 Min.", html, StringComparison.Ordinal);
        Assert.Contains("comment_id=" + CommentId(8), html, StringComparison.Ordinal);
        Assert.Contains("comment_id=" + CommentId(2), html, StringComparison.Ordinal);
        Assert.DoesNotContain("comment_id=" + CommentId(1), html, StringComparison.Ordinal); // answered: nothing to do
        Assert.DoesNotContain("Sandsäcke", html, StringComparison.Ordinal);
        Assert.DoesNotContain(AuthorName, html, StringComparison.Ordinal);

        var period = (await Listening.IntegrationTests.Summaries.HttpCall.PeriodAsync(_s.App, "from=2026-12-01&to=2026-12-02&format=html&page=" + PageId)).Text;
        Assert.Contains("Fragen und Antwortzeit pro Tag", period, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_delivery_twice_changes_nothing()
    {
        await _s.PostAndTriageAsync(StormDelivery());
        var first = await _s.DumpAsync();
        var alerts = (await _s.NotificationsAsync()).Count;

        await _s.PostAndTriageAsync(StormDelivery());

        Assert.Equal(first, await _s.DumpAsync());
        Assert.Equal(alerts, (await _s.NotificationsAsync()).Count);
    }

    [Fact]
    public async Task An_unsigned_or_tampered_delivery_is_refused_and_changes_nothing()
    {
        var body = StormDelivery();
        var signature = Listening.Core.Meta.WebhookSignature.Sign(body, AppSecret);
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("Danke", "Hilfe", StringComparison.Ordinal));

        Assert.Equal(401, await _s.PostAsync(body, signature: null));
        Assert.Equal(401, await _s.PostAsync(tampered, signature));
        Assert.Equal(0, await _s.TriageAsync());
        await _s.App.Tables.EnsureCreatedAsync(CancellationToken.None);
        Assert.Empty(await TestApp.RowsAsync(_s.App.Tables.Comments));
    }

    [Fact]
    public async Task An_edit_retriages_a_removal_uncounts_and_a_late_copy_of_the_add_stays_removed()
    {
        await _s.PostAndTriageAsync(Delivery(Morning.AddMinutes(5), Change("add", 1, OtherText, Morning.AddMinutes(1))));
        Assert.Equal((0, 0, 0, 1, 0), await _s.TotalsAsync());

        await _s.PostAndTriageAsync(Delivery(Morning.AddMinutes(10), Change("edited", 1, UrgentText, Morning.AddMinutes(1))));
        Assert.Equal((0, 1, 0, 0, 0), await _s.TotalsAsync());
        Assert.Single(await _s.NotificationsAsync(), n => n.Kind == "comment-urgent");

        // An older edit arriving late does not undo the newer one.
        await _s.PostAndTriageAsync(Delivery(Morning.AddMinutes(7), Change("edited", 1, OtherText, Morning.AddMinutes(1))));
        Assert.Equal((0, 1, 0, 0, 0), await _s.TotalsAsync());

        await _s.PostAndTriageAsync(Delivery(Morning.AddMinutes(20), Change("remove", 1)));
        Assert.Equal((0, 0, 0, 0, 0), await _s.TotalsAsync());

        await _s.PostAndTriageAsync(Delivery(Morning.AddMinutes(5), Change("add", 1, OtherText, Morning.AddMinutes(1))));
        Assert.Equal((0, 0, 0, 0, 0), await _s.TotalsAsync());
    }

    [Fact]
    public async Task Hide_and_unhide_apply_in_event_order_whatever_order_they_arrive_in()
    {
        await _s.PostAndTriageAsync(Delivery(Morning.AddMinutes(5), Change("add", 3, AbusiveText, Morning.AddMinutes(3))));
        await _s.PostAndTriageAsync(Delivery(Morning.AddMinutes(30), Change("unhide", 3)));
        await _s.PostAndTriageAsync(Delivery(Morning.AddMinutes(20), Change("hide", 3)));

        var row = await _s.App.Get<ICommentStore>().GetAsync(PageId, CommentId(3), CancellationToken.None);
        Assert.NotNull(row);
        Assert.False(row.Hidden);
        Assert.Equal((0, 0, 1, 0, 0), await _s.TotalsAsync());
    }

    [Fact]
    public async Task A_reply_of_the_page_that_arrives_before_the_question_still_answers_it()
    {
        await _s.PostAndTriageAsync(Delivery(Morning.AddMinutes(40), Change("add", 5, ReplyText, Morning.AddMinutes(31), replyTo: 1, byPage: true)));
        await _s.PostAndTriageAsync(Delivery(Morning.AddMinutes(20), Change("add", 1, QuestionText, Morning.AddMinutes(1))));

        Assert.Equal((1, 0, 0, 0, 1), await _s.TotalsAsync());
        Assert.Equal("30", Assert.Single(await _s.HourRowsAsync()).GetString("ResponseMinutes"));
    }

    [Fact]
    public async Task Replies_by_people_and_top_level_comments_of_the_page_are_not_counted()
    {
        await _s.PostAndTriageAsync(Delivery(Morning.AddMinutes(40),
            Change("add", 6, "Ich weiß es auch nicht, wer hilft?", Morning.AddMinutes(5), replyTo: 1),
            Change("add", 7, "Hinweis: Sandsäcke am Bauhof", Morning.AddMinutes(6), byPage: true)));

        Assert.Equal((0, 0, 0, 0, 0), await _s.TotalsAsync());
    }

    [Fact]
    public async Task One_unusable_change_is_dropped_alone_and_the_rest_of_the_delivery_is_triaged()
    {
        var odd = Change("add", 9, "Wer hilft?", Now.AddDays(2)); // created two days in our future
        var badId = Change("add", 10, "Wer hilft?", Morning);
        badId["value"]!["comment_id"] = "1/2";

        await _s.PostAndTriageAsync(Delivery(Morning.AddMinutes(30), Change("add", 1, QuestionText, Morning.AddMinutes(1)), odd, badId));

        Assert.Equal((1, 0, 0, 0, 0), await _s.TotalsAsync());
        var poison = _s.App.Queue(_s.App.Options.Queues.Comments + "-poison");
        await poison.CreateIfNotExistsAsync();
        Assert.Empty((await poison.PeekMessagesAsync(10)).Value);
    }

    [Fact]
    public async Task No_table_keeps_an_author_or_a_comment_text()
    {
        await _s.PostAndTriageAsync(StormDelivery());
        await _s.PostAndTriageAsync(Delivery(Morning.AddMinutes(50), Change("edited", 4, "Hilfe, eingeschlossen im Auto an der B55", Morning.AddMinutes(4))));

        var stored = await _s.EverythingStoredAsync();

        Assert.NotEmpty(stored);
        foreach (var forbidden in new[] { AuthorName, AuthorId, "Sandsäcke", "Keller voll", "Idioten", "Helferinnen", "Bauhof", "eingeschlossen", "Lindenstraße" })
        {
            Assert.DoesNotContain(stored, v => v.Contains(forbidden, StringComparison.OrdinalIgnoreCase));
        }

        // Only the comments worth an action keep their id (for the link); the others leave none.
        Assert.Contains(stored, v => v.Contains(CommentId(1), StringComparison.Ordinal));
        Assert.DoesNotContain(stored, v => v.Contains("CommentId=" + CommentId(5), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{\"schema\":1,\"source\":\"webhook\",\"receivedAt\":\"2026-12-02T09:00:00Z\",\"events\":[{\"pageId\":\"104857600000001\",\"postId\":\"1_2\",\"commentId\":\"1/3\",\"verb\":\"add\",\"eventTime\":\"2026-12-02T09:00:00Z\",\"message\":\"Keller voll bei Erika\"}]}", "commentId of an event contains characters")]
    [InlineData("{\"schema\":1,\"source\":\"webhook\",\"receivedAt\":\"2026-12-02T09:00:00Z\",\"events\":[{\"pageId\":\"104857600000001\",\"postId\":\"1_2\",\"commentId\":\"1_3\",\"verb\":\"shout\",\"eventTime\":\"2026-12-02T09:00:00Z\",\"message\":\"Keller voll bei Erika\"}]}", "not valid CommentBatch JSON")]
    [InlineData("{\"schema\":1,\"source\":\"mail\",\"receivedAt\":\"2026-12-02T09:00:00Z\",\"events\":[]}", "source is not one of")]
    [InlineData("Keller voll bei Erika, not JSON", "not valid CommentBatch JSON")]
    public async Task A_malformed_message_goes_to_the_poison_queue_with_its_reason_and_without_its_text(string body, string reason)
    {
        var outcome = await _s.App.Get<Listening.Core.Pipeline.CommentHandler>().HandleAsync(body, "m-1", CancellationToken.None);

        Assert.Equal(Listening.Core.Pipeline.HandlerOutcome.Poisoned, outcome);
        var poisonQueue = _s.App.Queue(_s.App.Options.Queues.Comments + "-poison");
        var parked = Assert.Single((await poisonQueue.PeekMessagesAsync(10)).Value).Body.ToString();
        Assert.DoesNotContain("Keller", parked, StringComparison.Ordinal);
        Assert.DoesNotContain("Erika", parked, StringComparison.Ordinal);
        var logged = Assert.Single(await TestApp.RowsAsync(_s.App.Tables.PoisonLog));
        Assert.Contains(reason, logged.GetString("Reason"), StringComparison.Ordinal);
        Assert.Empty(await TestApp.RowsAsync(_s.App.Tables.Comments));
    }
}
