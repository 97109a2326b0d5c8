import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Clock } from "../../sandbox/arm/clock.js";
import { startDurableHost, SYSTEM_KEY, type DurableTestHost } from "../fixtures/durable-host.js";

let host: DurableTestHost;
let dataDir: string;
const T0 = Date.parse("2025-01-01T00:00:00Z");

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "durable-rt-"));
  host = await startDurableHost(dataDir, new Clock({ now: T0, scale: 1 }));
});
afterAll(async () => {
  await host.close();
  rmSync(dataDir, { recursive: true, force: true });
});

type Status = { runtimeStatus: string; output: unknown; customStatus: unknown; historyEvents?: { EventType: string }[] };

/** Runs the instance to a terminal state, jumping the shared clock to pending timers when idle. */
async function finish(instanceId: string, jump = true): Promise<Status> {
  for (let i = 0; i < 400; i++) {
    await host.runtime.idle();
    const status = host.runtime.getStatus(instanceId, { showHistory: true }) as Status | undefined;
    if (status && ["Completed", "Failed", "Terminated"].includes(status.runtimeStatus)) return status;
    if (jump) host.clock.jumpToNextEvent();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`${instanceId} did not finish`);
}

const count = (status: Status, type: string) => status.historyEvents!.filter((e) => e.EventType === type).length;

describe("durable runtime through the fixture app", () => {
  it("starts through an HTTP starter (DurableClient) and reports status on the check-status URL", async () => {
    const start = await fetch(`${host.baseUrl}/api/start/Sequence`, { method: "POST", body: JSON.stringify("Ann") });
    expect(start.status).toBe(202);
    const payload = (await start.json()) as { id: string; statusQueryGetUri: string; sendEventPostUri: string };
    expect(start.headers.get("location")).toBe(payload.statusQueryGetUri);
    expect(payload.statusQueryGetUri).toContain(`code=${SYSTEM_KEY}`);
    await finish(payload.id, false);
    const status = await fetch(payload.statusQueryGetUri);
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({
      name: "Sequence",
      instanceId: payload.id,
      runtimeStatus: "Completed",
      input: "Ann",
      output: ["Hello Ann!", "HELLO ANN!", "Hello again!"],
    });
    const noKey = new URL(payload.statusQueryGetUri);
    noKey.searchParams.delete("code");
    expect((await fetch(noKey)).status).toBe(401);
    // The app's own DurableClient (rpc mode) reads the status too.
    const viaClient = (await (await fetch(`${host.baseUrl}/api/status/${payload.id}`)).json()) as { runtimeStatus: string };
    expect(viaClient.runtimeStatus).toBe("Completed");
  });

  it("retries with backoff on the simulated clock, and gives up after the last attempt", async () => {
    const ok = host.runtime.startNew("Retry", { input: { key: "r1", failures: 2, attempts: 3 } });
    const done = await finish(ok);
    expect(done.output).toMatchObject({ attempt: 3 });
    expect((done.output as { elapsedMs: number }).elapsedMs).toBeGreaterThanOrEqual(15_000);
    expect(count(done, "TaskFailed")).toBe(2);
    expect(count(done, "TimerFired")).toBe(2);

    const exhausted = host.runtime.startNew("Retry", { input: { key: "r2", failures: 9, attempts: 2 } });
    const failed = await finish(exhausted);
    expect(failed.output).toMatchObject({ error: "Error: attempt 2 failed" });
    expect((failed.output as { elapsedMs: number }).elapsedMs).toBeGreaterThanOrEqual(5_000);
    expect((failed.output as { elapsedMs: number }).elapsedMs).toBeLessThan(10_000);
    // attempt, retry timer, attempt, then the immediate "dummy" timer the library waits for
    expect(count(failed, "TaskFailed")).toBe(2);
    expect(count(failed, "TimerFired")).toBe(2);
  });

  it("fires timers on the shared clock, splitting long timers", async () => {
    const short = await finish(host.runtime.startNew("Timer", { input: { minutes: 90 } }));
    expect(short.output).toBeGreaterThanOrEqual(90 * 60_000);
    const long = await finish(host.runtime.startNew("Timer", { input: { minutes: 10 * 24 * 60 } }));
    expect(long.runtimeStatus).toBe("Completed");
    expect(long.output).toBeGreaterThanOrEqual(10 * 24 * 3600_000);
    expect(count(long, "TimerFired")).toBe(3); // +3 d, +6 d, +10 d
  });

  it("fans out and in", async () => {
    expect((await finish(host.runtime.startNew("FanOut", { input: [1, 2, 3, 4, 5] }))).output).toBe(55);
  });

  it("delivers external events raised through the HTTP API and keeps custom status", async () => {
    const id = host.runtime.startNew("Approval");
    await host.runtime.idle();
    expect(host.runtime.getStatus(id)).toMatchObject({ runtimeStatus: "Running", customStatus: "waiting for approval" });
    const raise = await fetch(`${host.baseUrl}/runtime/webhooks/durabletask/instances/${id}/raiseEvent/Approved?code=${SYSTEM_KEY}`, {
      method: "POST",
      body: JSON.stringify({ by: "ann" }),
    });
    expect(raise.status).toBe(202);
    expect(await finish(id, false)).toMatchObject({ output: "approved by ann", customStatus: "approved" });

    const late = await finish(host.runtime.startNew("Approval"));
    expect(late).toMatchObject({ output: "timed out", customStatus: "timed out" });
  });

  it("hands an event to the newest wait, as the extension's waiter stack does, so an abandoned wait never swallows it", async () => {
    const id = host.runtime.startNew("StoppableLoop");
    await host.runtime.idle();
    const round = () => (host.runtime.getStatus(id)?.customStatus as { round?: number } | undefined)?.round;
    for (let i = 0; i < 400 && round() !== 4; i++) {
      if (i % 20 === 0) host.clock.jumpToNextEvent();
      await new Promise((resolve) => setTimeout(resolve, 5));
      await host.runtime.idle();
    }
    expect(host.runtime.getStatus(id)).toMatchObject({ runtimeStatus: "Running", customStatus: { round: 4 } });
    host.runtime.raiseEvent(id, "stop", {});
    expect(await finish(id, false)).toMatchObject({ runtimeStatus: "Completed", output: "stopped in round 4: Hello stop!" });
  });

  it("continues as new", async () => {
    const done = await finish(host.runtime.startNew("Counter", { input: 0 }));
    expect(done).toMatchObject({ runtimeStatus: "Completed", output: 3 });
  });

  it("runs sub-orchestrations and surfaces their failures", async () => {
    const done = await finish(host.runtime.startNew("Parent", { instanceId: "parent-1" }));
    expect(done.output).toMatchObject({ viaChild: "Hello kid!" });
    expect((done.output as { caught: string }).caught).toContain("kaboom");
    expect(host.runtime.getStatus("parent-1:0")).toMatchObject({ runtimeStatus: "Completed", output: "Hello kid!" });
  });

  it("fails instances on unhandled errors and on unknown activities", async () => {
    const unhandled = await finish(host.runtime.startNew("Unhandled"));
    expect(unhandled.runtimeStatus).toBe("Failed");
    expect(unhandled.output).toBe("Orchestrator function 'Unhandled' failed: TypeError: kaboom");
    const missing = await finish(host.runtime.startNew("CallsMissing"));
    expect(missing.output).toBe(
      "Orchestrator function 'CallsMissing' failed: The function 'NoSuchActivity' doesn't exist, is disabled, or is not an activity function.",
    );
  });

  it("terminates, suspends, resumes, lists and purges through the HTTP API", async () => {
    const api = `${host.baseUrl}/runtime/webhooks/durabletask`;
    const post = (p: string, body?: unknown) =>
      fetch(`${api}/${p}${p.includes("?") ? "&" : "?"}code=${SYSTEM_KEY}`, { method: "POST", body: body === undefined ? undefined : JSON.stringify(body) });
    const id = host.runtime.startNew("Approval", { instanceId: "suspend-me" });
    await host.runtime.idle();
    expect((await post(`instances/${id}/suspend?reason=hold`)).status).toBe(202);
    await host.runtime.idle();
    expect(host.runtime.getStatus(id)).toMatchObject({ runtimeStatus: "Suspended" });
    await post(`instances/${id}/raiseEvent/Approved`, { by: "bob" });
    await host.runtime.idle();
    expect(host.runtime.getStatus(id)).toMatchObject({ runtimeStatus: "Suspended" });
    expect((await post(`instances/${id}/resume`)).status).toBe(202);
    expect(await finish(id, false)).toMatchObject({ runtimeStatus: "Completed", output: "approved by bob" });

    const victim = host.runtime.startNew("Approval");
    await host.runtime.idle();
    expect((await post(`instances/${victim}/terminate?reason=no%20longer%20needed`)).status).toBe(202);
    expect(await finish(victim, false)).toMatchObject({ runtimeStatus: "Terminated", output: "no longer needed" });
    expect((await post(`instances/${victim}/terminate`)).status).toBe(410);
    expect((await post(`instances/nobody/terminate`)).status).toBe(404);
    expect((await fetch(`${api}/instances/nobody?code=${SYSTEM_KEY}`)).status).toBe(404);

    const page1 = await fetch(`${api}/instances?top=2&runtimeStatus=Completed&code=${SYSTEM_KEY}`);
    expect((await page1.json()) as unknown[]).toHaveLength(2);
    const token = page1.headers.get("x-ms-continuation-token");
    expect(token).toBeTruthy();
    const page2 = await fetch(`${api}/instances?top=2&runtimeStatus=Completed&code=${SYSTEM_KEY}`, { headers: { "x-ms-continuation-token": token! } });
    expect(((await page2.json()) as { instanceId: string }[]).length).toBeGreaterThan(0);

    const purge = await fetch(`${api}/instances/${victim}?code=${SYSTEM_KEY}`, { method: "DELETE" });
    expect(await purge.json()).toEqual({ instancesDeleted: 1 });
    expect(host.runtime.getStatus(victim)).toBeUndefined();
  });
});
