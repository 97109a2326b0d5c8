// Cancels a running build. AIB cancels asynchronously ("monitor lastrunstatus.runstate"), so this sends
// the cancel where the run is Running and reports what is still running or canceling: the orchestrator
// calls again after a timer until nothing is.
import type { ImageScope } from "../builds/scope.js";
import { getOrUndefined } from "./deps.js";
import { listImageTemplates, templatesOf } from "./image-templates.js";

export const cancelImageBuildName = "cancelImageBuild";

export interface Input extends ImageScope {
  /** one template; omitted: every template of the image */
  templateName?: string;
}

export interface Output {
  /** templates whose run is still Running or Canceling */
  running: string[];
}

export async function cancelImageBuild(input: Input): Promise<Output> {
  const templates = templatesOf(input);
  const found = input.templateName
    ? [await getOrUndefined(() => templates.get(input.resourceGroup, input.templateName!))]
    : await listImageTemplates(input);
  const running: string[] = [];
  for (const template of found) {
    const runState = template?.lastRunStatus?.runState;
    if (!template?.name || (runState !== "Running" && runState !== "Canceling")) continue;
    if (runState === "Running") await templates.cancel(input.resourceGroup, template.name).submitted();
    running.push(template.name);
  }
  return { running };
}
