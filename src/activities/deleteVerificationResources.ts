// Removes a verification VM and its network, whatever the check's outcome. Without a build id (cleanup)
// it removes the leftovers of every build of the image, found by their tags on the vnet, which is
// created first and deleted last. Dependents go first; each delete is done when Azure says 404 (the
// NIC's DELETE usually meets a NIC the VM took with it; it is still sent for a VM that never got it).
import type { ImageScope } from "../builds/scope.js";
import { verificationNames } from "../azure/names.js";
import { BUILD_TAG } from "./createVerificationVm.js";
import { IMAGE_TAG, completed, getClients, isNotFound } from "./deps.js";

export const deleteVerificationResourcesName = "deleteVerificationResources";

export interface Input extends ImageScope {
  /** one build's resources; omitted: every build's leftovers of this image */
  buildId?: string;
}

export interface Output {
  buildIds: string[];
}

async function deleted(start: Parameters<typeof completed<void>>[0]): Promise<void> {
  try {
    await completed(start);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

export async function deleteVerificationResources(input: Input): Promise<Output> {
  const { network, compute } = getClients(input.subscriptionId);
  const rg = input.resourceGroup;
  const buildIds = input.buildId ? [input.buildId] : [];
  if (!input.buildId) {
    for await (const vnet of network.virtualNetworks.list(rg)) {
      const buildId = vnet.tags?.[BUILD_TAG];
      if (buildId && vnet.tags?.[IMAGE_TAG] === input.image) buildIds.push(buildId);
    }
  }
  for (const buildId of buildIds) {
    const names = verificationNames(buildId);
    await deleted((options) => compute.virtualMachines.delete(rg, names.vm, options));
    await deleted((options) => network.networkInterfaces.delete(rg, names.nic, options));
    await deleted((options) => network.virtualNetworks.delete(rg, names.vnet, options));
  }
  return { buildIds };
}
