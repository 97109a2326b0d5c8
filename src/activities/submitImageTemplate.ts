// How-to step "submit the image template". Templates are immutable, so the name carries a hash of the
// content: an identical template is reused, a changed definition gets a new one and the image's stale
// templates are deleted first. A template whose validation failed is deleted so the next run can submit
// again, and AIB's own error is reported as is. Re-callable: the orchestrator calls it after a durable
// timer until it answers "ready" or "failed".
import type { ImageScope } from "../builds/scope.js";
import type { ImageDefinition } from "../images/types.js";
import { buildImageTemplate, templateContentHash } from "../images/template.js";
import { templateName as nameTemplate } from "../azure/names.js";
import { getOrUndefined } from "./deps.js";
import { listImageTemplates, startTemplateDelete, templatesOf } from "./image-templates.js";

export const submitImageTemplateName = "submitImageTemplate";

export interface Input extends ImageScope {
  definition: ImageDefinition;
  identityId: string;
  galleryImageId: string;
  generalizations: number;
  sourceBaseOs?: string;
}

export interface Output {
  templateName: string;
  state: "ready" | "pending" | "failed";
  /** what a pending submission waits for */
  waitingFor?: string;
  /** AIB's provisioningError of a failed template */
  error?: { code: string; message: string };
}

export async function submitImageTemplate(input: Input): Promise<Output> {
  const templates = templatesOf(input);
  const rg = input.resourceGroup;
  const body = buildImageTemplate(input.definition, input);
  const templateName = nameTemplate(input.image, templateContentHash(body));

  const current = await getOrUndefined(() => templates.get(rg, templateName));
  if (current) {
    const state = current.provisioningState;
    if (state === "Succeeded") return { templateName, state: "ready" };
    if (state !== "Failed") return { templateName, state: "pending", waitingFor: `template ${templateName} (${state})` };
    await startTemplateDelete(input, current);
    const error = current.provisioningError;
    return {
      templateName,
      state: "failed",
      error: { code: error?.provisioningErrorCode ?? "Other", message: error?.message ?? "template provisioning failed" },
    };
  }

  const stale = await listImageTemplates(input);
  for (const template of stale) await startTemplateDelete(input, template);
  if (stale.length > 0) {
    return { templateName, state: "pending", waitingFor: `deletion of ${stale.map((t) => t.name).join(", ")}` };
  }

  const poller = templates.createOrUpdate(rg, templateName, body);
  await poller.submitted();
  return { templateName, state: "pending", waitingFor: `template ${templateName} (Creating)` };
}
