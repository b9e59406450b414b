namespace Listening.Infrastructure.Tests;

[Collection(CompiledInfrastructureGroup.Name)]
public sealed class HostingTests(CompiledInfrastructure infra)
{
    [Fact]
    public void Main_template_deploys_at_subscription_scope_with_a_resource_group()
    {
        Assert.Contains("subscriptionDeploymentTemplate.json", ArmTemplate.Text(infra.Main.Root["$schema"]), StringComparison.Ordinal);
        Assert.Single(infra.Main.ResourcesOfType("Microsoft.Resources/resourceGroups"));
        Assert.Contains("uniqueString(subscription().id, parameters('environmentName')", ArmTemplate.Text(infra.Main.Variable("resourceToken")), StringComparison.Ordinal);
    }

    [Fact]
    public void Default_location_is_Germany_West_Central()
    {
        Assert.Equal("germanywestcentral", ArmTemplate.Text(infra.Main.Parameter("location")["defaultValue"]));
    }

    [Fact]
    public void Every_resource_carries_the_azd_environment_tag()
    {
        var tracked = infra.Main.Modules
            .SelectMany(m => m.Template.Resources.Select(r => (Module: m.Name, Resource: r)))
            .Where(x => x.Resource["location"] is not null)
            .ToList();

        Assert.Equal("[parameters('environmentName')]", ArmTemplate.Text(infra.Main.Variable("tags")["azd-env-name"]));
        Assert.NotEmpty(tracked);
        Assert.All(tracked, x => Assert.Equal("[variables('tags')]",
            ArmTemplate.Text(infra.Main.ModuleDeployment(x.Module)["properties"]!["parameters"]!["tags"]!["value"])));
        Assert.All(tracked, x => Assert.Contains("parameters('tags')", ArmTemplate.Text(x.Resource["tags"]), StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_is_Flex_Consumption_on_Linux()
    {
        var plan = infra.FunctionApp.SingleOfType("Microsoft.Web/serverfarms");

        Assert.Equal("FC1", ArmTemplate.Text(plan["sku"]!["name"]));
        Assert.Equal("FlexConsumption", ArmTemplate.Text(plan["sku"]!["tier"]));
        Assert.True(plan["properties"]!["reserved"]!.GetValue<bool>());
    }

    [Fact]
    public void App_runs_dotnet_isolated_10_from_a_blob_container_reached_with_its_identity()
    {
        var site = infra.FunctionApp.SingleOfType("Microsoft.Web/sites");
        var config = site["properties"]!["functionAppConfig"]!;
        var storage = config["deployment"]!["storage"]!;

        Assert.Equal("functionapp,linux", ArmTemplate.Text(site["kind"]));
        Assert.Equal("dotnet-isolated", ArmTemplate.Text(config["runtime"]!["name"]));
        Assert.Equal("10.0", ArmTemplate.Text(config["runtime"]!["version"]));
        Assert.Equal("blobContainer", ArmTemplate.Text(storage["type"]));
        Assert.Equal("UserAssignedIdentity", ArmTemplate.Text(storage["authentication"]!["type"]));
        Assert.Equal("[parameters('identityId')]", ArmTemplate.Text(storage["authentication"]!["userAssignedIdentityResourceId"]));
        Assert.True(site["properties"]!["httpsOnly"]!.GetValue<bool>());
    }

    [Fact]
    public void App_uses_only_its_user_assigned_identity()
    {
        var site = infra.FunctionApp.SingleOfType("Microsoft.Web/sites");

        Assert.Equal("UserAssigned", ArmTemplate.Text(site["identity"]!["type"]));
        Assert.Equal("[parameters('identityId')]", ArmTemplate.Text(site["properties"]!["keyVaultReferenceIdentity"]));
        Assert.Single(infra.Main.Module("identity").ResourcesOfType("Microsoft.ManagedIdentity/userAssignedIdentities"));
    }

    [Fact]
    public void App_is_tagged_for_the_azd_service_in_azure_yaml()
    {
        var azureYaml = File.ReadAllText(Repository.PathOf("azure.yaml"));
        var serviceName = ArmTemplate.Text(infra.Main.ModuleDeployment("function-app")["properties"]!["parameters"]!["serviceName"]!["value"]);
        var site = infra.FunctionApp.SingleOfType("Microsoft.Web/sites");

        Assert.Contains($"\n  {serviceName}:\n    project: ./src/Listening.Functions\n", azureYaml, StringComparison.Ordinal);
        Assert.Contains("host: function", azureYaml, StringComparison.Ordinal);
        Assert.Contains("'azd-service-name'", ArmTemplate.Text(site["tags"]), StringComparison.Ordinal);
    }
}
