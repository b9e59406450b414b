// Key Vault (RBAC, no access policies) holding every secret the app uses. A secret is written only when a value
// is passed in, so a provision without values leaves the secrets already in the vault alone.
import { facebookAppSecretName, pageTokenSecretName, teamsWebhookSecretName, webhookVerifyTokenSecretName } from 'secret-names.bicep'

@description('Name of the Key Vault (3-24 letters, digits and hyphens).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region of the Key Vault.')
param location string

@description('Tags for the Key Vault.')
param tags { *: string }

@description('Ids of the Facebook Pages the app watches.')
param pageIds string[]

@description('Long-lived Page access tokens by Page id, e.g. {"123456789012345": "EAAB..."}.')
@secure()
param pageTokens { *: string }

@description('The Meta app secret; empty to leave the stored one (if any) unchanged.')
@secure()
param facebookAppSecret string

@description('The Teams Workflows webhook URL; empty to leave the stored one (if any) unchanged.')
@secure()
param teamsWebhookUrl string

@description('The verify token of the comments webhook; empty to leave the stored one (if any) unchanged.')
@secure()
param webhookVerifyToken string

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource pageTokenSecrets 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = [
  for pageId in pageIds: if (!empty(pageTokens[?pageId] ?? '')) {
    parent: vault
    name: pageTokenSecretName(pageId)
    properties: {
      value: pageTokens[?pageId] ?? ''
      contentType: 'Facebook Page access token'
    }
  }
]

resource appSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(facebookAppSecret)) {
  parent: vault
  name: facebookAppSecretName
  properties: {
    value: facebookAppSecret
    contentType: 'Meta app secret'
  }
}

resource verifyToken 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(webhookVerifyToken)) {
  parent: vault
  name: webhookVerifyTokenSecretName
  properties: {
    value: webhookVerifyToken
    contentType: 'Meta webhook verify token'
  }
}

resource teamsWebhook 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(teamsWebhookUrl)) {
  parent: vault
  name: teamsWebhookSecretName
  properties: {
    value: teamsWebhookUrl
    contentType: 'Teams Workflows webhook URL'
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
