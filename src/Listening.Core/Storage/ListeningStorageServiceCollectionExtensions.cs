using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;
using Listening.Core.Configuration;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Listening.Core.Storage;

/// <summary>The storage layer's part of the composition root (<c>AddListening</c> calls it).</summary>
public static class ListeningStorageServiceCollectionExtensions
{
    /// <summary>
    /// The table service client from <c>AzureWebJobsStorage</c>, the storage credential (shared with every Azure
    /// client of the app), <see cref="ListeningStorage"/> and the table stores.
    /// </summary>
    public static IServiceCollection AddListeningStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddAzureClients(clients =>
        {
            clients.AddClient<TableServiceClient, TableClientOptions>((clientOptions, credential, _) =>
                StorageClients.Tables(configuration, clientOptions, credential));
            clients.UseCredential(StorageClients.Credential(configuration));
        });

        services.AddSingleton<ListeningStorage>();
        services.AddTransient<RawArchive>();
        services.AddTransient<LegacyTables>();
        services.AddTransient<IObservationStore, ObservationStore>();
        services.AddTransient<ISummaryStore, SummaryStore>();
        services.AddSingleton<SummaryVersions>();
        services.AddTransient<MetaDayStore>();
        services.AddSingleton<PageStateMemory>();
        services.AddTransient<InstagramStore>();
        services.AddTransient<PageStateStore>();
        services.AddTransient<IPageStateStore>(sp => sp.GetRequiredService<PageStateStore>());
        services.AddTransient<IDeliveryLog, DeliveryLog>();
        services.AddTransient<IDigestMarkers, DigestMarkers>();
        services.AddTransient<IAlertHistory, AlertHistory>();
        services.AddTransient<ICrisisStateStore, CrisisStateStore>();
        services.AddTransient<IAlertBaselines, AlertBaselines>();
        services.AddTransient<PoisonLog>();
        services.AddTransient<PageRegistry>();
        services.AddTransient<DataRetention>();
        return services;
    }
}

/// <summary>
/// Storage clients from <c>AzureWebJobsStorage</c>, the setting the Functions host uses too: a connection string
/// (Azurite, development) or <c>__tableServiceUri</c>/<c>__queueServiceUri</c> with a managed identity (Azure).
/// </summary>
internal static class StorageClients
{
    public const string Setting = "AzureWebJobsStorage";

    public static TableServiceClient Tables(IConfiguration configuration, TableClientOptions options, TokenCredential credential)
    {
        var section = configuration.GetSection(Setting);
        return !string.IsNullOrWhiteSpace(section.Value)
            ? new TableServiceClient(section.Value, options)
            : new TableServiceClient(RequiredUri(section, "tableServiceUri"), credential, options);
    }

    public static QueueServiceClient Queues(IConfiguration configuration, QueueClientOptions options, TokenCredential credential)
    {
        var section = configuration.GetSection(Setting);
        return !string.IsNullOrWhiteSpace(section.Value)
            ? new QueueServiceClient(section.Value, options)
            : new QueueServiceClient(RequiredUri(section, "queueServiceUri"), credential, options);
    }

    public static TokenCredential Credential(IConfiguration configuration)
    {
        var section = configuration.GetSection(Setting);
        var clientId = section["clientId"];
        return string.Equals(section["credential"], "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(string.IsNullOrWhiteSpace(clientId) ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential();
    }

    private static Uri RequiredUri(IConfigurationSection section, string key) =>
        Uri.TryCreate(section[key], UriKind.Absolute, out var uri)
            ? uri
            : throw new OptionsValidationException(Setting, typeof(ListeningOptions),
                [$"{Setting} is not set: use UseDevelopmentStorage=true with Azurite, a connection string, or {Setting}__{key} with a managed identity."]);
}
