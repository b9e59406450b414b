using Listening.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Listening.Core.Configuration;
using Listening.Core.Storage;
using Listening.Functions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Listening.IntegrationTests.Infrastructure;

/// <summary>
/// The Functions app's real composition (<see cref="FunctionsComposition"/>, the one Program.cs uses) on the
/// shared Azurite, with tables and queues of its own and a fake clock.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    private readonly IHost _host;

    private TestApp(IHost host, FakeTimeProvider time, string suffix, FakeLogCollector? logs)
    {
        _host = host;
        Time = time;
        Suffix = suffix;
        Logs = logs;
    }

    public FakeTimeProvider Time { get; }

    public string Suffix { get; }

    public FakeLogCollector? Logs { get; }

    public IServiceProvider Services => _host.Services;

    public ListeningOptions Options => Services.GetRequiredService<IOptions<ListeningOptions>>().Value;

    public ListeningStorage Storage => Services.GetRequiredService<ListeningStorage>();

    /// <summary>The raw tables (internal to Listening.Core, visible to these tests): for damaging and inspecting rows.</summary>
    internal ListeningTables Tables => Storage.Tables;

    /// <param name="now">The fake clock's start.</param>
    /// <param name="settings">Configuration on top of the defaults (storage, own tables and queues, no sign-in); a null value removes a key.</param>
    /// <param name="minimumLogLevel">What the fake log collector records (Trace for the secret-hygiene scan).</param>
    /// <param name="configureServices">Runs after the app's composition, to replace or wrap a service (e.g. count storage requests).</param>
    public static async Task<TestApp> StartAsync(DateTimeOffset now, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null, LogLevel minimumLogLevel = LogLevel.Debug)
    {
        var azurite = await SharedAzurite.GetAsync();
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        var config = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Listening:Tables:Prefix"] = "t" + suffix,
            ["PullsQueue"] = "pulls-" + suffix,
            ["SnapshotsQueue"] = "snapshots-" + suffix,
            ["NotificationsQueue"] = "notifications-" + suffix,
            ["CommentsQueue"] = "comments-" + suffix,
            // Sign-in (on by default) has its own tests (Summaries/SignInTests); elsewhere the summaries are called directly.
            ["Listening:Access:RequireSignIn"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            // Null removes a default, so a test can see what the app does when a key is not set at all.
            if (value is null)
            {
                config.Remove(key);
            }
            else
            {
                config[key] = value;
            }
        }

        if (!config.Keys.Any(k => k.StartsWith("Listening:Pages:", StringComparison.Ordinal)))
        {
            // The Pages of the tests' snapshots are configured (snapshots of other Pages are parked), without a
            // token: the demo Page stays the source of pulls.
            config["Listening:Pages:0:Id"] = "104857600000001";
            config["Listening:Pages:1:Id"] = "104857600000002";
        }

        builder.Configuration.AddInMemoryCollection(config);
        var time = new FakeTimeProvider(now);
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Logging.SetMinimumLevel(minimumLogLevel);
        builder.Services.AddFakeLogging();
        builder.AddListeningFunctions();
        configureServices?.Invoke(builder.Services);
        var host = builder.Build();
        host.Services.GetRequiredService<IStartupValidator>().Validate();
        return new TestApp(host, time, suffix, host.Services.GetService<FakeLogCollector>());
    }

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    public QueueClient Queue(string name) =>
        Services.GetRequiredService<QueueServiceClient>().GetQueueClient(name);

    /// <summary>Delivers every message of a queue to a function, as the host would, and deletes it after success.</summary>
    public async Task<int> DeliverAsync(string queueName, Func<QueueMessage, Task> function)
    {
        var queue = Queue(queueName);
        await queue.CreateIfNotExistsAsync();
        var count = 0;
        while (true)
        {
            QueueMessage[] batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30))).Value;
            if (batch.Length == 0)
            {
                return count;
            }

            foreach (var message in batch)
            {
                await function(message);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                count++;
            }
        }
    }

    public static async Task<IReadOnlyList<TableEntity>> RowsAsync(TableClient table)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>The rows of one kind of the <c>pagedays</c> table (<see cref="PageDayKinds"/>).</summary>
    public static async Task<IReadOnlyList<TableEntity>> RowsAsync(TableClient table, string kind)
    {
        ArgumentNullException.ThrowIfNull(table);
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey ge {kind} and RowKey lt {PageDayKinds.End(kind)}")))
        {
            rows.Add(row);
        }

        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var table in Tables.All)
        {
            await table.DeleteAsync();
        }

        _host.Dispose();
    }
}
