namespace Listening.Infrastructure.Tests;

[Collection(CompiledInfrastructureGroup.Name)]
public sealed class MonitoringTests(CompiledInfrastructure infra)
{
    [Fact]
    public void Application_Insights_accepts_only_Entra_authenticated_telemetry()
    {
        var component = infra.Monitoring.SingleOfType("Microsoft.Insights/components")["properties"]!;
        var workspace = infra.Monitoring.SingleOfType("Microsoft.OperationalInsights/workspaces")["properties"]!;

        Assert.True(component["DisableLocalAuth"]!.GetValue<bool>());
        Assert.NotNull(component["WorkspaceResourceId"]);
        Assert.True(workspace["features"]!["disableLocalAuth"]!.GetValue<bool>());
    }

    [Fact]
    public void App_sends_telemetry_with_its_managed_identity()
    {
        var settings = infra.FunctionApp.Variable("appSettings");

        Assert.Equal("[format('ClientId={0};Authorization=AAD', parameters('identityClientId'))]", ArmTemplate.Text(settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]));
        Assert.Equal("[parameters('applicationInsightsConnectionString')]", ArmTemplate.Text(settings["APPLICATIONINSIGHTS_CONNECTION_STRING"]));
    }
}
