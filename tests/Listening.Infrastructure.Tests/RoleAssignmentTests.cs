using System.Text.Json.Nodes;

namespace Listening.Infrastructure.Tests;

[Collection(CompiledInfrastructureGroup.Name)]
public sealed class RoleAssignmentTests(CompiledInfrastructure infra)
{
    // Built-in role definition ids (the same in every tenant).
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";

    public static TheoryData<string, string> AppRoles => new()
    {
        { StorageBlobDataOwner, "Microsoft.Storage/storageAccounts" },
        { StorageQueueDataContributor, "Microsoft.Storage/storageAccounts" },
        { StorageTableDataContributor, "Microsoft.Storage/storageAccounts" },
        { MonitoringMetricsPublisher, "Microsoft.Insights/components" },
        { KeyVaultSecretsUser, "Microsoft.KeyVault/vaults" },
    };

    [Theory]
    [MemberData(nameof(AppRoles))]
    public void App_identity_holds_the_role_on_its_resource_with_a_deterministic_name(string roleId, string scopeType)
    {
        var roleVariable = RoleVariable(roleId);
        var assignment = Assert.Single(AppAssignments(), a => ArmTemplate.Text(a["properties"]!["roleDefinitionId"]) ==
            $"[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', variables('{roleVariable}'))]");
        var scope = ArmTemplate.Text(assignment["scope"])!;

        Assert.StartsWith($"[resourceId('{scopeType}', ", scope, StringComparison.Ordinal);
        Assert.Equal($"[guid({scope[1..^1]}, parameters('appPrincipalId'), variables('{roleVariable}'))]", ArmTemplate.Text(assignment["name"]));
        Assert.Equal("ServicePrincipal", ArmTemplate.Text(assignment["properties"]!["principalType"]));
    }

    [Fact]
    public void App_identity_holds_no_other_role()
    {
        Assert.Equal(AppRoles.Count, AppAssignments().Count());
    }

    [Fact]
    public void Role_assignments_go_to_the_identity_the_app_runs_as()
    {
        var parameters = infra.Main.ModuleDeployment("rbac")["properties"]!["parameters"]!;

        Assert.Equal("[reference('identity').outputs.principalId.value]", ArmTemplate.Text(parameters["appPrincipalId"]!["value"]));
    }

    private IEnumerable<JsonObject> AppAssignments() =>
        infra.Rbac.ResourcesOfType("Microsoft.Authorization/roleAssignments")
            .Where(a => ArmTemplate.Text(a["properties"]!["principalId"]) == "[parameters('appPrincipalId')]");

    private string RoleVariable(string roleId) =>
        Assert.Single(infra.Rbac.Root["variables"]!.AsObject(), v => ArmTemplate.Text(v.Value) == roleId).Key;
}
