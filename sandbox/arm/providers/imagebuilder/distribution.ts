// Distribution, the last phase of a build: AIB publishes one gallery image version per SharedImage
// target (Compute then replicates it region by region), and the run waits for that replication.
import { ArmError } from "../../errors.js";
import type { Sim } from "../../types.js";
import type { RunFacts, TemplateRecord } from "./model.js";
import { phaseStart, type ReplicationOutcome } from "./run.js";
import { runMessages } from "./view.js";

/**
 * Distribution starts: one gallery image version per SharedImage target, replicating from that moment.
 * A target that vanished since submission (definition deleted) fails the run, not the request being served.
 */
export function distribute(sim: Sim, t: TemplateRecord, run: RunFacts): void {
  const startsAt = phaseStart(run, "Distributing");
  const distributed: NonNullable<RunFacts["distributed"]> = {};
  for (const d of t.body.properties.distribute) {
    const target = t.internal.galleryTargets[d.runOutputName];
    if (d.type === "SharedImage" && target) {
      const version = publish(() => sim.backends.compute.createImageVersion({
        galleryImageId: target.galleryImageId,
        location: String(t.body.location),
        regions: target.regions,
        tags: d.artifactTags,
        generalizations: t.internal.sourceGeneralizations + 1,
        paths: Object.keys(t.internal.paths),
        replicationStartsAt: startsAt,
      }));
      if (typeof version === "string") {
        const message = runMessages(t, run).distributionFailed(`Error publishing MDI to shared image gallery - ${target.galleryImageId}: ${version}`);
        run.end = { state: "Failed", at: startsAt, subState: "Distributing", message };
        break;
      }
      distributed[d.runOutputName] = { artifactId: version.id };
    } else if (d.type === "ManagedImage") {
      distributed[d.runOutputName] = { artifactId: d.imageId };
    } else {
      distributed[d.runOutputName] = { artifactUri: d.uri ?? `https://${t.internal.storageAccount}.blob.core.windows.net/vhds/${d.runOutputName}.vhd` };
    }
  }
  run.distributed = distributed;
  t.internal.runOutputs = { ...t.internal.runOutputs, ...distributed };
}

/** How all the run's gallery versions stand at simulated time `at`. */
export function replication(sim: Sim, run: RunFacts, at: number): ReplicationOutcome {
  let state: ReplicationOutcome = { state: "Completed" };
  for (const { artifactId } of Object.values(run.distributed ?? {})) {
    if (!artifactId || !/\/versions\//i.test(artifactId)) continue;
    const status = publish(() => sim.backends.compute.replicationStatus(artifactId, at));
    if (typeof status === "string") return { state: "Failed", message: `Error publishing MDI to shared image gallery - artifact ${artifactId}: ${status}` };
    if (status.aggregatedState === "Failed") {
      const region = status.summary.find((r) => r.state === "Failed")?.region ?? "unknown";
      return { state: "Failed", message: `Error publishing MDI to shared image gallery - artifact ${artifactId}: replication to region ${region} failed` };
    }
    if (status.aggregatedState === "InProgress") state = { state: "InProgress" };
  }
  return state;
}

/** A Compute call whose ARM error (e.g. the gallery image was deleted) becomes the message of a failed distribution. */
function publish<T>(call: () => T): T | string {
  try {
    return call();
  } catch (e) {
    if (e instanceof ArmError) return e.message;
    throw e;
  }
}
