// What every activity shares: one set of Azure clients per subscription (built once per worker, as
// the SDK clients keep connections and tokens), 404 detection and the tags marking our resources.
import { createClients, type AzureClients } from "../azure/clients.js";
import { AzureStepError } from "../azure/errors.js";
import type { ImageScope } from "../builds/scope.js";

const clientsBySubscription = new Map<string, AzureClients>();

export function getClients(subscriptionId: string): AzureClients {
  let clients = clientsBySubscription.get(subscriptionId);
  if (!clients) {
    clients = createClients(subscriptionId);
    clientsBySubscription.set(subscriptionId, clients);
  }
  return clients;
}

/** Duck-typed, not `instanceof RestError`: the SDKs load different copies of core (dual-package hazard). */
export function isNotFound(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { statusCode?: unknown }).statusCode === 404;
}

/** The resource, or undefined when Azure answers 404. */
export async function getOrUndefined<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export function resourceGroupId(scope: Pick<ImageScope, "subscriptionId" | "resourceGroup">): string {
  return `/subscriptions/${scope.subscriptionId}/resourceGroups/${scope.resourceGroup}`;
}

/** Tags marking what this app created, so cleanup deletes only its own resource groups. */
export const CREATED_BY_TAG = "createdBy";
export const CREATED_BY_VALUE = "aib-image-factory";
export { IMAGE_TAG } from "../images/template.js";

/** A step's own verdict (not Azure's), e.g. a name clash: never retried, reported like Azure errors. */
export function refusal(code: string, message: string, hint: string): AzureStepError {
  return new AzureStepError({ kind: "permanent", code, message, hint });
}

export interface ImageVersionRef {
  subscriptionId: string;
  resourceGroup: string;
  gallery: string;
  imageDefinition: string;
  version: string;
}

const IMAGE_VERSION_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/galleries\/([^/]+)\/images\/([^/]+)\/versions\/([^/]+)$/i;

/** Splits a gallery image version's resource id (a run output's artifactId) into its names. */
export function parseImageVersionId(id: string): ImageVersionRef {
  const match = IMAGE_VERSION_ID.exec(id);
  if (!match) throw new Error(`Not a gallery image version id: ${id}`);
  const [, subscriptionId, resourceGroup, gallery, imageDefinition, version] = match;
  return { subscriptionId, resourceGroup, gallery, imageDefinition, version };
}
