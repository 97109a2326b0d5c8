// Where an image's Azure resources live. Pure, so orchestrators can derive it from the definition.
import type { ImageDefinition } from "../images/types.js";

export interface ImageScope {
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  /** the image definition's name */
  image: string;
}

/** The definition must have been validated, which fills in the default subscription. */
export function scopeOf(definition: ImageDefinition): ImageScope {
  if (!definition.subscriptionId) throw new Error(`image ${definition.name}: subscriptionId is not set`);
  return {
    subscriptionId: definition.subscriptionId,
    resourceGroup: definition.resourceGroup,
    location: definition.location,
    image: definition.name,
  };
}
