using Listening.Cli;

namespace Listening.IntegrationTests.Infrastructure;

/// <summary>
/// One Azurite per test run (started by the tests, in memory, on free ports); every test uses its own tables
/// and queues, so tests run in parallel against it.
/// </summary>
public static class SharedAzurite
{
    private static readonly Lazy<Task<AzuriteProcess>> Instance = new(async () =>
    {
        var azurite = await AzuriteProcess.StartAsync(CancellationToken.None);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => azurite.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return azurite;
    });

    public static Task<AzuriteProcess> GetAsync() => Instance.Value;
}
