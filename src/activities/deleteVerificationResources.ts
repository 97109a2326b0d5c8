// Removes a verification VM and its network, whatever the check's outcome. Without a build id (cleanup)
// it removes the leftovers of every build of the image, found by their tags on the NSG, which is
// created first and deleted last. Dependents go first; each delete is done when Azure says 404.
import type { ImageScope } from "../builds/scope.js";
import { verificationNames } from "../azure/names.js";
import { BUILD_TAG } from "./createVerificationVm.js";
import { IMAGE_TAG, getClients, isNotFound } from "./deps.js";

export const deleteVerificationResourcesName = "deleteVerificationResources";

export interface Input extends ImageScope {
  /** one build's resources; omitted: every build's leftovers of this image */
  buildId?: string;
}

export interface Output {
  buildIds: string[];
}

async function deleted(start: () => { pollUntilDone(): Promise<void> }): Promise<void> {
  try {
    await start().pollUntilDone();
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

export async function deleteVerificationResources(input: Input): Promise<Output> {
  const { network, compute } = getClients(input.subscriptionId);
  const rg = input.resourceGroup;
  const buildIds = input.buildId ? [input.buildId] : [];
  if (!input.buildId) {
    for await (const nsg of network.networkSecurityGroups.list(rg)) {
      const buildId = nsg.tags?.[BUILD_TAG];
      if (buildId && nsg.tags?.[IMAGE_TAG] === input.image) buildIds.push(buildId);
    }
  }
  for (const buildId of buildIds) {
    const names = verificationNames(buildId);
    await deleted(() => compute.virtualMachines.delete(rg, names.vm));
    await deleted(() => network.networkInterfaces.delete(rg, names.nic));
    await deleted(() => network.publicIPAddresses.delete(rg, names.publicIp));
    await deleted(() => network.virtualNetworks.delete(rg, names.vnet));
    await deleted(() => network.networkSecurityGroups.delete(rg, names.nsg));
  }
  return { buildIds };
}
