// The one place that builds Azure clients: credential, ARM endpoint, trusted CA, retry and user agent
// all come from app settings here, so product code never knows whether it talks to Azure or to the
// sandbox. Only configuration differs.
import { readFileSync } from "node:fs";
//
// The SDK packages are required when a client is first used, not when the app loads: importing all of
// them took three quarters of the app's start (bench: load time), and most invocations (HTTP status,
// orchestrator episodes) never touch a client. Only types are imported statically.
/* eslint-disable @typescript-eslint/no-require-imports -- lazy loading needs a synchronous require */
import type { TokenCredential } from "@azure/core-auth";
import type { ComputeManagementClient } from "@azure/arm-compute";
import type { ImageBuilderClient } from "@azure/arm-imagebuilder";
import type { ResourceManagementClient } from "@azure/arm-resources";
import type { AuthorizationManagementClient } from "@azure/arm-authorization";
import type { ManagedServiceIdentityClient } from "@azure/arm-msi";
import type { FeatureClient } from "@azure/arm-features";
import type { NetworkManagementClient } from "@azure/arm-network";

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
  const { ManagedIdentityCredential } = require("@azure/identity") as typeof import("@azure/identity");
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

type ClientOptions = ReturnType<typeof clientOptions>;
type ClientClass<T> = new (credential: TokenCredential, subscriptionId: string, options: ClientOptions) => T;

/** How each client's package is loaded: its `require` runs on the first access to that client. */
const CLIENT_CLASSES: { [K in keyof AzureClients]: () => ClientClass<AzureClients[K]> } = {
  compute: () => (require("@azure/arm-compute") as typeof import("@azure/arm-compute")).ComputeManagementClient,
  imageBuilder: () => (require("@azure/arm-imagebuilder") as typeof import("@azure/arm-imagebuilder")).ImageBuilderClient,
  resources: () => (require("@azure/arm-resources") as typeof import("@azure/arm-resources")).ResourceManagementClient,
  authorization: () => (require("@azure/arm-authorization") as typeof import("@azure/arm-authorization")).AuthorizationManagementClient,
  msi: () => (require("@azure/arm-msi") as typeof import("@azure/arm-msi")).ManagedServiceIdentityClient,
  features: () => (require("@azure/arm-features") as typeof import("@azure/arm-features")).FeatureClient,
  network: () => (require("@azure/arm-network") as typeof import("@azure/arm-network")).NetworkManagementClient,
};

/** The clients of one subscription, each built (and its package loaded) on first access, then kept. */
export function createClients(
  subscriptionId: string,
  settings: AzureSettings = settingsFromEnv(),
  credential?: TokenCredential,
): AzureClients {
  const options = clientOptions(settings);
  let sharedCredential = credential;
  const built: Partial<AzureClients> = {};
  const clients = {} as AzureClients;
  for (const key of Object.keys(CLIENT_CLASSES) as (keyof AzureClients)[]) {
    Object.defineProperty(clients, key, {
      enumerable: true,
      get() {
        if (!built[key]) {
          sharedCredential ??= createCredential(settings);
          const Client = CLIENT_CLASSES[key]() as ClientClass<AzureClients[typeof key]>;
          (built as Record<string, unknown>)[key] = new Client(sharedCredential, subscriptionId, options);
        }
        return built[key];
      },
    });
  }
  return clients;
}
