using Listening.Core;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Listening.Functions;

/// <summary>Program.cs and the integration tests compose the app here, so what is tested is what runs.</summary>
public static class FunctionsComposition
{
    public static IHostApplicationBuilder AddListeningFunctions(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddListening();
        builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults();
        builder.Services.AddTransient<SchedulePulls>();
        builder.Services.AddTransient<PullPage>();
        builder.Services.AddTransient<AggregateSnapshot>();
        builder.Services.AddTransient<DailyDigest>();
        builder.Services.AddTransient<SendNotification>();
        builder.Services.AddTransient<GetDailySummary>();
        builder.Services.AddTransient<GetPeriodSummary>();
        builder.Services.AddTransient<Health>();
        builder.Services.AddTransient<Retention>();
        return builder;
    }
}
