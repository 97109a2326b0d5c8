// Helpers of the HTTP and timer triggers (registers nothing).
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type * as df from "durable-functions";
import { maxGeneralizationsFromEnv } from "../images/layers.js";
import type { LoadOptions } from "../images/load.js";
import { imageOfBuild } from "../builds/instance-ids.js";
import { isActive } from "../builds/summary.js";
import { buildImageName } from "../orchestrators/buildImage.js";

/** App settings the definitions depend on. */
export function loadOptions(env: NodeJS.ProcessEnv = process.env): LoadOptions {
  return { defaultSubscriptionId: env.AZURE_SUBSCRIPTION_ID || undefined, maxGeneralizations: maxGeneralizationsFromEnv(env) };
}

export function json(status: number, body: unknown): HttpResponseInit {
  return { status, jsonBody: body };
}

/** The request's JSON body; undefined when it is empty or not JSON. */
export async function readJson(request: HttpRequest): Promise<unknown> {
  const text = await request.text();
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** An instance's status, or undefined when the task hub does not know it (getStatus throws on 404). */
export async function findStatus(client: df.DurableClient, instanceId: string): Promise<df.DurableOrchestrationStatus | undefined> {
  try {
    const status = await client.getStatus(instanceId);
    return status?.instanceId ? status : undefined;
  } catch (error) {
    if (/404/.test(String(error))) return undefined;
    throw error;
  }
}

/** The image's build that is still going, if any. */
export function activeBuildOf(statuses: df.DurableOrchestrationStatus[], image: string): df.DurableOrchestrationStatus | undefined {
  return statuses.find((s) => s.name === buildImageName && isActive(s) && imageOfBuild(s.instanceId) === image);
}
