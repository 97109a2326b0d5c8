// Readable views of build orchestrations for GET /api/builds: only what a person needs (phase, run
// state, regions, image version, error). Never the Durable management URLs, which carry the system key.
import type { BuildProgress, BuildResult, PhaseTiming, RegionSummary } from "./status.js";
import { imageOfBuild } from "./instance-ids.js";

/** The fields of DurableOrchestrationStatus this file reads. */
export interface InstanceStatus {
  instanceId: string;
  name: string;
  runtimeStatus: string;
  createdTime: Date | string;
  lastUpdatedTime: Date | string;
  customStatus?: unknown;
  output?: unknown;
}

const ACTIVE = new Set(["Running", "Pending", "ContinuedAsNew", "Suspended"]);

export function isActive(status: Pick<InstanceStatus, "runtimeStatus">): boolean {
  return ACTIVE.has(status.runtimeStatus);
}

export type Outcome = "running" | "succeeded" | "canceled" | "failed" | "terminated";

export interface BuildListItem {
  id: string;
  image: string;
  phase: string;
  outcome: Outcome;
  createdTime: string;
  lastUpdatedTime: string;
}

export interface StepErrorView {
  step: string;
  message: string;
  kind?: string;
  code?: string;
  hint?: string;
}

export interface BuildSummary extends BuildListItem {
  runState?: string;
  runSubState?: string;
  elapsedMinutes?: number;
  templateName?: string;
  imageVersionId?: string;
  regions?: RegionSummary[];
  verificationPassed?: boolean | null;
  phases: PhaseTiming[];
  error?: StepErrorView;
}

const iso = (at: Date | string) => new Date(at).toISOString();

function progressOf(status: InstanceStatus): Partial<BuildProgress> {
  return typeof status.customStatus === "object" && status.customStatus !== null ? (status.customStatus as Partial<BuildProgress>) : {};
}

function outcomeOf(status: InstanceStatus): Outcome {
  if (isActive(status)) return "running";
  if (status.runtimeStatus === "Completed") return (status.output as Partial<BuildResult> | undefined)?.outcome ?? "succeeded";
  if (status.runtimeStatus === "Failed") return "failed";
  return status.runtimeStatus === "Canceled" ? "canceled" : "terminated";
}

export function listItem(status: InstanceStatus): BuildListItem {
  return {
    id: status.instanceId,
    image: imageOfBuild(status.instanceId) ?? progressOf(status).image ?? "",
    phase: progressOf(status).phase ?? "starting",
    outcome: outcomeOf(status),
    createdTime: iso(status.createdTime),
    lastUpdatedTime: iso(status.lastUpdatedTime),
  };
}

/** Builds newest first. */
export function listBuilds(statuses: InstanceStatus[], orchestrationName: string): BuildListItem[] {
  return statuses
    .filter((s) => s.name === orchestrationName)
    .map(listItem)
    .sort((a, b) => (a.createdTime < b.createdTime ? 1 : a.createdTime > b.createdTime ? -1 : 0));
}

/**
 * One build in detail. `wait` is its waitForBuild sub-orchestration, which holds the live run state
 * while the build waits; `parseError` reads kind/code/hint out of a step error's message.
 */
export function buildSummary(
  status: InstanceStatus,
  wait: InstanceStatus | undefined,
  parseError: (text: string) => Omit<StepErrorView, "step"> | undefined,
): BuildSummary {
  const progress = progressOf(status);
  const live = wait && isActive(status) ? progressOf(wait) : {};
  const result = status.runtimeStatus === "Completed" ? (status.output as Partial<BuildResult> | undefined) : undefined;
  const failedStep = progress.phases?.at(-1)?.phase ?? "unknown";
  const errorText = progress.error ?? (status.runtimeStatus === "Failed" ? String(status.output ?? "") : undefined);
  return {
    ...listItem(status),
    runState: live.runState ?? progress.runState,
    runSubState: live.runSubState ?? progress.runSubState,
    elapsedMinutes: live.elapsedMinutes,
    templateName: result?.templateName ?? progress.templateName,
    imageVersionId: result?.imageVersionId ?? progress.imageVersionId,
    regions: result?.regions ?? progress.regions,
    verificationPassed: result?.verificationPassed,
    phases: result?.phases ?? progress.phases ?? [],
    error: errorText === undefined ? undefined : { step: failedStep, ...(parseError(errorText) ?? { message: errorText }) },
  };
}
