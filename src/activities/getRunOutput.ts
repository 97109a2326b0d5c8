// How-to step "read the result": the run output's artifactId is the image version AIB created. Never
// guess the version from its name (the numbering scheme is not documented).
import type { ImageScope } from "../builds/scope.js";
import { templatesOf } from "./image-templates.js";

export const getRunOutputName = "getRunOutput";

export interface Input extends ImageScope {
  templateName: string;
  runOutputName: string;
}

export interface Output {
  imageVersionId: string;
  provisioningState?: string;
}

export async function getRunOutput(input: Input): Promise<Output> {
  const templates = templatesOf(input);
  const output = await templates.getRunOutput(input.resourceGroup, input.templateName, input.runOutputName);
  if (!output.artifactId) {
    throw new Error(`Run output ${input.runOutputName} of template ${input.templateName} has no artifactId (state ${output.provisioningState})`);
  }
  return { imageVersionId: output.artifactId, provisioningState: output.provisioningState };
}
