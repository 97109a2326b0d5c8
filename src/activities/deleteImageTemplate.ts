// Deletes an image's templates; deleting a template (not just its resource group) is what removes
// AIB's IT_ staging group. Starts the deletes and returns: the orchestrator calls again after a timer
// until everything is gone.
import type { ImageScope } from "../builds/scope.js";
import { getOrUndefined } from "./deps.js";
import { listImageTemplates, startTemplateDelete, templatesOf } from "./image-templates.js";

export const deleteImageTemplateName = "deleteImageTemplate";

export interface Input extends ImageScope {
  /** one template; omitted: every template of the image */
  templateName?: string;
}

export interface Output {
  state: "gone" | "deleting";
}

export async function deleteImageTemplate(input: Input): Promise<Output> {
  const found = input.templateName
    ? [await getOrUndefined(() => templatesOf(input).get(input.resourceGroup, input.templateName!))]
    : await listImageTemplates(input);
  const remaining = found.filter((t) => t !== undefined);
  for (const template of remaining) await startTemplateDelete(input, template);
  return { state: remaining.length === 0 ? "gone" : "deleting" };
}
