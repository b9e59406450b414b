using Listening.Core.Pipeline;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Listening.Functions;

/// <summary>Program.cs and the integration tests compose the app here, so what is tested is what runs.</summary>
public static class FunctionsComposition
{
    public static IHostApplicationBuilder AddListeningFunctions(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddListening();
        builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults();

        // The worker tells the host it exports its own logs (UseFunctionsWorkerDefaults), so the host shows none of
        // the app's lines: they go to Application Insights through OpenTelemetry (AddListening) and, on a developer's
        // machine (func start sets AZURE_FUNCTIONS_ENVIRONMENT=Development), to the console, masked like every log.
        if (builder.Environment.IsDevelopment())
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        }

        builder.Services.AddTransient<SchedulePulls>();
        builder.Services.AddTransient<PullPage>();
        builder.Services.AddTransient<AggregateSnapshot>();
        builder.Services.AddTransient<DailyDigest>();
        builder.Services.AddTransient<SendNotification>();
        builder.Services.AddTransient<GetDailySummary>();
        builder.Services.AddTransient<GetPeriodSummary>();
        builder.Services.AddTransient<GetInsights>();
        builder.Services.AddTransient<Health>();
        builder.Services.AddTransient<Retention>();
        builder.Services.AddTransient<MetaWebhook>();
        builder.Services.AddTransient<TriageComments>();
        return builder;
    }
}
