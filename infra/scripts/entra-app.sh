#!/usr/bin/env bash
# Creates or reuses the Entra ID app registration "listening-<environment>" that App Service authentication
# signs users in with, and stores its client id in the azd environment (LISTENING_AUTH_CLIENT_ID), where
# infra/main.parameters.json picks it up. azd runs this before and after provisioning (azure.yaml); it is
# idempotent and safe to run by hand: `azd env get-values` must work in the current directory.
#
# Once the azd environment knows the deployed app (after the first provision) it also
#   - sets the redirect URI https://<app>.azurewebsites.net/.auth/login/aad/callback, and
#   - adds a federated credential that trusts the app's user-assigned identity, so sign-in needs no client
#     secret (the app setting OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID names that identity).
# Needs the Azure CLI signed in (`az login`) as someone allowed to create app registrations.
set -euo pipefail

for tool in az azd; do
  command -v "$tool" >/dev/null 2>&1 || { echo "entra-app.sh: '$tool' is not installed." >&2; exit 1; }
done

env_value() { azd env get-value "$1" 2>/dev/null || true; }

env_name="${AZURE_ENV_NAME:-$(env_value AZURE_ENV_NAME)}"
if [ -z "$env_name" ]; then
  echo "entra-app.sh: no azd environment; run 'azd env new <name>' first." >&2
  exit 1
fi

# azd hands these to array/object parameters as JSON; unset they would arrive as an invalid empty string.
[ -n "$(env_value LISTENING_PAGES)" ] || azd env set LISTENING_PAGES '[]'
[ -n "$(env_value LISTENING_PAGE_TOKENS)" ] || azd env set LISTENING_PAGE_TOKENS '{}'

display_name="listening-${env_name}"
tenant_id="$(az account show --query tenantId -o tsv)"
graph="$(az cloud show --query endpoints.microsoftGraphResourceId -o tsv)"
graph="${graph%/}"
login="$(az cloud show --query endpoints.activeDirectory -o tsv)"
login="${login%/}"

client_id="$(env_value LISTENING_AUTH_CLIENT_ID)"
if [ -n "$client_id" ] && ! az ad app show --id "$client_id" --query appId -o tsv >/dev/null 2>&1; then
  echo "LISTENING_AUTH_CLIENT_ID=$client_id is no app registration in tenant $tenant_id; looking up $display_name." >&2
  client_id=""
fi
if [ -z "$client_id" ]; then
  client_id="$(az ad app list --display-name "$display_name" --query '[0].appId' -o tsv)"
fi
if [ -z "$client_id" ]; then
  echo "Creating app registration $display_name"
  client_id="$(az ad app create --display-name "$display_name" --sign-in-audience AzureADMyOrg --query appId -o tsv)"
else
  echo "Using app registration $display_name ($client_id)"
fi
object_id="$(az ad app show --id "$client_id" --query id -o tsv)"

# Users sign in through the enterprise application (service principal) of the registration.
az ad sp show --id "$client_id" >/dev/null 2>&1 || az ad sp create --id "$client_id" >/dev/null

# api://<client id> is the audience machine clients ask tokens for; v2 tokens match the v2.0 issuer the app
# validates; group ids in tokens let the optional allowed-group check work.
app_url="$(env_value AZURE_FUNCTION_APP_URL)"
web=""
if [ -n "$app_url" ]; then
  web=",\"web\":{\"redirectUris\":[\"${app_url%/}/.auth/login/aad/callback\"],\"implicitGrantSettings\":{\"enableIdTokenIssuance\":false,\"enableAccessTokenIssuance\":false}}"
fi
body="{\"identifierUris\":[\"api://${client_id}\"],\"groupMembershipClaims\":\"SecurityGroup\",\"api\":{\"requestedAccessTokenVersion\":2}${web}}"
az rest --method PATCH --uri "${graph}/v1.0/applications/${object_id}" \
  --headers 'Content-Type=application/json' --body "$body" >/dev/null

principal_id="$(env_value AZURE_IDENTITY_PRINCIPAL_ID)"
if [ -n "$principal_id" ]; then
  credential="listening-app-identity"
  subject="$(az ad app federated-credential list --id "$client_id" --query "[?name=='${credential}'].subject | [0]" -o tsv)"
  if [ "$subject" != "$principal_id" ]; then
    if [ -n "$subject" ]; then
      az ad app federated-credential delete --id "$client_id" --federated-credential-id "$credential"
    fi
    az ad app federated-credential create --id "$client_id" --parameters "{
      \"name\": \"${credential}\",
      \"issuer\": \"${login}/${tenant_id}/v2.0\",
      \"subject\": \"${principal_id}\",
      \"audiences\": [\"api://AzureADTokenExchange\"],
      \"description\": \"The function app's user-assigned identity signs users in instead of a client secret.\"
    }" >/dev/null
    echo "Trusted the app's managed identity ($principal_id) as credential of $display_name"
  fi
  echo "Redirect URI: ${app_url%/}/.auth/login/aad/callback"
else
  echo "Redirect URI and federated credential follow after the first provision (postprovision hook)."
fi

azd env set LISTENING_AUTH_CLIENT_ID "$client_id"
