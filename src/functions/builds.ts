// HTTP API of builds: start one (from an image in images/ or a definition in the body), list them,
// read one, cancel one. Summaries never include the Durable management URLs, which carry the system key.
import { app, type HttpHandler, type HttpRequest, type HttpResponseInit } from "@azure/functions";
import * as df from "durable-functions";
import { parseStepError } from "../azure/errors.js";
import { imageOfBuild, nextInstanceId, waitInstanceId } from "../builds/instance-ids.js";
import { buildSummary, isActive, listBuilds } from "../builds/summary.js";
import { isImageName, loadDefinition } from "../images/load.js";
import type { ImageDefinition } from "../images/types.js";
import { validateDefinition } from "../images/validate.js";
import { buildImageName, type BuildImageInput } from "../orchestrators/buildImage.js";
import { CANCEL_EVENT } from "../orchestrators/waits.js";
import { activeBuildOf, findStatus, json, loadOptions, readJson } from "./shared.js";

const clientInput = df.input.durableClient();

type Resolved = { definition: ImageDefinition } | { response: HttpResponseInit };

/** The definition to build: every problem is reported at once, and nothing is started on any. */
async function resolveDefinition(body: unknown): Promise<Resolved> {
  const request = (typeof body === "object" && body !== null ? body : {}) as { image?: unknown; definition?: unknown };
  if (request.image !== undefined && request.definition === undefined) {
    const loaded = await loadDefinition(request.image, loadOptions());
    if (loaded.ok) return { definition: loaded.definition };
    // The caller sent the name as "image": name that field.
    const errors = loaded.errors.map((e) => (e.path === "name" ? { ...e, path: "image" } : e));
    return { response: json(loaded.reason === "notFound" ? 404 : 400, { errors }) };
  }
  if (request.definition !== undefined && request.image === undefined) {
    const checked = validateDefinition(request.definition, loadOptions());
    return checked.ok ? { definition: checked.definition } : { response: json(400, { errors: checked.errors }) };
  }
  return { response: json(400, { errors: [{ path: "", message: 'send {"image": "<name>"} or {"definition": {...}}' }] }) };
}

const startBuild: HttpHandler = async (request, context) => {
  const resolved = await resolveDefinition(await readJson(request));
  if ("response" in resolved) return resolved.response;
  const { definition } = resolved;
  const client = df.getClient(context);
  const statuses = await client.getStatusAll();
  const running = activeBuildOf(statuses, definition.name);
  if (running) return conflict(client, request, running.instanceId, `image ${definition.name} is already building`);
  const instanceId = nextInstanceId("build", definition.name, statuses.map((s) => s.instanceId));
  const input: BuildImageInput = { definition };
  try {
    await client.startNew(buildImageName, { instanceId, input });
  } catch (error) {
    // A simultaneous request started the same image between our read and our start: same answer as above.
    const winner = activeBuildOf(await client.getStatusAll(), definition.name);
    if (winner) return conflict(client, request, winner.instanceId, `image ${definition.name} is already building`);
    throw error;
  }
  context.log(`build ${instanceId} started`);
  return client.createCheckStatusResponse(request, instanceId);
};

/** 409 with the running build's status URLs, as the 202 of its start gave them. */
async function conflict(client: df.DurableClient, request: HttpRequest, instanceId: string, error: string): Promise<HttpResponseInit> {
  const urls = (await client.createCheckStatusResponse(request, instanceId).json()) as Record<string, unknown>;
  return json(409, { error, ...urls, summaryUri: `/api/builds/${encodeURIComponent(instanceId)}` });
}

/** Only ids this app makes reach the Durable client: a "/" or ".." in one would change the URL it calls. */
function isBuildId(id: string | undefined): id is string {
  const image = id === undefined ? undefined : imageOfBuild(id);
  return image !== undefined && isImageName(image);
}

const listAll: HttpHandler = async (_request, context) => {
  const statuses = await df.getClient(context).getStatusAll();
  return json(200, { builds: listBuilds(statuses, buildImageName) });
};

/** The build the route names, or the 404 to answer with. */
async function findBuild(client: df.DurableClient, id: string | undefined): Promise<df.DurableOrchestrationStatus | HttpResponseInit> {
  const status = isBuildId(id) ? await findStatus(client, id) : undefined;
  return status?.name === buildImageName ? status : json(404, { error: `no build ${id}` });
}

const getOne: HttpHandler = async (request, context) => {
  const client = df.getClient(context);
  const id = request.params.id;
  const status = await findBuild(client, id);
  if (!("instanceId" in status)) return status;
  const wait = isActive(status) ? await findStatus(client, waitInstanceId(id)) : undefined;
  return json(200, buildSummary(status, wait, parseStepError));
};

/**
 * Cancel is an event, not terminate: the build hears it at its next wait (timers, and the wait for its
 * waitForBuild sub-orchestration), cancels the Azure run, waits until Azure says it stopped, and
 * completes with outcome "canceled". Terminating would leave the Azure build running. During the boot
 * check the cancel takes effect between its steps.
 */
const cancel: HttpHandler = async (request, context) => {
  const client = df.getClient(context);
  const id = request.params.id;
  const status = await findBuild(client, id);
  if (!("instanceId" in status)) return status;
  if (!isActive(status)) return json(409, { error: `build ${id} is not running (${status.runtimeStatus})` });
  await client.raiseEvent(id, CANCEL_EVENT, {});
  context.log(`build ${id}: cancel requested`);
  return json(202, { id, status: "canceling", summaryUri: `/api/builds/${encodeURIComponent(id)}` });
};

const common = { authLevel: "function" as const, extraInputs: [clientInput] };
app.http("startBuild", { ...common, methods: ["POST"], route: "builds", handler: startBuild });
app.http("listBuilds", { ...common, methods: ["GET"], route: "builds", handler: listAll });
app.http("getBuild", { ...common, methods: ["GET"], route: "builds/{id}", handler: getOne });
app.http("cancelBuild", { ...common, methods: ["POST"], route: "builds/{id}/cancel", handler: cancel });
