import { describe, expect, it } from "vitest";
import { parseStepError } from "../../src/azure/errors.js";
import { buildSummary, listBuilds, type InstanceStatus } from "../../src/builds/summary.js";

const base = { name: "buildImage", createdTime: "2025-01-01T00:00:00Z", lastUpdatedTime: "2025-01-01T01:00:00Z" };

describe("build summaries", () => {
  it("lists builds newest first, without sub-orchestrations", () => {
    const statuses: InstanceStatus[] = [
      { ...base, instanceId: "build-a-1", runtimeStatus: "Completed", output: { outcome: "succeeded" }, customStatus: { phase: "done" } },
      { ...base, instanceId: "build-a-2", runtimeStatus: "Running", createdTime: "2025-01-02T00:00:00Z", customStatus: { phase: "waitForBuild" } },
      { ...base, name: "waitForBuild", instanceId: "build-a-2:waitForBuild", runtimeStatus: "Running" },
    ];
    expect(listBuilds(statuses, "buildImage")).toEqual([
      expect.objectContaining({ id: "build-a-2", image: "a", phase: "waitForBuild", outcome: "running" }),
      expect.objectContaining({ id: "build-a-1", image: "a", phase: "done", outcome: "succeeded" }),
    ]);
  });

  it("shows the live run state of a waiting build", () => {
    const status: InstanceStatus = { ...base, instanceId: "build-a-2", runtimeStatus: "Running", customStatus: { image: "a", phase: "waitForBuild", phases: [] } };
    const wait: InstanceStatus = { ...base, instanceId: "build-a-2:waitForBuild", name: "waitForBuild", runtimeStatus: "Running", customStatus: { runState: "Running", runSubState: "Customizing", elapsedMinutes: 12 } };
    expect(buildSummary(status, wait, parseStepError)).toMatchObject({ runState: "Running", runSubState: "Customizing", elapsedMinutes: 12, outcome: "running" });
  });

  it("names the failed step and Azure's code", () => {
    const error = "[permanent] ImageDefinitionMismatch: definition g/d differs — use another name";
    const status: InstanceStatus = {
      ...base,
      instanceId: "build-a-3",
      runtimeStatus: "Failed",
      output: `Orchestrator function 'buildImage' failed: ensureImageDefinition: ${error}`,
      customStatus: { image: "a", phase: "failed", error, phases: [{ phase: "ensureImageDefinition", startedAt: "2025-01-01T00:10:00Z" }] },
    };
    expect(buildSummary(status, undefined, parseStepError).error).toEqual({
      step: "ensureImageDefinition",
      kind: "permanent",
      code: "ImageDefinitionMismatch",
      message: "definition g/d differs",
      hint: "use another name",
    });
  });
});
