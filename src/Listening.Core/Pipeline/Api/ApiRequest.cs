using Microsoft.Extensions.Primitives;

namespace Listening.Core.Pipeline.Api;

/// <summary>
/// What an HTTP route needs from a request, free of any host: route values, query values and headers, each by
/// name (case-insensitive for headers, as HTTP says). The Functions app and <c>listening serve</c> each fill it from
/// their own ASP.NET Core request (README, "Trying it locally").
/// </summary>
public sealed class ApiRequest(
    IReadOnlyDictionary<string, string?> routeValues,
    Func<string, string?> query,
    Func<string, string?> header)
{
    /// <summary>
    /// From an ASP.NET Core request's parts (<c>HttpRequest.Query</c>, <c>HttpRequest.Headers</c>), as both hosts pass
    /// them: the first value of a query parameter, a header's values joined with commas (as HTTP joins repeated headers).
    /// </summary>
    public static ApiRequest From(
        IReadOnlyDictionary<string, string?> routeValues,
        IEnumerable<KeyValuePair<string, StringValues>> query,
        IEnumerable<KeyValuePair<string, StringValues>> headers)
    {
        var queries = new Dictionary<string, StringValues>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in query)
        {
            queries[name] = values;
        }

        var fields = new Dictionary<string, StringValues>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in headers)
        {
            fields[name] = values;
        }

        return new ApiRequest(
            routeValues,
            name => queries.TryGetValue(name, out var values) ? values.FirstOrDefault() : null,
            name => fields.TryGetValue(name, out var values) && values.Count > 0 ? values.ToString() : null);
    }

    public string? Route(string name) => routeValues.TryGetValue(name, out var value) ? value : null;

    public string? Query(string name) => query(name);

    public string? Header(string name) => header(name);
}

/// <summary>An answer ready for the wire: status, content type, body and every header, in the order they are set.</summary>
public sealed record ApiResponse(int Status, string ContentType, byte[] Body, IReadOnlyList<KeyValuePair<string, string>> Headers);
