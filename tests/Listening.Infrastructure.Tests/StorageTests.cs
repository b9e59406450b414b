namespace Listening.Infrastructure.Tests;

[Collection(CompiledInfrastructureGroup.Name)]
public sealed class StorageTests(CompiledInfrastructure infra)
{
    [Fact]
    public void Storage_account_takes_no_shared_keys_old_TLS_or_anonymous_readers()
    {
        var account = infra.Storage.SingleOfType("Microsoft.Storage/storageAccounts")["properties"]!;

        Assert.False(account["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.Equal("TLS1_2", ArmTemplate.Text(account["minimumTlsVersion"]));
        Assert.False(account["allowBlobPublicAccess"]!.GetValue<bool>());
        Assert.True(account["supportsHttpsTrafficOnly"]!.GetValue<bool>());
    }

    [Fact]
    public void Queues_are_the_ones_in_the_sample_settings_each_with_a_poison_queue()
    {
        var sample = Repository.SampleSettings();
        var queueNames = infra.Main.Variable("queueNames");
        var queues = infra.Storage.SingleOfType("Microsoft.Storage/storageAccounts/queueServices/queues");

        foreach (var kind in new[] { "Pulls", "Snapshots", "Notifications", "Comments" })
        {
            Assert.Equal(sample[$"{kind}Queue"], ArmTemplate.Text(queueNames[kind.ToLowerInvariant()]));
        }

        Assert.Contains("format('{0}-poison'", ArmTemplate.Text(queues["name"]), StringComparison.Ordinal);
        Assert.Equal(
            ["[variables('queueNames').pulls]", "[variables('queueNames').snapshots]", "[variables('queueNames').notifications]", "[variables('queueNames').comments]"],
            infra.Main.ModuleDeployment("storage")["properties"]!["parameters"]!["queueNames"]!["value"]!.AsArray().Select(ArmTemplate.Text));
    }

    [Fact]
    public void Tables_are_the_ones_the_code_opens_with_the_configured_prefix()
    {
        var expected = Repository.TableNames();
        var tableNames = ArmTemplate.Text(infra.Main.Variable("tableNames"));

        Assert.True(expected.Count >= 5, "the table names were not found in ListeningTables.cs");
        Assert.All(expected, table => Assert.Contains($"'{table}'", tableNames, StringComparison.Ordinal));
        // Issue 16: one table per installation for the Page days; the old ones are read by the migration only, never created.
        Assert.All(["rawsnapshots", "observations", "summaries", "metainsights"], old => Assert.DoesNotContain($"'{old}'", tableNames, StringComparison.Ordinal));
        Assert.Contains("format('{0}{1}', parameters('tablePrefix')", tableNames, StringComparison.Ordinal);
        Assert.Single(infra.Storage.ResourcesOfType("Microsoft.Storage/storageAccounts/tableServices/tables"));
    }

    [Fact]
    public void Deployment_package_container_is_private()
    {
        var container = infra.Storage.SingleOfType("Microsoft.Storage/storageAccounts/blobServices/containers");

        Assert.Equal("None", ArmTemplate.Text(container["properties"]!["publicAccess"]));
    }
}
