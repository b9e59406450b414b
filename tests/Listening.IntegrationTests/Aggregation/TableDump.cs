using System.Globalization;
using Azure.Data.Tables;
using Listening.IntegrationTests.Infrastructure;
using Listening.Core.Storage;

namespace Listening.IntegrationTests.Aggregation;

/// <summary>
/// Every row of the data model's tables as text, property by property (binary as base64), without the
/// service's own Timestamp and ETag: two dumps are equal exactly when the tables hold the same data.
/// </summary>
internal static class TableDump
{
    public static async Task<IReadOnlyList<string>> OfAsync(TestApp app)
    {
        var tables = app.Tables;
        var lines = new List<string>();
        foreach (var (name, kind) in new[] { ("raw", PageDayKinds.Archive), ("observations", PageDayKinds.Observation), ("summaries", PageDayKinds.Summary) })
        {
            lines.AddRange(await RowsAsync(name, tables.PageDays, kind));
        }

        return lines;
    }

    public static async Task<IReadOnlyList<string>> RowsAsync(string name, TableClient table)
    {
        var rows = await TestApp.RowsAsync(table);
        return [.. rows.OrderBy(r => r.PartitionKey, StringComparer.Ordinal).ThenBy(r => r.RowKey, StringComparer.Ordinal).Select(r => name + " " + Describe(r))];
    }

    /// <summary>The rows of one kind of the <c>pagedays</c> table (<see cref="PageDayKinds"/>).</summary>
    public static async Task<IReadOnlyList<string>> RowsAsync(string name, TableClient table, string kind)
    {
        var rows = await TestApp.RowsAsync(table, kind);
        return [.. rows.OrderBy(r => r.PartitionKey, StringComparer.Ordinal).ThenBy(r => r.RowKey, StringComparer.Ordinal).Select(r => name + " " + Describe(r))];
    }

    private static string Describe(TableEntity row) =>
        $"{row.PartitionKey}/{row.RowKey}: " + string.Join(" | ", row.Keys
            .Where(k => k is not "Timestamp" and not "odata.etag" and not "PartitionKey" and not "RowKey")
            .Order(StringComparer.Ordinal)
            .Select(k => k + "=" + Format(row[k])));

    private static string Format(object? value) => value switch
    {
        null => "null",
        byte[] bytes => Convert.ToBase64String(bytes),
        BinaryData data => Convert.ToBase64String(data.ToArray()),
        DateTimeOffset d => d.ToString("O", CultureInfo.InvariantCulture),
        DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
