// The nightly rebuild: on %NIGHTLY_SCHEDULE% every image in images/ with nightly: true gets a build,
// under an id fixed per image per UTC day, so a second firing the same night starts nothing. Builds
// start NIGHTLY_STAGGER_MINUTES apart (each waits on a durable timer first), so fifty images do not all
// register providers and create resources against ARM in the same second.
import { app, type InvocationContext, type Timer } from "@azure/functions";
import * as df from "durable-functions";
import { nightlyInstanceId } from "../builds/instance-ids.js";
import { listImageNames, loadDefinition } from "../images/load.js";
import { buildImageName, type BuildImageInput } from "../orchestrators/buildImage.js";
import { activeBuildOf, loadOptions } from "./shared.js";

const NIGHTLY_STAGGER_MINUTES = 2;

async function nightlyBuilds(_timer: Timer, context: InvocationContext): Promise<void> {
  const client = df.getClient(context);
  const statuses = await client.getStatusAll();
  const known = new Set(statuses.map((s) => s.instanceId));
  const now = new Date();
  let started = 0;
  for (const name of await listImageNames()) {
    const loaded = await loadDefinition(name, loadOptions());
    if (!loaded.ok) {
      context.error(`nightly: skipped ${name}: invalid definition: ${loaded.errors.map((e) => `${e.path} ${e.message}`).join("; ")}`);
      continue;
    }
    if (!loaded.definition.nightly) continue;
    const instanceId = nightlyInstanceId(name, now);
    const running = activeBuildOf(statuses, name);
    if (running) {
      context.log(`nightly: skipped ${name}: still building (${running.instanceId})`);
    } else if (known.has(instanceId)) {
      context.log(`nightly: skipped ${name}: ${instanceId} already ran`);
    } else {
      const input: BuildImageInput = { definition: loaded.definition, startDelayMinutes: started++ * NIGHTLY_STAGGER_MINUTES };
      await client.startNew(buildImageName, { instanceId, input });
      context.log(`nightly: started ${instanceId}`);
    }
  }
}

app.timer("nightlyBuilds", {
  schedule: "%NIGHTLY_SCHEDULE%",
  extraInputs: [df.input.durableClient()],
  handler: nightlyBuilds,
});
