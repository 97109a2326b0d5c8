// POST /api/images/{name}/cleanup {"scope": "template" | "all"}: deletes what the factory made for an
// image, through the cleanupImage orchestration.
import { app, type HttpHandler } from "@azure/functions";
import * as df from "durable-functions";
import { nextInstanceId } from "../builds/instance-ids.js";
import { scopeOf } from "../builds/scope.js";
import { isActive } from "../builds/summary.js";
import { loadDefinition } from "../images/load.js";
import { cleanupImageName, type CleanupImageInput } from "../orchestrators/cleanupImage.js";
import { activeBuildOf, json, loadOptions, readJson } from "./shared.js";

const SCOPES = new Set(["template", "all"]);

const cleanup: HttpHandler = async (request, context) => {
  const body = (await readJson(request)) as { scope?: unknown } | undefined;
  const scope = body?.scope ?? "template";
  if (typeof scope !== "string" || !SCOPES.has(scope)) {
    return json(400, { errors: [{ path: "scope", message: 'must be "template" or "all"' }] });
  }
  const loaded = await loadDefinition(request.params.name, loadOptions());
  if (!loaded.ok) return json(loaded.reason === "notFound" ? 404 : 400, { errors: loaded.errors });
  const image = loaded.definition.name;

  const client = df.getClient(context);
  const statuses = await client.getStatusAll();
  const build = activeBuildOf(statuses, image);
  if (build) return json(409, { error: `image ${image} is building (${build.instanceId}): cancel it first`, buildId: build.instanceId });
  const ids = statuses.filter((s) => s.name === cleanupImageName).map((s) => s.instanceId);
  const running = statuses.find((s) => s.name === cleanupImageName && isActive(s) && s.instanceId.startsWith(`cleanup-${image}-`));
  if (running) return json(409, { error: `a cleanup of ${image} is already running`, cleanupId: running.instanceId });

  const instanceId = nextInstanceId("cleanup", image, ids);
  const input: CleanupImageInput = { target: scopeOf(loaded.definition), scope: scope as CleanupImageInput["scope"] };
  await client.startNew(cleanupImageName, { instanceId, input });
  context.log(`cleanup ${instanceId} (${scope}) started`);
  return client.createCheckStatusResponse(request, instanceId);
};

app.http("startCleanup", {
  authLevel: "function",
  methods: ["POST"],
  route: "images/{name}/cleanup",
  extraInputs: [df.input.durableClient()],
  handler: cleanup,
});
