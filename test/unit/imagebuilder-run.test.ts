import { describe, expect, it } from "vitest";
import { defaultScenario, type Scenario } from "../../sandbox/arm/types.js";
import type { RunFacts } from "../../sandbox/arm/providers/imagebuilder/model.js";
import { lastRunStatus, newRun, phaseStart, runEvents, settle, TIMEOUT_MESSAGE, ZERO_DATE, type ReplicationOutcome } from "../../sandbox/arm/providers/imagebuilder/run.js";

const MIN = 60_000;
const T0 = Date.UTC(2025, 0, 1);
const messages = { customizationFailed: (m: string) => `packer failed: ${m}`, distributionFailed: (d: string) => `distributing failed: ${d}` };
const scenario = (patch: Partial<Scenario> = {}): Scenario => ({
  ...defaultScenario(),
  build: { queuedMs: 1 * MIN, buildingMs: 4 * MIN, customizingMs: 40 * MIN, distributingMs: 5 * MIN },
  ...patch,
});
/** replication that completes at `doneAt` (or fails there) */
const replicationDoneAt = (doneAt: number, failed?: string) => (at: number): ReplicationOutcome =>
  at < doneAt ? { state: "InProgress" } : failed ? { state: "Failed", message: failed } : { state: "Completed" };

function distributed(run: RunFacts): RunFacts {
  run.distributed = { out: { artifactId: "/versions/0.1.2" } };
  return run;
}

describe("image build run", () => {
  it("walks Queued → Building → Customizing → Distributing while Running, with the zero end date", () => {
    const run = newRun("r1", T0, scenario(), 100);
    expect(lastRunStatus(run, T0)).toMatchObject({ runState: "Running", runSubState: "Queued", endTime: ZERO_DATE, startTime: new Date(T0).toISOString() });
    expect(lastRunStatus(run, T0 + 2 * MIN).runSubState).toBe("Building");
    expect(lastRunStatus(run, T0 + 6 * MIN).runSubState).toBe("Customizing");
    expect(lastRunStatus(run, T0 + 45 * MIN).runSubState).toBe("Distributing");
    expect(phaseStart(run, "Distributing")).toBe(T0 + 45 * MIN);
    expect(runEvents(run, T0, messages)).toEqual(expect.arrayContaining([T0 + MIN, T0 + 5 * MIN, T0 + 45 * MIN, T0 + 50 * MIN, T0 + 100 * MIN]));
  });

  it("succeeds at the moment replication completed, not when someone looked", () => {
    const run = distributed(newRun("r1", T0, scenario(), 100));
    const replication = replicationDoneAt(T0 + 65 * MIN);
    expect(settle(run, T0 + 60 * MIN, messages, replication)).toBeUndefined();
    expect(settle(run, T0 + 90 * MIN, messages, replication)).toEqual({ state: "Succeeded", at: T0 + 65 * MIN, subState: "Distributing", message: "" });
  });

  it("does not end before the distribution phase's own time even if replication is instant", () => {
    const run = distributed(newRun("r1", T0, scenario(), 100));
    expect(settle(run, T0 + 80 * MIN, messages, () => ({ state: "Completed" }))?.at).toBe(T0 + 50 * MIN);
  });

  it("fails when a region's replication fails", () => {
    const run = distributed(newRun("r1", T0, scenario(), 100));
    const end = settle(run, T0 + 80 * MIN, messages, replicationDoneAt(T0 + 55 * MIN, "replication to region eastus failed"));
    expect(end).toMatchObject({ state: "Failed", at: T0 + 55 * MIN, message: "distributing failed: replication to region eastus failed" });
  });

  it("times out at buildTimeoutInMinutes even while replication goes on", () => {
    const run = distributed(newRun("r1", T0, scenario(), 60));
    const end = settle(run, T0 + 200 * MIN, messages, replicationDoneAt(T0 + 90 * MIN));
    expect(end).toEqual({ state: "Failed", at: T0 + 60 * MIN, subState: "Distributing", message: TIMEOUT_MESSAGE });
  });

  it("uses 240 minutes when the timeout is 0", () => {
    const run = newRun("r1", T0, scenario({ build: { queuedMs: 0, buildingMs: 0, customizingMs: 300 * MIN, distributingMs: 0 } }), 0);
    expect(settle(run, T0 + 400 * MIN, messages, () => ({ state: "InProgress" }))).toMatchObject({ at: T0 + 240 * MIN, subState: "Customizing" });
  });

  it("fails at the injected phase with the packer message", () => {
    const run = newRun("r1", T0, scenario({ buildFailure: { phase: "Customizing", message: "exit 1" } }), 100);
    expect(settle(run, T0 + 4 * MIN, messages, () => ({ state: "Completed" }))).toBeUndefined();
    expect(settle(run, T0 + 30 * MIN, messages, () => ({ state: "Completed" }))).toEqual({ state: "Failed", at: T0 + 5 * MIN, subState: "Customizing", message: "packer failed: exit 1" });
  });

  it("is Canceling after a cancel, then Canceled, keeping the phase it was in", () => {
    const run = newRun("r1", T0, scenario({ defaultLroMs: 20_000 }), 100);
    run.canceledAt = T0 + 10 * MIN;
    expect(lastRunStatus(run, T0 + 10 * MIN + 1)).toMatchObject({ runState: "Canceling", runSubState: "Customizing" });
    expect(settle(run, T0 + 10 * MIN + 1, messages, () => ({ state: "InProgress" }))).toBeUndefined();
    const end = settle(run, T0 + 11 * MIN, messages, () => ({ state: "InProgress" }));
    expect(end).toEqual({ state: "Canceled", at: T0 + 10 * MIN + 20_000, subState: "Customizing", message: "" });
    run.end = end;
    expect(lastRunStatus(run, T0 + 11 * MIN)).toMatchObject({ runState: "Canceled", endTime: new Date(T0 + 10 * MIN + 20_000).toISOString() });
    expect(runEvents(run, T0 + 11 * MIN, messages)).toEqual([]);
  });
});
