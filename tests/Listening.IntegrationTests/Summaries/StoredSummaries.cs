using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Listening.Core.Contracts;
using Listening.Core.Summaries;
using Listening.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Listening.Core.Storage;

namespace Listening.IntegrationTests.Summaries;

/// <summary>
/// Puts daily summaries into the app's summaries table the way the materializer stores them (compressed JSON,
/// content hash), so the serving side is tested on real storage without running the whole pipeline.
/// </summary>
internal static class StoredSummaries
{
    public const string PageA = "104857600000001";
    public const string PageB = "104857600000002";

    public static Dictionary<string, string?> TwoPages(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Listening:Pages:0:Id"] = PageA,
            ["Listening:Pages:0:Name"] = "Kreis Soest",
            ["Listening:Pages:0:AccessToken"] = "EAAPageTokenTESTabc123SECRET",
            ["Listening:Pages:1:Id"] = PageB,
            ["Listening:Pages:1:Name"] = "Kreis Soest Jobs",
            ["Listening:Pages:1:AccessToken"] = "EAAPageTokenTESTdef456SECRET",
        };
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        return settings;
    }

    public static async Task PutAsync(TestApp app, params PageDaySummary[] days)
    {
        await app.Tables.EnsureCreatedAsync(CancellationToken.None);
        foreach (var day in days)
        {
            var json = SummaryEntity.Compress(day);
            await app.Tables.PageDays.UpsertEntityAsync(new SummaryEntity
            {
                PartitionKey = day.PageId,
                RowKey = SummaryKeys.Day(day.Date),
                Json = json,
                StampTime = day.GeneratedAt.ToUnixTimeMilliseconds(),
                Hash = Convert.ToHexStringLower(SHA256.HashData(json))[..32],
            }, TableUpdateMode.Replace);
        }
    }

    /// <summary>Many days at once: entity group transactions of up to 100 rows per Page.</summary>
    public static async Task PutManyAsync(TestApp app, IEnumerable<PageDaySummary> days)
    {
        await app.Tables.EnsureCreatedAsync(CancellationToken.None);
        foreach (var page in days.GroupBy(d => d.PageId))
        {
            foreach (var chunk in page.Chunk(100))
            {
                var actions = chunk.Select(day =>
                {
                    var json = SummaryEntity.Compress(day);
                    return new TableTransactionAction(TableTransactionActionType.UpsertReplace, new SummaryEntity
                    {
                        PartitionKey = day.PageId,
                        RowKey = SummaryKeys.Day(day.Date),
                        Json = json,
                        Hash = Convert.ToHexStringLower(SHA256.HashData(json))[..32],
                    });
                });
                await app.Tables.PageDays.SubmitTransactionAsync(actions);
            }
        }
    }

    /// <summary>A Page's day: followers at the end and their change, reactions all "Gefällt mir", one post.</summary>
    public static PageDaySummary Day(string pageId, DateOnly date, long followers, long followerChange, long likes, string excerpt = "Ausbildung beim Kreis: Jetzt bewerben!") => new()
    {
        PageId = pageId,
        Name = pageId == PageA ? "Kreis Soest" : "Kreis Soest Jobs",
        Date = date,
        GeneratedAt = new DateTimeOffset(date.ToDateTime(new TimeOnly(21, 45)), TimeSpan.Zero),
        Followers = new CounterChange(followers, followerChange),
        Likes = new CounterChange(followers - 40, followerChange),
        Reactions = new ReactionCounts { Like = likes },
        Comments = likes / 10,
        Shares = likes / 20,
        Observations = 96,
        Posts =
        [
            new PostDaySummary
            {
                Id = pageId + "_" + date.DayNumber.ToString(CultureInfo.InvariantCulture),
                CreatedTime = new DateTimeOffset(date.ToDateTime(new TimeOnly(9, 15)), TimeSpan.FromHours(1)),
                Permalink = "https://www.facebook.com/" + pageId + "/posts/" + date.DayNumber.ToString(CultureInfo.InvariantCulture),
                Excerpt = excerpt,
                Reactions = new ReactionCounts { Like = likes },
                ReactionsTotal = new ReactionCounts { Like = likes },
                Comments = likes / 10,
                CommentsTotal = likes / 10,
                Shares = likes / 20,
                SharesTotal = likes / 20,
                New = true,
            },
        ],
    };

    /// <summary>Replaces the app's table client with one that counts every request it sends to storage.</summary>
    public static Action<IServiceCollection> CountTableRequests(StorageRequestCounter counter) => services =>
        services.AddSingleton(sp =>
        {
            var options = new TableClientOptions();
            options.AddPolicy(counter, HttpPipelinePosition.PerRetry);
            return new TableServiceClient(sp.GetRequiredService<IConfiguration>()["AzureWebJobsStorage"], options);
        });
}

/// <summary>Counts the HTTP requests a storage client sends (every try, so retries count too).</summary>
internal sealed class StorageRequestCounter : HttpPipelineSynchronousPolicy
{
    public ConcurrentQueue<string> Requests { get; } = new();

    public int Count => Requests.Count;

    public void Reset() => Requests.Clear();

    public override void OnSendingRequest(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Requests.Enqueue(message.Request.Method + " " + message.Request.Uri.Path + Uri.UnescapeDataString(message.Request.Uri.Query));
    }
}
