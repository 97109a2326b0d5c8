// How-to step "create the image definition" (New-AzGalleryImageDefinition). An existing definition is
// kept only if it describes the same kind of image: its OS type, state and Hyper-V generation cannot
// change, and AIB would fail much later on a mismatch.
import type { ImageScope } from "../builds/scope.js";
import type { ImageDefinition } from "../images/types.js";
import { completed, getClients, getOrUndefined, refusal } from "./deps.js";

export const ensureImageDefinitionName = "ensureImageDefinition";

export interface Input extends ImageScope {
  gallery: ImageDefinition["gallery"];
  tags?: Record<string, string>;
}

export interface Output {
  /** the definition's resource id: the template's galleryImageId */
  id: string;
  created: boolean;
}

const FIXED_FIELDS = ["osType", "osState", "hyperVGeneration"] as const;

export async function ensureImageDefinition(input: Input): Promise<Output> {
  const { galleryImages } = getClients(input.subscriptionId).compute;
  const { gallery } = input;
  const existing = await getOrUndefined(() => galleryImages.get(input.resourceGroup, gallery.name, gallery.imageDefinition));
  if (existing?.id) {
    // Azure leaves hyperVGeneration out when it is the default, V1.
    const actual = { ...existing, hyperVGeneration: existing.hyperVGeneration ?? "V1" };
    const differences = FIXED_FIELDS.filter((field) => actual[field] !== gallery[field]).map(
      (field) => `${field} is ${actual[field]}, the image wants ${gallery[field]}`,
    );
    if (differences.length > 0) {
      throw refusal(
        "ImageDefinitionMismatch",
        `Gallery image definition ${gallery.name}/${gallery.imageDefinition} already exists and differs: ${differences.join("; ")}`,
        "these fields cannot change: use another gallery.imageDefinition name, or delete the existing definition",
      );
    }
    return { id: existing.id, created: false };
  }
  const body = {
    location: input.location,
    osType: gallery.osType,
    osState: gallery.osState,
    hyperVGeneration: gallery.hyperVGeneration,
    identifier: { publisher: gallery.publisher, offer: gallery.offer, sku: gallery.sku },
    tags: input.tags,
  };
  const created = await completed(
    (options) => galleryImages.createOrUpdate(input.resourceGroup, gallery.name, gallery.imageDefinition, body, options),
    () => galleryImages.get(input.resourceGroup, gallery.name, gallery.imageDefinition),
  );
  if (!created.id) throw new Error(`Azure returned image definition ${gallery.imageDefinition} without an id`);
  return { id: created.id, created: true };
}
