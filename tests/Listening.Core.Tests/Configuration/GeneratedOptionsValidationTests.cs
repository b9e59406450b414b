using Listening.Core.Pipeline;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using Listening.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Listening.Core.Tests.Configuration;

/// <summary>
/// Each key's own limits live once, as attributes on the options, checked by the generated validator that the
/// composition root registers: these tests go through <c>AddListening</c>, as the Functions app and the CLI do.
/// </summary>
public sealed class GeneratedOptionsValidationTests
{
    /// <summary>Every failure start-up reports for these settings (the validators the composition root registers).</summary>
    internal static List<string> StartUpFailures(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" })
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        using var provider = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddListening(configuration).BuildServiceProvider();
        try
        {
            _ = provider.GetRequiredService<IOptions<ListeningOptions>>().Value;
            return [];
        }
        catch (OptionsValidationException ex)
        {
            return [.. ex.Failures];
        }
    }

    /// <summary>Every <c>[Range]</c> in the tree the generated validator follows, with its configuration key.</summary>
    public static TheoryData<string, string, string> Ranges()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (key, range) in RangesUnder(typeof(ListeningOptions), ListeningOptions.SectionName))
        {
            data.Add(key, Text(range.Minimum), Text(range.Maximum));
        }

        return data;
    }

    private static IEnumerable<(string Key, RangeAttribute Range)> RangesUnder(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var key = prefix + ":" + property.Name;
            if (property.GetCustomAttribute<RangeAttribute>() is { } range)
            {
                yield return (key, range);
            }

            if (property.GetCustomAttribute<ValidateObjectMembersAttribute>() is not null)
            {
                foreach (var nested in RangesUnder(property.PropertyType, key))
                {
                    yield return nested;
                }
            }
        }
    }

    private static string Text(object bound) => Convert.ToString(bound, CultureInfo.InvariantCulture)!;

    private static string Beyond(string bound, int direction) =>
        bound.Contains('.', StringComparison.Ordinal)
            ? (double.Parse(bound, CultureInfo.InvariantCulture) + (0.05 * direction)).ToString(CultureInfo.InvariantCulture)
            : (long.Parse(bound, CultureInfo.InvariantCulture) + direction).ToString(CultureInfo.InvariantCulture);

    [Fact]
    public void The_tree_carries_the_limits_of_every_tunable_number()
    {
        // 33 numeric keys: DigestHour and both retentions, Facebook 6, Teams 3, Alerts 14 (TakeOff:MinReach and ReachWindowHours, issue 13),
        // Insights:MinPostsPerCell (issue 15), PageRegistry:TokenCacheMinutes (issue 16), Comments 4 (issue 18), Demo:HistoryDays (issue 15).
        Assert.Equal(33, Ranges().Count);
    }

    [Theory]
    [MemberData(nameof(Ranges))]
    public void Each_limit_fires_once_at_start_up_naming_the_key_and_passes_its_bounds(string key, string minimum, string maximum)
    {
        foreach (var bad in new[] { Beyond(minimum, -1), Beyond(maximum, +1) })
        {
            // Exactly one message: the attribute is the single source, no hand-written copy repeats it.
            var failure = Assert.Single(StartUpFailures((key, bad)));
            Assert.StartsWith(key + " must be", failure, StringComparison.Ordinal);
            Assert.DoesNotContain("ListeningOptions", failure, StringComparison.Ordinal);
        }

        Assert.Empty(StartUpFailures((key, minimum)));
        Assert.Empty(StartUpFailures((key, maximum)));
    }

    [Fact]
    public void A_page_limit_of_zero_names_the_key_and_the_range()
    {
        var failure = Assert.Single(StartUpFailures(("Listening:Facebook:MaxPostPagesPerCycle", "0")));

        Assert.Equal("Listening:Facebook:MaxPostPagesPerCycle must be from 1 to 1000 pages of 100 posts (20 read 2,000 posts).", failure);
    }

    [Fact]
    public void A_demo_history_longer_than_the_script_names_the_key_and_the_range()
    {
        var failure = Assert.Single(StartUpFailures(("Listening:Demo:HistoryDays", "61")));

        Assert.Equal("Listening:Demo:HistoryDays must be from 0 to 60 days.", failure);
    }

    [Fact]
    public void A_digest_hour_of_25_names_the_key_and_the_range()
    {
        var failure = Assert.Single(StartUpFailures(("Listening:DigestHour", "25")));

        Assert.Equal("Listening:DigestHour must be a whole hour from 0 to 23.", failure);
    }

    [Fact]
    public void Several_bad_keys_are_all_reported_nested_ones_included()
    {
        var failures = StartUpFailures(
            ("Listening:DigestHour", "-1"),
            ("Listening:Alerts:Crisis:ThresholdFactor", "2"),
            ("Listening:Teams:MaxAttempts", "21"),
            ("Listening:Facebook:ApiVersion", "24"),
            ("PullsQueue", "Pulls_Queue"),
            ("Listening:Tables:Prefix", "1abc"));

        // In the order of the tree: root keys, then Facebook, Teams, Alerts, queues and tables.
        Assert.Equal(
            [
                "Listening:DigestHour must be a whole hour from 0 to 23.",
                "Listening:Facebook:ApiVersion must look like v24.0.",
                "Listening:Teams:MaxAttempts must be from 1 to 20 tries.",
                "Listening:Alerts:Crisis:ThresholdFactor must be from 0.1 to 1.",
                "PullsQueue is not a valid queue name: use 3-56 lowercase letters, digits and single hyphens (room for the -poison suffix).",
                "Listening:Tables:Prefix must be letters and digits, starting with a letter, at most 21 characters (or empty).",
            ],
            failures);
    }

    [Theory]
    [InlineData("Listening:TimeZone", "Listening:TimeZone is empty: use an IANA time zone name like Europe/Berlin.")]
    [InlineData("Listening:Facebook:GraphBaseUrl", "Listening:Facebook:GraphBaseUrl is empty: use https://graph.facebook.com.")]
    [InlineData("Listening:Facebook:ApiVersion", "Listening:Facebook:ApiVersion is empty: use a Graph API version like v24.0.")]
    [InlineData("SnapshotsQueue", "SnapshotsQueue is empty: use 3-56 lowercase letters, digits and single hyphens (room for the -poison suffix).")]
    public void An_empty_required_key_is_reported_once(string key, string message)
    {
        Assert.Equal([message], StartUpFailures((key, "")));
        Assert.Equal([message], StartUpFailures((key, " ")));
    }

    [Fact]
    public void A_queue_name_too_long_for_its_poison_queue_is_refused()
    {
        Assert.Empty(StartUpFailures(("NotificationsQueue", new string('q', 56))));
        Assert.StartsWith("NotificationsQueue is not a valid queue name", Assert.Single(StartUpFailures(("NotificationsQueue", new string('q', 57)))), StringComparison.Ordinal);
    }
}
