// Microsoft.VirtualMachineImages (Azure VM Image Builder): image templates, their builds and run outputs.
import type { Provider, Sim } from "../types.js";
import { ImageBuilderBackend } from "./imagebuilder/backend.js";
import { PROVIDER_NAME } from "./imagebuilder/model.js";
import { imageBuilderRoutes } from "./imagebuilder/routes.js";

export function createImageBuilderProvider(sim: Sim): Provider & { backend: ImageBuilderBackend } {
  const backend = new ImageBuilderBackend(sim);
  return {
    name: PROVIDER_NAME,
    routes: imageBuilderRoutes(sim, backend),
    operationState: (op) => backend.operationState(op),
    pendingEvents: () => backend.pendingEvents(),
    tick: () => backend.tick(),
    backend,
  };
}
