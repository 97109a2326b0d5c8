// One image build, derived from the facts stored when it started and the clock: Queued → Building →
// Customizing → Distributing → Succeeded, unless an injected failure, the build timeout or a cancel
// comes first. Distribution ends when every gallery version has replicated (or one region failed),
// which only Compute knows; `settle` asks it through a callback.
import type { Scenario } from "../../types.js";
import type { RunEnd, RunFacts, RunSubState } from "./model.js";

const PHASES: RunSubState[] = ["Queued", "Building", "Customizing", "Distributing"];
const PHASE_MS: Record<RunSubState, keyof Scenario["build"]> = {
  Queued: "queuedMs",
  Building: "buildingMs",
  Customizing: "customizingMs",
  Distributing: "distributingMs",
};
/** AIB's default build timeout, used when buildTimeoutInMinutes is 0 or absent */
const DEFAULT_TIMEOUT_MINUTES = 240;
export const ZERO_DATE = "0001-01-01T00:00:00Z";

export type ReplicationOutcome = { state: "InProgress" | "Completed" } | { state: "Failed"; message: string };

export function newRun(id: string, now: number, scenario: Scenario, buildTimeoutInMinutes: number | undefined): RunFacts {
  return {
    id,
    startedAt: now,
    // snapshots: changing the scenario later does not change a build that already started
    phases: { ...scenario.build },
    timeoutMs: (buildTimeoutInMinutes || DEFAULT_TIMEOUT_MINUTES) * 60_000,
    failure: scenario.buildFailure && { ...scenario.buildFailure },
    cancelMs: scenario.defaultLroMs,
  };
}

export function phaseStart(run: RunFacts, phase: RunSubState): number {
  let t = run.startedAt;
  for (const p of PHASES) {
    if (p === phase) return t;
    t += run.phases[PHASE_MS[p]];
  }
  return t;
}

export function subStateAt(run: RunFacts, t: number): RunSubState {
  let current: RunSubState = "Queued";
  for (const p of PHASES) if (t >= phaseStart(run, p)) current = p;
  return current;
}

/** An end that does not depend on replication, with the moment it became certain (a cancel is certain when asked for). */
interface Decided {
  decidedAt: number;
  end: RunEnd;
}

export interface RunMessages {
  customizationFailed(injected: string): string;
  distributionFailed(detail: string): string;
}

export const TIMEOUT_MESSAGE = "Failed while waiting for packerizer: Timeout waiting for microservice to complete: 'context deadline exceeded'";

/** The earliest of: the injected failure, the timeout, a cancel. */
export function earlyEnd(run: RunFacts, messages: RunMessages): Decided {
  const deadline = run.startedAt + run.timeoutMs;
  const candidates: Decided[] = [
    { decidedAt: deadline, end: { state: "Failed", at: deadline, subState: subStateAt(run, deadline), message: TIMEOUT_MESSAGE } },
  ];
  if (run.failure) {
    const at = phaseStart(run, run.failure.phase);
    const message = run.failure.phase === "Distributing" ? messages.distributionFailed(run.failure.message) : messages.customizationFailed(run.failure.message);
    candidates.push({ decidedAt: at, end: { state: "Failed", at, subState: run.failure.phase, message } });
  }
  if (run.canceledAt !== undefined) {
    const at = run.canceledAt + run.cancelMs;
    candidates.push({ decidedAt: run.canceledAt, end: { state: "Canceled", at, subState: subStateAt(run, run.canceledAt), message: "" } });
  }
  return candidates.reduce((a, b) => (b.decidedAt < a.decidedAt ? b : a));
}

/** Whether distribution starts at all (nothing ended the run before it). */
export function distributionStarts(run: RunFacts, messages: RunMessages): boolean {
  return phaseStart(run, "Distributing") < earlyEnd(run, messages).decidedAt;
}

/**
 * How the run ended, if it has by `now`. `replication(at)` tells how the distributed versions stood at
 * simulated time `at`; it moves only forward (InProgress, then Completed or Failed), so the moment it
 * settled is found by bisection rather than being guessed from the time it was first looked at.
 */
export function settle(run: RunFacts, now: number, messages: RunMessages, replication: (at: number) => ReplicationOutcome): RunEnd | undefined {
  if (run.end) return run.end;
  const early = earlyEnd(run, messages);
  const distributing = phaseStart(run, "Distributing");
  const limit = Math.min(now, early.decidedAt);
  if (run.distributed && limit >= distributing) {
    const settledAt = firstSettled(distributing, limit, replication);
    if (settledAt !== undefined) {
      const outcome = replication(settledAt);
      const at = outcome.state === "Failed" ? settledAt : Math.max(settledAt, distributing + run.phases.distributingMs);
      if (at < early.decidedAt && at <= now) {
        const message = outcome.state === "Failed" ? messages.distributionFailed(outcome.message) : "";
        return { state: outcome.state === "Failed" ? "Failed" : "Succeeded", at, subState: "Distributing", message };
      }
    }
  }
  return early.decidedAt <= now && early.end.at <= now ? early.end : undefined;
}

function firstSettled(from: number, to: number, replication: (at: number) => ReplicationOutcome): number | undefined {
  if (replication(to).state === "InProgress") return undefined;
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (replication(mid).state === "InProgress") lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** `properties.lastRunStatus` as the wire shows it. */
export function lastRunStatus(run: RunFacts, now: number): Record<string, string> {
  const startTime = new Date(run.startedAt).toISOString();
  if (run.end) {
    const { state, at, subState, message } = run.end;
    return { startTime, endTime: new Date(at).toISOString(), runState: state, runSubState: subState, message };
  }
  const canceling = run.canceledAt !== undefined && run.canceledAt <= now;
  const subState = subStateAt(run, canceling ? run.canceledAt! : now);
  return { startTime, endTime: ZERO_DATE, runState: canceling ? "Canceling" : "Running", runSubState: subState, message: "" };
}

/** Future times at which the run's visible state changes. */
export function runEvents(run: RunFacts, now: number, messages: RunMessages): number[] {
  if (run.end) return [];
  const times = PHASES.map((p) => phaseStart(run, p));
  times.push(phaseStart(run, "Distributing") + run.phases.distributingMs, earlyEnd(run, messages).end.at);
  return times.filter((t) => t > now);
}
