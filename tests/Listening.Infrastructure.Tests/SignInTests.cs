using System.Text.Json.Nodes;

namespace Listening.Infrastructure.Tests;

[Collection(CompiledInfrastructureGroup.Name)]
public sealed class SignInTests(CompiledInfrastructure infra)
{
    private JsonNode Auth => Assert.Single(
        infra.FunctionApp.ResourcesOfType("Microsoft.Web/sites/config"),
        c => ArmTemplate.Text(c["name"])?.Contains("'authsettingsV2'", StringComparison.Ordinal) == true)["properties"]!;

    [Fact]
    public void Sign_in_is_required_except_for_the_health_endpoint_and_the_meta_webhook()
    {
        var validation = Auth["globalValidation"]!;

        Assert.True(Auth["platform"]!["enabled"]!.GetValue<bool>());
        Assert.True(validation["requireAuthentication"]!.GetValue<bool>());
        Assert.Equal(["/api/health", "/api/webhooks/meta"], validation["excludedPaths"]!.AsArray().Select(ArmTemplate.Text));
        Assert.True(Auth["httpSettings"]!["requireHttps"]!.GetValue<bool>());
    }

    [Fact]
    public void Browsers_are_sent_to_sign_in_unless_the_operator_chooses_401()
    {
        var action = infra.Main.Parameter("unauthenticatedClientAction");

        Assert.Equal("[parameters('unauthenticatedClientAction')]", ArmTemplate.Text(Auth["globalValidation"]!["unauthenticatedClientAction"]));
        Assert.Equal("RedirectToLoginPage", ArmTemplate.Text(action["defaultValue"]));
        Assert.Equal(["RedirectToLoginPage", "Return401"], action["allowedValues"]!.AsArray().Select(ArmTemplate.Text));
    }

    [Fact]
    public void Microsoft_identity_platform_of_this_tenant_signs_users_in_without_a_client_secret()
    {
        var provider = Auth["identityProviders"]!["azureActiveDirectory"]!;
        var registration = provider["registration"]!;
        var settings = infra.FunctionApp.Variable("appSettings");

        Assert.True(provider["enabled"]!.GetValue<bool>());
        Assert.Equal("[parameters('authClientId')]", ArmTemplate.Text(registration["clientId"]));
        Assert.Equal("[format('{0}{1}/v2.0', environment().authentication.loginEndpoint, tenant().tenantId)]", ArmTemplate.Text(registration["openIdIssuer"]));
        Assert.Equal("OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID", ArmTemplate.Text(registration["clientSecretSettingName"]));
        Assert.Equal("[parameters('identityClientId')]", ArmTemplate.Text(settings["OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID"]));
        Assert.Equal("[tenant().tenantId]", ArmTemplate.Text(settings["WEBSITE_AUTH_AAD_ALLOWED_TENANTS"]));
        Assert.Contains("[format('api://{0}', parameters('authClientId'))]", provider["validation"]!["allowedAudiences"]!.AsArray().Select(ArmTemplate.Text));
    }

    [Fact]
    public void Access_can_be_limited_to_one_Entra_group()
    {
        var claimChecks = ArmTemplate.Text(Auth["identityProviders"]!["azureActiveDirectory"]!["validation"]!["jwtClaimChecks"]);

        Assert.Equal("[if(empty(parameters('allowedGroupId')), createObject(), createObject('allowedGroups', createArray(parameters('allowedGroupId'))))]", claimChecks);
        Assert.Equal("", ArmTemplate.Text(infra.Main.Parameter("allowedGroupId")["defaultValue"]));
    }

    [Fact]
    public void App_itself_also_requires_sign_in()
    {
        Assert.Equal("true", ArmTemplate.Text(infra.FunctionApp.Variable("appSettings")["Listening__Access__RequireSignIn"]));
    }
}
