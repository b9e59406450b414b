using Azure.Identity;
using Azure.Storage.Queues;
using Listening.Core.Aggregation;
using Listening.Core.Configuration;
using Listening.Core.Meta;
using Listening.Core.Ingestion;
using Listening.Core.Notifications;
using Listening.Core.Meta.Sample;
using Listening.Core.Storage;
using Listening.Core.Summaries;
using Listening.Core.Telemetry;
using Azure.Monitor.OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Listening.Core.Notifications.Teams;

namespace Listening.Core.Pipeline;

/// <summary>The one composition root: the Functions app, the CLI and the integration tests all call it.</summary>
public static class ListeningServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddListening(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddListening(builder.Configuration);
        return builder;
    }

    public static IServiceCollection AddListening(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ListeningOptions>()
            .Bind(configuration.GetSection(ListeningOptions.SectionName))
            .PostConfigure(options => FlatSettings.Apply(configuration, options))
            .ValidateOnStart();
        // Each key's own limits (attributes, generated validator) first, then the checks that parse or compare keys.
        services.AddSingleton<IValidateOptions<ListeningOptions>, ListeningOptionsAttributeValidator>();
        services.AddSingleton<IValidateOptions<ListeningOptions>, ListeningOptionsValidator>();
        services.AddSingleton<IValidateOptions<ListeningOptions>, TopicRulesValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => new SecretMasker(configuration));
        MaskingLoggerFactory.Register(services);
        services.AddSingleton(sp => new LocalCalendar(sp.GetRequiredService<IOptions<ListeningOptions>>().Value.TimeZone));

        // The tables, their stores and the storage credential (which the queue clients below share).
        services.AddListeningStorage(configuration);
        services.AddAzureClients(clients =>
        {
            clients.AddClient<QueueServiceClient, QueueClientOptions>((clientOptions, credential, _) =>
            {
                // The queue trigger expects base64; the SDK sends plain text unless told.
                clientOptions.MessageEncoding = QueueMessageEncoding.Base64;
                return StorageClients.Queues(configuration, clientOptions, credential);
            });
            // Poison queues are read as they are: the host also parks messages that are not base64.
            clients.AddClient<QueueServiceClient, QueueClientOptions>((clientOptions, credential, _) =>
                StorageClients.Queues(configuration, clientOptions, credential)).WithName(Pipeline.PoisonQueues.RawClientName);
        });

        // Graph: transient faults retried by the resilience handler (GraphResilience says which); throttling and
        // long back-offs are the puller's business (Page state "resume after"), never a sleep inside a function.
        services.AddTransient<GraphTelemetryHandler>();
        services.AddHttpClient<GraphClient>(GraphClient.HttpClientName, (sp, http) =>
                http.Timeout = TimeSpan.FromSeconds((sp.GetRequiredService<IOptions<ListeningOptions>>().Value.Facebook.TimeoutSeconds * (GraphResilience.MaxRetries + 1)) + 60))
            .RemoveAllLoggers() // its Trace logs carry the raw Authorization header in their state; GraphClient logs redacted
            .AddHttpMessageHandler<GraphTelemetryHandler>()
            .AddStandardResilienceHandler()
            .Configure((resilience, sp) => GraphResilience.Configure(resilience, sp.GetRequiredService<IOptions<ListeningOptions>>().Value.Facebook));
        services.AddTransient<GraphRequests>();
        services.AddTransient<PageInsightsReader>();
        services.AddTransient<PostPager>();
        services.AddTransient<InstagramReader>();
        services.AddTransient<GraphPageSource>();
        services.AddTransient<PageCheck>();
        services.AddSingleton<MetaRowsMemory>();
        services.AddTransient<MetaDays>();
        services.AddTransient<InstagramDays>();
        services.AddTransient<Notifications.Alerts.IngestionAlerts>();
        services.AddTransient<PageBackfill>();
        // No retry handler: 429 and 5xx are retried through the queue (NotificationDispatcher), with a backoff
        // that outlives one function run, and a timed-out POST may have arrived, so it is not repeated at once.
        services.AddHttpClient<TeamsWebhookSender>(TeamsWebhookSender.HttpClientName, (sp, http) =>
                http.Timeout = TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<ListeningOptions>>().Value.Teams.TimeoutSeconds))
            .RemoveAllLoggers(); // the default handler logs the request URL, and a webhook URL carries its secret sig=

        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ListeningOptions>>().Value;
            var calendar = sp.GetRequiredService<LocalCalendar>();
            var today = calendar.DateOf(sp.GetRequiredService<TimeProvider>().GetUtcNow());
            return new DemoPage(options.Demo.StartDate ?? today.AddDays(-29), calendar, options.Demo.HistoryDays);
        });
        services.AddTransient<DemoPageSource>();
        services.AddTransient<IPageSource, PageSources>();

        services.AddListeningTelemetry(configuration);
        services.AddSingleton<IQueuePublisher, QueuePublisher>();
        services.AddSingleton(sp => (QueuePublisher)sp.GetRequiredService<IQueuePublisher>());
        services.AddTransient<ObservationReader>();
        services.AddSingleton<DayRowsCache>();
        services.AddSingleton<SummaryInputsMemory>();
        services.AddTransient<SummaryMaterializer>();
        services.AddTransient<SnapshotAggregator>();
        // The Page registry's tokens: Key Vault (managed identity, the storage credential) or the local secret store.
        services.AddSingleton<IPageTokenVault>(sp => PageTokens.Vault(
            sp.GetRequiredService<IOptions<ListeningOptions>>().Value.PageRegistry, StorageClients.Credential(configuration)));
        services.AddSingleton<PageTokens>();
        services.AddSingleton(sp => new PageDirectory(
            sp.GetRequiredService<IOptions<ListeningOptions>>(), sp.GetRequiredService<PageRegistry>(), sp.GetRequiredService<PageTokens>(), sp.GetRequiredService<TimeProvider>()));
        services.AddTransient<PagesInCrisis>(sp =>
        {
            var crisis = sp.GetRequiredService<Notifications.Alerts.CrisisMode>();
            return async (now, cancellationToken) => [.. (await crisis.ActiveAsync(now, cancellationToken)).Select(c => c.RowKey)];
        });
        services.AddTransient<PullScheduler>();
        services.AddTransient<PagePuller>();
        services.AddSingleton<DecodedSummaries>();
        services.AddTransient<SummaryReader>();
        services.AddTransient<DigestCardBuilder>();
        services.AddTransient<DigestScheduler>();
        services.AddTransient<WeeklyDigest>();
        services.AddTransient<NotificationDispatcher>();
        services.AddTransient<TeamsChannels>();
        services.AddTransient<INotificationRetries, NotificationRetries>();
        services.AddTransient<Notifications.Alerts.AlertLog>();
        services.AddTransient<Notifications.Alerts.CrisisMode>();

        // The snapshot alerts run in this order: crisis mode first (its state lowers the others' thresholds), then
        // the rest in the order their alerts have always been raised.
        services.AddTransient<Notifications.Alerts.IAlertDetector, Notifications.Alerts.CrisisDetector>();
        services.AddTransient<Notifications.Alerts.IAlertDetector, Notifications.Alerts.MilestoneDetector>();
        services.AddTransient<Notifications.Alerts.IAlertDetector, Notifications.Alerts.TakeOffDetector>();
        services.AddTransient<Notifications.Alerts.IAlertDetector, Notifications.Alerts.NegativeSurgeDetector>();
        services.AddTransient<Notifications.Alerts.SnapshotAlerts>();
        services.AddTransient<Notifications.Alerts.PipelineWatch>();
        services.AddTransient<Health.HealthReporter>();
        services.AddTransient<SummaryEndpoint>();
        services.AddTransient<Insights.InsightsReader>();
        services.AddTransient<Insights.InsightsEndpoint>();
        services.AddSingleton<Access.SignInGate>();
        services.AddTransient<Api.ListeningApi>();
        services.AddTransient<Pipeline.IPoisonParking, Pipeline.PoisonParking>();
        services.AddTransient<Pipeline.DecodeOrPark>();
        services.AddTransient<Pipeline.PullHandler>();
        services.AddTransient<Pipeline.SnapshotHandler>();
        services.AddTransient<Pipeline.NotificationHandler>();
        services.AddTransient<Pipeline.QueueDrain>();
        services.AddSingleton<TopicRules>();
        services.AddTransient<Pipeline.PoisonQueues>();
        services.AddTransient<SnapshotReplay>();
        services.AddListeningComments();
        return services;
    }
}

internal static class TelemetryRegistration
{
    /// <summary>
    /// Traces, metrics and the app's log records; exported to Azure Monitor (Entra-authenticated) when
    /// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set. The Functions worker tells the host that it exports its
    /// own logs (<c>UseFunctionsWorkerDefaults</c>), so without the log exporter the app's lines would reach no one;
    /// each record carries the trace and span id of the activity it was written in. HTTP spans keep the query
    /// string redacted (the instrumentation's default); <see cref="MaskingActivityProcessor"/> masks configured
    /// secrets in every span and the path of every Teams webhook URL, and log records are masked by
    /// <see cref="MaskingLoggerFactory"/> before any provider sees them.
    /// </summary>
    public static IServiceCollection AddListeningTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
        var credential = AppInsightsCredential(configuration["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
        services.AddOpenTelemetry()
            .WithTracing(tracing =>
            {
                // The masking processor comes first, so it has run when an exporter's processor sees the span.
                tracing.AddSource(ListeningTelemetry.Name).AddHttpClientInstrumentation()
                    .AddProcessor(sp => new MaskingActivityProcessor(sp.GetRequiredService<SecretMasker>()))
                    .AddProcessor(sp => new StorageSpanFilter(
                        ActivatorUtilities.CreateInstance<StorageEndpoints>(sp).All,
                        sp.GetRequiredService<IOptions<ListeningOptions>>().Value.TraceStorageCalls));
                if (!string.IsNullOrWhiteSpace(connectionString))
                {
                    tracing.AddAzureMonitorTraceExporter(o =>
                    {
                        o.ConnectionString = connectionString;
                        o.Credential = credential;
                    });
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(ListeningTelemetry.Name);
                if (!string.IsNullOrWhiteSpace(connectionString))
                {
                    metrics.AddAzureMonitorMetricExporter(o =>
                    {
                        o.ConnectionString = connectionString;
                        o.Credential = credential;
                    });
                }
            })
            .WithLogging(
                logging =>
                {
                    if (!string.IsNullOrWhiteSpace(connectionString))
                    {
                        logging.AddAzureMonitorLogExporter(o =>
                        {
                            o.ConnectionString = connectionString;
                            o.Credential = credential;
                        });
                    }
                },
                options => options.IncludeFormattedMessage = true);

        // The Azure SDK's request-by-request lines are for local debugging, not for Application Insights.
        services.Configure<LoggerFilterOptions>(o => o.AddFilter<OpenTelemetryLoggerProvider>("Azure", LogLevel.Warning));
        return services;
    }

    /// <summary><c>Authorization=AAD;ClientId=...</c> selects the user-assigned identity; without it, local auth.</summary>
    private static ManagedIdentityCredential? AppInsightsCredential(string? authentication)
    {
        if (string.IsNullOrWhiteSpace(authentication) || !authentication.Contains("Authorization=AAD", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var clientId = authentication.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .FirstOrDefault(p => p.Length == 2 && p[0].Trim().Equals("ClientId", StringComparison.OrdinalIgnoreCase))?[1].Trim();
        return new ManagedIdentityCredential(string.IsNullOrWhiteSpace(clientId) ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId));
    }
}
