using System.Globalization;
using System.Text.Json.Nodes;

namespace Listening.IntegrationTests.Cli;

/// <summary>
/// One <c>listening demo --days 3</c> (ending yesterday) and one <c>listening serve --port 0</c> on its data, in a
/// folder of their own, shared by the test classes that use it at the same time (<see cref="ServedDemoFixture"/>):
/// the last class to finish stops serve (SIGTERM, so its Azurite stops too) and deletes the folder. A process-exit
/// hook would not do: the test host may be ended before such a hook has stopped a child process.
/// </summary>
public sealed class ServedDemo
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static ServedDemo? _current;
    private static int _users;

    private ServedDemo(string folder, CliProcess.Running serve, Uri url)
    {
        Folder = folder;
        Serve = serve;
        Url = url;
    }

    public string Folder { get; }

    public CliProcess.Running Serve { get; }

    /// <summary>The start page, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Url { get; }

    /// <summary>The connection string of the Azurite serve runs on (from <c>.listening/azurite.json</c>).</summary>
    public string ConnectionString
    {
        get
        {
            var state = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, ".listening", "azurite.json")))!;
            string Port(string name) => state[name]!.GetValue<int>().ToString(CultureInfo.InvariantCulture);
            return "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
                + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
                + $"BlobEndpoint=http://127.0.0.1:{Port("blobPort")}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{Port("queuePort")}/devstoreaccount1;"
                + $"TableEndpoint=http://127.0.0.1:{Port("tablePort")}/devstoreaccount1;";
        }
    }

    public static async Task<ServedDemo> AcquireAsync()
    {
        await Gate.WaitAsync();
        try
        {
            _current ??= await StartAsync();
            _users++;
            return _current;
        }
        finally
        {
            Gate.Release();
        }
    }

    public static async Task ReleaseAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (--_users > 0 || _current is null)
            {
                return;
            }

            await _current.Serve.DisposeAsync();
            Directory.Delete(_current.Folder, recursive: true);
            _current = null;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<ServedDemo> StartAsync()
    {
        var folder = Directory.CreateTempSubdirectory("listening-served-").FullName;
        var none = new Dictionary<string, string?>();
        var demo = await CliProcess.RunInAsync(folder, none, "demo", "--days", "3", "--out", "out");
        if (demo.Exit != 0)
        {
            throw new InvalidOperationException("listening demo failed:\n" + demo.Output + demo.Error);
        }

        var serve = CliProcess.Start(folder, none, "serve", "--port", "0");
        var match = await serve.WaitForAsync(@"Listening serves (http://127\.0\.0\.1:\d+/) ");
        return new ServedDemo(folder, serve, new Uri(match.Groups[1].Value));
    }
}

/// <summary>A test class's hold on the <see cref="ServedDemo"/>, for as long as its tests run.</summary>
public sealed class ServedDemoFixture : IAsyncLifetime
{
    public ServedDemo Served { get; private set; } = null!;

    public async Task InitializeAsync() => Served = await ServedDemo.AcquireAsync();

    public Task DisposeAsync() => ServedDemo.ReleaseAsync();
}
