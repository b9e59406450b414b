using Listening.Core.Storage;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Listening.Core.Contracts;
using Listening.Core.Meta;
using Listening.Functions;
using Listening.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Listening.IntegrationTests.Comments;

/// <summary>
/// The comment pipeline as the host runs it: Meta's signed delivery into the <c>MetaWebhook</c> function, the
/// queue <c>comments</c> into <c>TriageComments</c>, on Azurite. Deliveries are shaped like Meta's (FACTS.md).
/// </summary>
internal sealed class CommentScenario : IAsyncDisposable
{
    public const string AppSecret = "app-secret-for-tests-0123456789";
    public const string VerifyToken = "verify-token-for-tests-abcdef";
    public const string PageId = "104857600000001";
    public const string PostId = PageId + "_900000000000001";
    public const string AuthorName = "Erika Mustermann";
    public const string AuthorId = "7000000000000042";

    private CommentScenario(TestApp app) => App = app;

    public TestApp App { get; }

    public static async Task<CommentScenario> StartAsync(DateTimeOffset now, IDictionary<string, string?>? settings = null, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? configureServices = null)
    {
        var config = new Dictionary<string, string?>
        {
            ["Listening:Facebook:AppSecret"] = AppSecret,
            ["Listening:Facebook:WebhookVerifyToken"] = VerifyToken,
            ["Listening:Teams:WebhookUrl"] = "https://example.invalid/workflows/secret-sig-0123456789",
            // A real Page (with a token): its summaries are served; no pull runs in these tests.
            ["Listening:Pages:0:Id"] = PageId,
            ["Listening:Pages:0:Name"] = "Kreis Musterland",
            ["Listening:Pages:0:AccessToken"] = "page-token-for-tests-0123456789",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        return new CommentScenario(await TestApp.StartAsync(now, config, configureServices));
    }

    public static string CommentId(int n) => "900000000000001_" + (5000000 + n).ToString(CultureInfo.InvariantCulture);

    public static JsonObject Change(string verb, int comment, string? message = null, DateTimeOffset? created = null, int? replyTo = null, bool byPage = false)
    {
        var value = new JsonObject
        {
            ["item"] = "comment",
            ["verb"] = verb,
            ["comment_id"] = CommentId(comment),
            ["post_id"] = PostId,
            ["parent_id"] = replyTo is { } parent ? CommentId(parent) : PostId,
            ["from"] = new JsonObject { ["id"] = byPage ? PageId : AuthorId, ["name"] = byPage ? "Kreis Musterland" : AuthorName },
        };
        if (created is { } c)
        {
            value["created_time"] = c.ToUnixTimeSeconds();
        }

        if (message is not null)
        {
            value["message"] = message;
        }

        return new JsonObject { ["field"] = "feed", ["value"] = value };
    }

    public static byte[] Delivery(DateTimeOffset time, params JsonObject[] changes) =>
        Encoding.UTF8.GetBytes(new JsonObject
        {
            ["object"] = "page",
            ["entry"] = new JsonArray(new JsonObject { ["id"] = PageId, ["time"] = time.ToUnixTimeSeconds(), ["changes"] = new JsonArray([.. changes]) }),
        }.ToJsonString());

    /// <summary>POSTs a delivery, signed unless told otherwise, to the function; returns the status.</summary>
    public async Task<int> PostAsync(byte[] body, string? signature = "sign")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = body.Length;
        if (signature is not null)
        {
            context.Request.Headers[WebhookSignature.Header] = signature == "sign" ? WebhookSignature.Sign(body, AppSecret) : signature;
        }

        var result = await App.Get<MetaWebhook>().Run(context.Request, CancellationToken.None);
        return result switch
        {
            FileContentResult => 200,
            ContentResult content => content.StatusCode ?? 200,
            StatusCodeResult status => status.StatusCode,
            _ => throw new InvalidOperationException(result.GetType().Name),
        };
    }

    /// <summary>Runs <c>TriageComments</c> on every message of the comments queue, as the host would.</summary>
    public Task<int> TriageAsync() =>
        App.DeliverAsync(App.Options.Queues.Comments, m => App.Get<TriageComments>().Run(m, CancellationToken.None));

    public async Task<int> PostAndTriageAsync(byte[] body)
    {
        Assert.Equal(200, await PostAsync(body));
        return await TriageAsync();
    }

    /// <summary>The notifications queued for Teams (peeked, left on the queue).</summary>
    public async Task<IReadOnlyList<NotificationMessage>> NotificationsAsync()
    {
        var queue = App.Queue(App.Options.Queues.Notifications);
        await queue.CreateIfNotExistsAsync();
        var messages = (await queue.PeekMessagesAsync(32)).Value;
        // The app's queue client decodes the trigger's base64 itself.
        return [.. messages.Select(m => MessageCodec.DecodeNotification(m.Body.ToString()))];
    }

    /// <summary>Every value of every row of every table, compressed JSON unpacked: what a privacy scan reads.</summary>
    public async Task<IReadOnlyList<string>> EverythingStoredAsync()
    {
        var values = new List<string>();
        foreach (var table in App.Tables.All)
        {
            await foreach (var row in table.QueryAsync<TableEntity>())
            {
                foreach (var (key, value) in row)
                {
                    values.Add(table.Name + " " + row.PartitionKey + "/" + row.RowKey + " " + key + "=" + Text(value));
                }
            }
        }

        return values;
    }

    /// <summary>Comment rows and counts as text (no service timestamps): equal dumps, equal data.</summary>
    public async Task<IReadOnlyList<string>> DumpAsync()
    {
        var lines = new List<string>();
        var summaries = TableClient.CreateQueryFilter($"RowKey ge {PageDayKinds.Summary} and RowKey lt {PageDayKinds.End(PageDayKinds.Summary)}");
        foreach (var (table, filter) in new[] { (App.Tables.Comments, (string?)null), (App.Tables.PageDays, summaries), (App.Tables.AlertState, null) })
        {
            await foreach (var row in table.QueryAsync<TableEntity>(filter))
            {
                lines.Add(table.Name + " " + row.PartitionKey + "/" + row.RowKey + ": " + string.Join(" | ", row.Keys
                    .Where(k => k is not "Timestamp" and not "odata.etag" and not "LastEventAt")
                    .Order(StringComparer.Ordinal)
                    .Select(k => k + "=" + Text(row[k]))));
            }
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    public async Task<IReadOnlyList<TableEntity>> HourRowsAsync() =>
        [.. (await TestApp.RowsAsync(App.Tables.Comments)).Where(r => r.RowKey.StartsWith("h_", StringComparison.Ordinal)).OrderBy(r => r.RowKey, StringComparer.Ordinal)];

    public async Task<(int Questions, int Urgent, int Abusive, int Other, int Answered)> TotalsAsync()
    {
        var rows = await HourRowsAsync();
        return (rows.Sum(r => r.GetInt32("Questions") ?? 0), rows.Sum(r => r.GetInt32("Urgent") ?? 0), rows.Sum(r => r.GetInt32("Abusive") ?? 0),
            rows.Sum(r => r.GetInt32("Other") ?? 0), rows.Sum(r => r.GetInt32("Answered") ?? 0));
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();

    private static string Text(object? value)
    {
        switch (value)
        {
            case null:
                return "null";
            case byte[] bytes when bytes.Length > 2 && bytes[0] == 0x1f && bytes[1] == 0x8b:
                using (var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress))
                using (var reader = new StreamReader(gzip, Encoding.UTF8))
                {
                    return reader.ReadToEnd();
                }

            case byte[] bytes:
                return Encoding.UTF8.GetString(bytes);
            case BinaryData data:
                return Text(data.ToArray());
            case DateTimeOffset d:
                return d.ToString("O", CultureInfo.InvariantCulture);
            case IFormattable f:
                return f.ToString(null, CultureInfo.InvariantCulture);
            default:
                return value.ToString() ?? "";
        }
    }
}
