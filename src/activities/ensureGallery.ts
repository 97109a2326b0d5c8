// How-to step "create the gallery" (New-AzGallery). Created only when missing: a PUT on an existing
// gallery would rewrite its description and tags.
import type { ImageScope } from "../builds/scope.js";
import { completed, getClients, getOrUndefined } from "./deps.js";

export const ensureGalleryName = "ensureGallery";

export interface Input extends ImageScope {
  galleryName: string;
  tags?: Record<string, string>;
}

export interface Output {
  id: string;
  created: boolean;
}

export async function ensureGallery(input: Input): Promise<Output> {
  const { galleries } = getClients(input.subscriptionId).compute;
  const existing = await getOrUndefined(() => galleries.get(input.resourceGroup, input.galleryName));
  if (existing?.id) return { id: existing.id, created: false };
  const gallery = await completed((options) =>
    galleries.createOrUpdate(
      input.resourceGroup,
      input.galleryName,
      { location: input.location, description: `Images baked by aib-image-factory (${input.image})`, tags: input.tags },
      options,
    ),
    () => galleries.get(input.resourceGroup, input.galleryName),
  );
  if (!gallery.id) throw new Error(`Azure returned gallery ${input.galleryName} without an id`);
  return { id: gallery.id, created: true };
}
