// Last cleanup step: the image's resource group, only when its tags say this app created it for this
// image. Starts the delete and returns: the orchestrator calls again after a timer until it is gone.
import type { ImageScope } from "../builds/scope.js";
import { CREATED_BY_TAG, CREATED_BY_VALUE, IMAGE_TAG, getClients, getOrUndefined, refusal } from "./deps.js";

export const deleteResourceGroupName = "deleteResourceGroup";

export type Input = ImageScope;

export interface Output {
  state: "gone" | "deleting";
}

export async function deleteResourceGroup(input: Input): Promise<Output> {
  const { resourceGroups } = getClients(input.subscriptionId).resources;
  const group = await getOrUndefined(() => resourceGroups.get(input.resourceGroup));
  if (!group) return { state: "gone" };
  if (group.tags?.[CREATED_BY_TAG] !== CREATED_BY_VALUE || group.tags?.[IMAGE_TAG] !== input.image) {
    throw refusal(
      "ResourceGroupNotOwned",
      `Resource group ${input.resourceGroup} was not created by aib-image-factory for image ${input.image} (see its tags ${CREATED_BY_TAG} and ${IMAGE_TAG}); it is kept`,
      "delete it yourself if nothing else in it is needed",
    );
  }
  if (group.properties?.provisioningState === "Deleting") return { state: "deleting" };
  await resourceGroups.delete(input.resourceGroup).submitted();
  return { state: "deleting" };
}
