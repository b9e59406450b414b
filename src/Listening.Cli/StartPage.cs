using System.Globalization;
using System.Net;
using Listening.Core.Contracts;
using Listening.Core.Summaries;

namespace Listening.Cli;

/// <summary>
/// The start page of <c>listening serve</c> (German, like every page the press office sees): links to yesterday's
/// summary, the report of the last 30 days and health. Dates only, nothing from Facebook or the configuration, and
/// every value HTML-encoded.
/// </summary>
internal static class StartPage
{
    public static string Render(DateOnly today, bool signInRequired, bool localData, bool loopback)
    {
        var yesterday = today.AddDays(-1);
        var from = yesterday.AddDays(-29);
        static string E(string text) => WebUtility.HtmlEncode(text);
        var day = "api/summaries/" + IsoDate.Format(yesterday);
        var report = "api/summaries?from=" + IsoDate.Format(from) + "&to=" + IsoDate.Format(yesterday);
        var data = localData
            ? "Die Daten kommen aus dem lokalen Azurite (<code>.listening/azurite</code>), gefüllt von <code>listening demo</code>."
            : "Die Daten kommen aus dem konfigurierten Speicher (<code>AzureWebJobsStorage</code>).";
        var signIn = signInRequired
            ? "Die Anmeldung ist eingeschaltet (<code>Listening:Access:RequireSignIn</code>): ohne die Anmeldung der Function App antworten die Zusammenfassungen mit 401 oder 503."
            : loopback ? "Ohne Anmeldung: dieser Server ist nur auf diesem Rechner erreichbar." : "Ohne Anmeldung.";
        return string.Create(CultureInfo.InvariantCulture, $$"""
            <!DOCTYPE html>
            <html lang="de">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Listening – lokal</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 40rem; padding: 0 1rem; line-height: 1.5; color: #1a1a1a; }
            a { color: #0b4f8a; }
            li { margin: 0.5rem 0; }
            code { font-size: 0.95em; }
            </style>
            </head>
            <body>
            <main>
            <h1>Listening</h1>
            <p>Heute ist der {{E(GermanFormat.Date(today))}}.</p>
            <ul>
            <li><a href="{{E(day)}}">Tageszusammenfassung von gestern ({{E(GermanFormat.Date(yesterday))}})</a></li>
            <li><a href="{{E(report)}}">Bericht der letzten 30 Tage ({{E(GermanFormat.Date(from))}} bis {{E(GermanFormat.Date(yesterday))}})</a></li>
            <li><a href="api/health">Zustand des Abrufs (Health, JSON)</a></li>
            </ul>
            <p>{{data}}</p>
            <p>{{signIn}}</p>
            </main>
            </body>
            </html>

            """);
    }
}
