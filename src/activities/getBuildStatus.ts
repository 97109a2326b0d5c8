// Poll step of waitForBuild: the template's lastRunStatus. Until Azure reports a run that started after
// previousStartTime, the status still describes the previous run, so this run counts as queued.
import type { ImageScope } from "../builds/scope.js";
import { templatesOf } from "./image-templates.js";

export const getBuildStatusName = "getBuildStatus";

export interface Input extends ImageScope {
  templateName: string;
  previousStartTime?: string;
}

export interface Output {
  /** Running, Canceling, Succeeded, PartiallySucceeded, Failed, Canceled; "Queued" before Azure shows this run */
  runState: string;
  runSubState?: string;
  message?: string;
  startTime?: string;
  endTime?: string;
}

export async function getBuildStatus(input: Input): Promise<Output> {
  const templates = templatesOf(input);
  const { lastRunStatus: run } = await templates.get(input.resourceGroup, input.templateName);
  const start = run?.startTime;
  if (!run?.runState || !start || start.toISOString() === input.previousStartTime) return { runState: "Queued" };
  // endTime is the zero date (0001-01-01) while the run goes on.
  const end = run.endTime && run.endTime > start ? run.endTime : undefined;
  return {
    runState: run.runState,
    runSubState: run.runSubState,
    message: run.message || undefined,
    startTime: start.toISOString(),
    endTime: end?.toISOString(),
  };
}
