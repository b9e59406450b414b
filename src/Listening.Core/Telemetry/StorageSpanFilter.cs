using System.Diagnostics;
using OpenTelemetry;

namespace Listening.Core.Telemetry;

/// <summary>
/// Leaves the app's successful calls to Table and Queue Storage out of the exported spans (unless
/// <c>Listening:TraceStorageCalls</c> is true): a pull cycle makes about 16 of them, and each would be a dependency
/// row in Application Insights. Failed calls stay: a 5xx, a timeout or a refused connection, and any 4xx other
/// than the answers the app expects and handles (404 for a row that is not there, 409 and 412 for a conditional
/// write another writer won). A span left out is only not recorded; its trace and the spans around it stay.
/// </summary>
public sealed class StorageSpanFilter(IEnumerable<Uri> storageEndpoints, bool traceAll) : BaseProcessor<Activity>
{
    private static readonly string[] UrlTags = ["url.full", "http.url"];

    private readonly HashSet<(string Host, int Port)> _endpoints = [.. storageEndpoints.Select(u => (u.Host.ToLowerInvariant(), u.Port))];

    public override void OnEnd(Activity data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (traceAll || data.Kind != ActivityKind.Client || !IsStorageCall(data) || Failed(data))
        {
            return;
        }

        data.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
    }

    private bool IsStorageCall(Activity data)
    {
        foreach (var tag in UrlTags)
        {
            if (data.GetTagItem(tag) is string url && Uri.TryCreate(url, UriKind.Absolute, out var uri))
            {
                return _endpoints.Contains((uri.Host.ToLowerInvariant(), uri.Port));
            }
        }

        return false;
    }

    private static bool Failed(Activity data)
    {
        var status = data.GetTagItem("http.response.status_code") ?? data.GetTagItem("http.status_code");
        var code = status is null ? 0 : Convert.ToInt32(status, System.Globalization.CultureInfo.InvariantCulture);
        return code switch
        {
            0 => data.Status == ActivityStatusCode.Error, // no answer: timeout, refused connection
            404 or 409 or 412 => false,
            _ => code >= 400,
        };
    }
}
