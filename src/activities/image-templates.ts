// Helpers shared by the template activities: which templates belong to an image, and starting a delete.
import type { ImageTemplate } from "@azure/arm-imagebuilder";
import type { ImageScope } from "../builds/scope.js";
import { getClients } from "./deps.js";

export type Templates = ReturnType<typeof getClients>["imageBuilder"]["virtualMachineImageTemplates"];

export function templatesOf(scope: ImageScope): Templates {
  return getClients(scope.subscriptionId).imageBuilder.virtualMachineImageTemplates;
}

/** Names made by names.ts templateName for this image: `<image>-<8 hex>`. */
export function isTemplateOf(image: string, name: string): boolean {
  return name.length === image.length + 9 && name.startsWith(`${image}-`) && /^[0-9a-f]{8}$/.test(name.slice(-8));
}

/** The image's templates in its resource group (one, unless a changed definition left a stale one). */
export async function listImageTemplates(scope: ImageScope): Promise<ImageTemplate[]> {
  const found: ImageTemplate[] = [];
  for await (const template of templatesOf(scope).listByResourceGroup(scope.resourceGroup)) {
    if (template.name && isTemplateOf(scope.image, template.name)) found.push(template);
  }
  return found;
}

/** Sends the DELETE unless one is already under way. Returns without waiting for it. */
export async function startTemplateDelete(scope: ImageScope, template: ImageTemplate): Promise<void> {
  if (template.provisioningState === "Deleting" || !template.name) return;
  const poller = templatesOf(scope).delete(scope.resourceGroup, template.name);
  await poller.submitted();
}
