// The one place that builds Azure clients: credential, ARM endpoint, trusted CA, retry and user agent
// all come from app settings here, so product code never knows whether it talks to Azure or to the
// sandbox. Only configuration differs.
import { readFileSync } from "node:fs";
import type { TokenCredential } from "@azure/core-auth";
import { ManagedIdentityCredential } from "@azure/identity";
import { ComputeManagementClient } from "@azure/arm-compute";
import { ImageBuilderClient } from "@azure/arm-imagebuilder";
import { ResourceManagementClient } from "@azure/arm-resources";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { FeatureClient } from "@azure/arm-features";
import { NetworkManagementClient } from "@azure/arm-network";

export const USER_AGENT_PREFIX = "aib-image-factory/0.1.0";

export interface AzureSettings {
  /** ARM endpoint; https://management.azure.com in Azure */
  armEndpoint: string;
  /** PEM file of an extra CA to trust for ARM (the sandbox's); never used to switch verification off */
  caCertPath?: string;
  /** client id of a user-assigned identity of the app, if it uses one */
  managedIdentityClientId?: string;
}

/** Reads the app settings. Managed identity needs IDENTITY_ENDPOINT, so no credential ever falls back to probing IMDS. */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): AzureSettings {
  if (!env.IDENTITY_ENDPOINT || !env.IDENTITY_HEADER) {
    throw new Error(
      "IDENTITY_ENDPOINT and IDENTITY_HEADER are not set: enable a managed identity on the function app (in the sandbox, `npm start` sets them).",
    );
  }
  return {
    armEndpoint: env.ARM_ENDPOINT || "https://management.azure.com",
    caCertPath: env.ARM_CA_CERT_PATH || undefined,
    managedIdentityClientId: env.AZURE_CLIENT_ID || undefined,
  };
}

export function createCredential(settings: AzureSettings): TokenCredential {
  return settings.managedIdentityClientId
    ? new ManagedIdentityCredential({ clientId: settings.managedIdentityClientId })
    : new ManagedIdentityCredential();
}

export interface AzureClients {
  compute: ComputeManagementClient;
  imageBuilder: ImageBuilderClient;
  resources: ResourceManagementClient;
  authorization: AuthorizationManagementClient;
  msi: ManagedServiceIdentityClient;
  features: FeatureClient;
  network: NetworkManagementClient;
}

/** Options shared by every client. Both SDK generations accept them (the classic ones as ServiceClientOptions). */
function clientOptions(settings: AzureSettings) {
  const scope = "https://management.azure.com/.default";
  return {
    endpoint: settings.armEndpoint,
    // Classic clients would otherwise ask for a token for `<endpoint>/.default`.
    credentialScopes: [scope],
    credentials: { scopes: [scope] },
    tlsOptions: settings.caCertPath ? { ca: readFileSync(settings.caCertPath, "utf8") } : undefined,
    retryOptions: { maxRetries: 4, retryDelayInMs: 800, maxRetryDelayInMs: 30_000 },
    userAgentOptions: { userAgentPrefix: USER_AGENT_PREFIX },
  };
}

export function createClients(
  subscriptionId: string,
  settings: AzureSettings = settingsFromEnv(),
  credential: TokenCredential = createCredential(settings),
): AzureClients {
  const options = clientOptions(settings);
  return {
    compute: new ComputeManagementClient(credential, subscriptionId, options),
    imageBuilder: new ImageBuilderClient(credential, subscriptionId, options),
    resources: new ResourceManagementClient(credential, subscriptionId, options),
    authorization: new AuthorizationManagementClient(credential, subscriptionId, options),
    msi: new ManagedServiceIdentityClient(credential, subscriptionId, options),
    features: new FeatureClient(credential, subscriptionId, options),
    network: new NetworkManagementClient(credential, subscriptionId, options),
  };
}
