// What every activity shares: one set of Azure clients per subscription (built once per worker, as
// the SDK clients keep connections and tokens), 404 detection and the tags marking our resources.
import { setTimeout as delay } from "node:timers/promises";
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

/** The SDK pollers' shape (core-lro PollerLike), and the request option that shows us Azure's first answer. */
interface Lro<T> {
  readonly isDone: boolean;
  submitted(): Promise<void>;
  pollUntilDone(): Promise<T>;
}
type FirstAnswer = { onResponse: (response: { headers: { get(name: string): string | undefined } }) => void };

/** Longest wait before the first status poll, whatever Retry-After says. */
const MAX_FIRST_WAIT_SECONDS = 30;

/**
 * Runs a long-running operation to its end, first waiting the Retry-After of Azure's first answer, as
 * ARM asks clients to. The SDK polls at once instead, which nearly always finds the operation still
 * running: one more ARM request for every create or delete (bench: ARM requests per pipeline).
 *
 * For a create, `read` GETs the resource: its provisioningState shows the operation's end, so one read
 * replaces the SDK's status poll plus the GET it makes after it. Anything but Succeeded (still going,
 * failed) is left to the SDK's poller, which reports the operation's own error.
 */
export async function completed<T>(start: (options: FirstAnswer) => Lro<T>, read?: () => Promise<T & { provisioningState?: string }>): Promise<T> {
  let retryAfter: string | undefined;
  const poller = start({ onResponse: (response) => (retryAfter ??= response.headers.get("retry-after") ?? "") });
  await poller.submitted();
  if (poller.isDone) return poller.pollUntilDone();
  const seconds = Number(retryAfter);
  if (seconds > 0) await delay(Math.min(seconds, MAX_FIRST_WAIT_SECONDS) * 1000);
  if (read) {
    const resource = await read();
    if (resource.provisioningState === "Succeeded") return resource;
  }
  return poller.pollUntilDone();
}

export function resourceGroupId(scope: Pick<ImageScope, "subscriptionId" | "resourceGroup">): string {
  return `/subscriptions/${scope.subscriptionId}/resourceGroups/${scope.resourceGroup}`;
}

/** Tags marking what this app created, so cleanup deletes only its own resource groups. */
export const CREATED_BY_TAG = "createdBy";
export const CREATED_BY_VALUE = "aib-image-factory";
export { IMAGE_TAG } from "../images/template.js";

/** A step's own verdict (not Azure's), e.g. a name clash: a permanent error, reported like Azure's own. */
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
