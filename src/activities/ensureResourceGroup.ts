// How-to step "create the resource group". A group we create is tagged as ours and for this image, so
// cleanup may delete it later; an existing group is used as is, unless it is ours for another image.
import type { ImageScope } from "../builds/scope.js";
import { CREATED_BY_TAG, CREATED_BY_VALUE, IMAGE_TAG, getClients, getOrUndefined, refusal } from "./deps.js";

export const ensureResourceGroupName = "ensureResourceGroup";

export type Input = ImageScope;

export interface Output {
  id: string;
  /** false when the group existed before this app touched it (cleanup will then keep it) */
  createdByFactory: boolean;
}

export async function ensureResourceGroup(input: Input): Promise<Output> {
  const { resourceGroups } = getClients(input.subscriptionId).resources;
  const existing = await getOrUndefined(() => resourceGroups.get(input.resourceGroup));
  if (existing) {
    const owner = existing.tags?.[IMAGE_TAG];
    if (owner !== undefined && owner !== input.image) {
      throw refusal(
        "ResourceGroupOwnedByAnotherImage",
        `Resource group ${input.resourceGroup} was created for image ${owner}, not ${input.image}`,
        "give this image its own resourceGroup: cleanup of the other image would delete this one's resources",
      );
    }
    return { id: existing.id ?? "", createdByFactory: existing.tags?.[CREATED_BY_TAG] === CREATED_BY_VALUE };
  }
  const created = await resourceGroups.createOrUpdate(input.resourceGroup, {
    location: input.location,
    tags: { [CREATED_BY_TAG]: CREATED_BY_VALUE, [IMAGE_TAG]: input.image },
  });
  return { id: created.id ?? "", createdByFactory: true };
}
