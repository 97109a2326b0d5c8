// POST /api/images/{name}/cleanup {"scope": "template" | "all"}: deletes what the factory made for an
// image, through the cleanupImage orchestration. The image is found in images/ or, for one that was built
// from a definition sent inline, in the input of its latest build.
import { app, type HttpHandler } from "@azure/functions";
import * as df from "durable-functions";
import { imageOfBuild, imageOfCleanup, nextInstanceId } from "../builds/instance-ids.js";
import { scopeOf } from "../builds/scope.js";
import { isActive } from "../builds/summary.js";
import { loadDefinition } from "../images/load.js";
import type { ImageDefinition } from "../images/types.js";
import { buildImageName, type BuildImageInput } from "../orchestrators/buildImage.js";
import { cleanupImageName, type CleanupImageInput } from "../orchestrators/cleanupImage.js";
import { activeBuildOf, json, loadOptions, readJson } from "./shared.js";

const SCOPES = new Set(["template", "all"]);

const cleanup: HttpHandler = async (request, context) => {
  const body = (await readJson(request)) as { scope?: unknown } | undefined;
  const scope = body?.scope ?? "template";
  if (typeof scope !== "string" || !SCOPES.has(scope)) {
    return json(400, { errors: [{ path: "scope", message: 'must be "template" or "all"' }] });
  }
  const client = df.getClient(context);
  const statuses = await client.getStatusAll();
  const loaded = await loadDefinition(request.params.name, loadOptions());
  const definition = loaded.ok ? loaded.definition : loaded.reason === "notFound" ? lastBuiltDefinition(statuses, request.params.name) : undefined;
  if (!definition) return json(loaded.ok || loaded.reason === "notFound" ? 404 : 400, { errors: loaded.ok ? [] : loaded.errors });
  const image = definition.name;

  const build = activeBuildOf(statuses, image);
  if (build) return json(409, { error: `image ${image} is building (${build.instanceId}): cancel it first`, buildId: build.instanceId });
  const ids = statuses.filter((s) => s.name === cleanupImageName).map((s) => s.instanceId);
  const running = statuses.find((s) => s.name === cleanupImageName && isActive(s) && imageOfCleanup(s.instanceId) === image);
  if (running) return json(409, { error: `a cleanup of ${image} is already running`, cleanupId: running.instanceId });

  const instanceId = nextInstanceId("cleanup", image, ids);
  const input: CleanupImageInput = { target: scopeOf(definition), scope: scope as CleanupImageInput["scope"] };
  await client.startNew(cleanupImageName, { instanceId, input });
  context.log(`cleanup ${instanceId} (${scope}) started`);
  return client.createCheckStatusResponse(request, instanceId);
};

/** The definition the image's most recent build ran with (validated then), if there was one. */
function lastBuiltDefinition(statuses: df.DurableOrchestrationStatus[], image: string): ImageDefinition | undefined {
  const builds = statuses
    .filter((s) => s.name === buildImageName && imageOfBuild(s.instanceId) === image)
    .sort((a, b) => new Date(b.createdTime).getTime() - new Date(a.createdTime).getTime());
  return (builds[0]?.input as BuildImageInput | undefined)?.definition;
}

app.http("startCleanup", {
  authLevel: "function",
  methods: ["POST"],
  route: "images/{name}/cleanup",
  extraInputs: [df.input.durableClient()],
  handler: cleanup,
});
