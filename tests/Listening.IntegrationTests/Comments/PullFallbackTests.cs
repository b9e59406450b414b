using System.Text;
using Listening.Core.Contracts;
using Listening.Core.Meta;
using Listening.Functions;
using Listening.IntegrationTests.Facebook;
using Listening.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using static Listening.IntegrationTests.Comments.CommentScenario;

namespace Listening.IntegrationTests.Comments;

/// <summary>
/// Without webhooks it still hears: the regular pull reads the comments created since the last pull as a field
/// expansion of the posts (same batch, no request per post), puts them on the queue <c>comments</c>, and a comment
/// that also came by webhook is counted and alerted once. Fake Graph API on 127.0.0.1, Azurite.
/// </summary>
public sealed class PullFallbackTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 11, 0, 0, TimeSpan.Zero);

    private const string QuestionText = "Wo gibt es heute Sandsäcke für Altstadt-Süd?";
    private const string UrgentText = "Bei uns ist der Keller voll, wer hilft in der Lindenstraße?";
    private const string ReplyText = "Sandsäcke gibt es bis 18 Uhr am Bauhof.";

    private static async Task<GraphScenario> StartAsync(bool withPullHistory = true)
    {
        var s = await GraphScenario.StartAsync(Now, new Dictionary<string, string?>
        {
            ["Listening:Facebook:AppSecret"] = AppSecret,
            ["Listening:Facebook:WebhookVerifyToken"] = VerifyToken,
            ["Listening:Teams:WebhookUrl"] = "https://example.invalid/workflows/secret-sig-0123456789",
        });
        Assert.Equal(PageId, s.Graph.PageId);
        if (withPullHistory)
        {
            // The last successful pull was an hour ago: comments since then (less the overlap) are read.
            await s.App.Get<Listening.Core.Storage.IPageStateStore>().RecordPullAsync(PageId,
                new Listening.Core.Storage.PullRecord { PageName = "Kreis Musterland", CapturedAt = Now.AddHours(-1), At = Now.AddHours(-1), CountsAsSuccessfulPull = true },
                CancellationToken.None);
        }

        return s;
    }

    private static FakePost Post(GraphScenario s)
    {
        var post = new FakePost { Id = PostId, CreatedTime = Now.AddHours(-5), Message = "Unwetterwarnung", Comments = 4 };
        lock (s.Graph.Posts)
        {
            s.Graph.Posts.Add(post);
        }

        return post;
    }

    [Fact]
    public async Task The_pull_reads_new_comments_in_its_batch_and_leaves_older_ones()
    {
        await using var s = await StartAsync();
        s.Graph.PageSize = 100;
        var post = Post(s);
        post.CommentList.Add(new FakeComment(CommentId(1), Now.AddMinutes(-20), QuestionText, AuthorId));
        post.CommentList.Add(new FakeComment(CommentId(2), Now.AddMinutes(-10), ReplyText, PageId, CommentId(1)));
        post.CommentList.Add(new FakeComment(CommentId(3), Now.AddHours(-3), "Alt: wer hilft?", AuthorId));

        var capture = await s.CaptureAsync(new PullPlan { CommentsSince = Now.AddHours(-1) });

        Assert.Equal(1, capture.HttpRequests); // the comments rode in the posts' field expansion
        Assert.Contains(s.Graph.Calls, c => c.Contains(Uri.EscapeDataString(GraphRequests.NewComments(Now.AddHours(-1))), StringComparison.Ordinal));
        Assert.Equal([CommentId(1), CommentId(2)], capture.Comments.Select(c => c.CommentId).Order(StringComparer.Ordinal));
        var question = capture.Comments.Single(c => c.CommentId == CommentId(1));
        Assert.True(question.IsTopLevel);
        Assert.False(question.ByPage);
        Assert.Equal(QuestionText, question.Message);
        Assert.Equal(CommentVerb.Add, question.Verb);
        var reply = capture.Comments.Single(c => c.CommentId == CommentId(2));
        Assert.True(reply.ByPage);
        Assert.Equal(CommentId(1), reply.ParentId);

        // Nothing about the author travels on; the snapshot of the same capture holds no comment at all.
        var events = JsonSerializerEvents(capture.Comments);
        Assert.DoesNotContain(AuthorId, events, StringComparison.Ordinal);
        var snapshot = string.Join('\n', Listening.Core.Ingestion.SnapshotSplitter.Split(capture).Select(MessageCodec.Encode));
        Assert.DoesNotContain("Sandsäcke", snapshot, StringComparison.Ordinal);
        Assert.DoesNotContain(CommentId(1), snapshot, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_post_with_more_comments_than_one_page_pages_through_them_once()
    {
        await using var s = await StartAsync();
        s.Graph.PageSize = 100;
        var post = Post(s);
        for (var i = 1; i <= 130; i++)
        {
            post.CommentList.Add(new FakeComment(CommentId(i), Now.AddMinutes(-30).AddSeconds(i), "Danke " + i, AuthorId));
        }

        var capture = await s.CaptureAsync(new PullPlan { CommentsSince = Now.AddHours(-1) });

        Assert.Equal(130, capture.Comments.Select(c => c.CommentId).Distinct().Count());
        Assert.Equal(130, capture.Comments.Count);
        Assert.Equal(2, capture.HttpRequests); // the batch, then the post's comments' paging.next once
    }

    [Fact]
    public async Task Without_the_permission_to_read_comments_the_posts_are_still_read()
    {
        await using var s = await StartAsync();
        s.Graph.PageSize = 100;
        s.Graph.CommentsPermissionDenied = true;
        Post(s).CommentList.Add(new FakeComment(CommentId(1), Now.AddMinutes(-20), QuestionText, AuthorId));

        var capture = await s.CaptureAsync(new PullPlan { CommentsSince = Now.AddHours(-1) });

        Assert.Single(capture.Posts);
        Assert.Empty(capture.Comments);
    }

    [Fact]
    public async Task Webhook_and_pull_deliver_the_same_comment_once()
    {
        await using var s = await StartAsync();
        s.Graph.PageSize = 100;
        var post = Post(s);
        post.CommentList.Add(new FakeComment(CommentId(1), Now.AddMinutes(-20), QuestionText, AuthorId));
        post.CommentList.Add(new FakeComment(CommentId(2), Now.AddMinutes(-15), UrgentText, AuthorId));
        post.CommentList.Add(new FakeComment(CommentId(3), Now.AddMinutes(-5), ReplyText, PageId, CommentId(1)));

        // The webhook brought the urgent comment minutes ago; then the regular pull reads all three.
        Assert.Equal(200, await PostAsync(s, Delivery(Now.AddMinutes(-14), Change("add", 2, UrgentText, Now.AddMinutes(-15)))));
        await TriageAsync(s);
        var outcome = await s.PullAsync(PullKind.Posts);
        Assert.Equal(Listening.Core.Ingestion.PullStatus.Pulled, outcome.Status);
        Assert.True(await TriageAsync(s) >= 1);
        // A second pull (overlapping window) and a retried webhook delivery change nothing.
        var before = await DumpAsync(s);
        s.App.Time.Advance(TimeSpan.FromMinutes(15));
        await s.PullAsync(PullKind.Posts);
        Assert.Equal(200, await PostAsync(s, Delivery(Now.AddMinutes(-14), Change("add", 2, UrgentText, Now.AddMinutes(-15)))));
        await TriageAsync(s);

        var hours = (await TestApp.RowsAsync(s.App.Tables.Comments)).Where(r => r.RowKey.StartsWith("h_", StringComparison.Ordinal)).ToList();
        Assert.Equal(1, hours.Sum(r => r.GetInt32("Questions")));
        Assert.Equal(1, hours.Sum(r => r.GetInt32("Urgent")));
        Assert.Equal(1, hours.Sum(r => r.GetInt32("Answered")));
        Assert.Equal(before, await DumpAsync(s));

        var queue = s.App.Queue(s.App.Options.Queues.Notifications);
        await queue.CreateIfNotExistsAsync();
        var kinds = (await queue.PeekMessagesAsync(32)).Value.Select(m => MessageCodec.DecodeNotification(m.Body.ToString()).Kind).ToList();
        Assert.Equal(1, kinds.Count(k => k == "comment-urgent"));

        // Snapshots aggregated and archived: still no comment text and no author anywhere.
        await s.App.DeliverAsync(s.App.Options.Queues.Snapshots, m => s.App.Get<AggregateSnapshot>().Run(m, CancellationToken.None));
        var stored = new List<string>();
        foreach (var table in s.App.Tables.All)
        {
            foreach (var row in await TestApp.RowsAsync(table))
            {
                stored.AddRange(row.Select(kv => table.Name + " " + kv.Key + "=" + Text(kv.Value)));
            }
        }

        Assert.NotEmpty(stored);
        foreach (var forbidden in new[] { AuthorId, "Sandsäcke", "Keller voll", "Bauhof", "Lindenstraße" })
        {
            Assert.DoesNotContain(stored, v => v.Contains(forbidden, StringComparison.OrdinalIgnoreCase));
        }
    }

    private static string JsonSerializerEvents(IReadOnlyList<CommentEvent> events) =>
        string.Join('\n', MessageCodec.SplitComments(new CommentBatch { Source = CommentSources.Pull, ReceivedAt = Now, Events = [] }, events).Select(MessageCodec.Encode));

    private static string Text(object? value) => value switch
    {
        byte[] bytes when bytes.Length > 2 && bytes[0] == 0x1f && bytes[1] == 0x8b => Gunzip(bytes),
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    private static string Gunzip(byte[] bytes)
    {
        using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(bytes), System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static async Task<int> PostAsync(GraphScenario s, byte[] body)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = body.Length;
        context.Request.Headers[WebhookSignature.Header] = WebhookSignature.Sign(body, AppSecret);
        var result = await s.App.Get<MetaWebhook>().Run(context.Request, CancellationToken.None);
        return result is Microsoft.AspNetCore.Mvc.FileContentResult ? 200 : (result as Microsoft.AspNetCore.Mvc.ContentResult)?.StatusCode ?? 0;
    }

    private static Task<int> TriageAsync(GraphScenario s) =>
        s.App.DeliverAsync(s.App.Options.Queues.Comments, m => s.App.Get<TriageComments>().Run(m, CancellationToken.None));

    private static async Task<List<string>> DumpAsync(GraphScenario s)
    {
        var lines = new List<string>();
        foreach (var row in await TestApp.RowsAsync(s.App.Tables.Comments))
        {
            lines.Add(row.RowKey + ": " + string.Join(" | ", row.Keys.Where(k => k is not "Timestamp" and not "odata.etag" and not "LastEventAt").Order(StringComparer.Ordinal).Select(k => k + "=" + Text(row[k]))));
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }
}
