// How-to step "start the build" (Invoke-AzResourceAction -Action Run). Returns once Azure accepted the
// run: the run's poller would stay open for the whole build, so the orchestrator polls instead.
import type { ImageScope } from "../builds/scope.js";
import { templatesOf } from "./image-templates.js";

export const runImageBuildName = "runImageBuild";

export interface Input extends ImageScope {
  templateName: string;
}

export interface Output {
  /** lastRunStatus.startTime before this run: a later startTime marks this run's status (none: any run is this one) */
  previousStartTime?: string;
  /** true when a retried activity found its own run already going (the run was not sent twice) */
  alreadyRunning: boolean;
}

export async function runImageBuild(input: Input): Promise<Output> {
  const templates = templatesOf(input);
  const { lastRunStatus } = await templates.get(input.resourceGroup, input.templateName);
  // A run going on is this build's own, started by an earlier attempt that died before it could report
  // (one build per image at a time): its status is the one to follow, so there is no previous start.
  if (lastRunStatus?.runState === "Running") return { alreadyRunning: true };
  const previousStartTime = lastRunStatus?.startTime?.toISOString();
  // run() sends the POST when called; submitted() resolves on Azure's 202 without polling the build.
  const poller = templates.run(input.resourceGroup, input.templateName);
  await poller.submitted();
  return { previousStartTime, alreadyRunning: false };
}
