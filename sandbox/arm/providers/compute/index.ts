// Microsoft.Compute: galleries, image definitions and versions, virtual machines and Run Command.
import type { ComputeBackend, Provider, Sim } from "../../types.js";
import { lifecycleEvents, lifecycleOperationState, purgeDeleted } from "../tracked.js";
import { COMPUTE, TYPES, view } from "./common.js";
import { galleryRoutes } from "./galleries.js";
import { imageVersionBackend, imageVersionRoutes, replicationEvents } from "./image-versions.js";
import { RUN_COMMAND, runCommandEvents, runCommandRoutes, runCommandState } from "./run-command.js";
import { vmRoutes } from "./virtual-machines.js";

const ALL_TYPES = Object.values(TYPES);

export function createComputeProvider(sim: Sim): Provider & { backend: ComputeBackend } {
  return {
    name: COMPUTE.provider,
    routes: [...galleryRoutes(sim), ...imageVersionRoutes(sim), ...vmRoutes(sim), ...runCommandRoutes(sim)],
    backend: imageVersionBackend(sim),
    operationState: (op) => (op.kind === RUN_COMMAND ? runCommandState(sim, op) : lifecycleOperationState(sim, op, (r) => view(sim, r))),
    pendingEvents: () => [...lifecycleEvents(sim, ALL_TYPES), ...replicationEvents(sim), ...runCommandEvents(sim)],
    tick: () => purgeDeleted(sim, ALL_TYPES),
  };
}
