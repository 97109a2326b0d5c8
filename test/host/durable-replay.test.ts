import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startDurableHost } from "../fixtures/durable-host.js";

const dataDir = mkdtempSync(path.join(tmpdir(), "durable-nd-"));
afterAll(() => {
  delete process.env.DURABLE_FIXTURE_CHANGED;
  rmSync(dataDir, { recursive: true, force: true });
});

describe("replay after a restart", () => {
  it("fails an instance whose orchestrator changed under it with DTFx's non-determinism message", async () => {
    const first = await startDurableHost(dataDir);
    const id = first.runtime.startNew("Versioned", { instanceId: "v1" });
    await first.runtime.idle();
    expect(first.runtime.getStatus(id)).toMatchObject({ runtimeStatus: "Running" });
    await first.close();

    // A second host on the same task hub runs the changed code: its first activity is now another one.
    process.env.DURABLE_FIXTURE_CHANGED = "1";
    const second = await startDurableHost(dataDir);
    try {
      expect(second.runtime.getStatus(id)).toMatchObject({ runtimeStatus: "Running" });
      second.runtime.raiseEvent(id, "continue");
      await second.runtime.idle();
      expect(second.runtime.getStatus(id)).toMatchObject({
        runtimeStatus: "Failed",
        output:
          "Orchestrator function 'Versioned' failed: Non-Deterministic workflow detected: A previous execution of this orchestration " +
          "scheduled an activity task with sequence number 0 named 'Hello', but the current orchestration replay instead scheduled " +
          "an activity task named 'Upper' with this sequence number.  Was a change made to the orchestrator code after this " +
          "instance had already started running?",
      });
    } finally {
      await second.close();
    }
  });
});
