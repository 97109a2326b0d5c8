// Issue 4: the status query URL that the 202 of POST /api/builds hands out, read with a plain GET and
// nothing else (the URL carries its own key), shows the build's phases as they pass and its final output.
import { afterAll, beforeAll, expect, test } from "vitest";
import { IMAGE, sleep, startE2e, type E2e, type Json } from "./harness.js";

/** The how-to's steps in the order buildImage enters them. */
const ALL_PHASES = [
  "checkSourceImage", "registerProviders", "ensureResourceGroup", "ensureIdentity", "ensureImageBuilderRole",
  "assignImageBuilderRole", "ensureGallery", "ensureImageDefinition", "submitImageTemplate", "runImageBuild",
  "waitForBuild", "getRunOutput", "waitForReplication", "verifyImageBoots", "done",
];

let e2e: E2e;

beforeAll(async () => {
  // Provider registration lasts 10 simulated minutes (0.6 s real), so a poller sees that phase too.
  e2e = await startE2e({ scenario: { providerRegistrationMs: 10 * 60_000 } });
});
afterAll(async () => {
  await e2e?.close();
});

/** GETs the URL until the instance is no longer running; returns the last body and every phase change seen. */
async function watch(url: string): Promise<{ final: Json; seen: string[] }> {
  const seen: string[] = [];
  for (let i = 0; i < 6000; i++) {
    const res = await fetch(url);
    const body = (await res.json()) as Json;
    const phase = (body.customStatus as { phase?: string } | null)?.phase;
    if (phase !== undefined && phase !== seen.at(-1)) seen.push(phase);
    if (!["Pending", "Running"].includes(body.runtimeStatus as string)) return { final: body, seen };
    await sleep(20);
  }
  throw new Error(`${url} never showed a finished build`);
}

test("the status query URL shows each phase as it passes, then the build's result", async () => {
  // Some steps are one quick request (AIB's run even waits for replication, so the replication check is
  // one read): a throttled first try, which the SDK retries after Retry-After (1 s real), keeps them on
  // screen long enough for a poller to see.
  for (const [method, path] of [["PUT", "/userAssignedIdentities/"], ["GET", "/galleries/myIBSIG/images/winSvrimage/versions/"]]) {
    await e2e.control("POST", "faults", { method, path, status: 503, retryAfterSeconds: 1 });
  }
  const start = await e2e.api("POST", "builds", { image: IMAGE });
  expect(start.status).toBe(202);
  const url = start.body.statusQueryGetUri as string;
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/runtime\/webhooks\/durabletask\/instances\/build-win2019-gallery-1\?/);

  const { final, seen } = await watch(url);

  // Phases arrive in the pipeline's order; the long ones are never missed.
  expect(seen.filter((p) => ALL_PHASES.includes(p))).toEqual(seen);
  expect(seen.map((p) => ALL_PHASES.indexOf(p))).toEqual([...seen.map((p) => ALL_PHASES.indexOf(p))].sort((a, b) => a - b));
  expect(seen).toEqual(expect.arrayContaining(["registerProviders", "ensureIdentity", "ensureGallery", "submitImageTemplate", "waitForBuild", "waitForReplication", "verifyImageBoots", "done"]));

  expect(final).toMatchObject({ runtimeStatus: "Completed", name: "buildImage", instanceId: "build-win2019-gallery-1" });
  const output = final.output as Json;
  expect(output).toMatchObject({ outcome: "succeeded", image: IMAGE, verificationPassed: true });
  expect(output.imageVersionId).toMatch(/\/galleries\/myIBSIG\/images\/winSvrimage\/versions\/\d+\.\d+\.\d+$/);
  expect(output.regions).toEqual([
    expect.objectContaining({ region: "westus", state: "Completed" }),
    expect.objectContaining({ region: "eastus", state: "Completed" }),
  ]);
  // Every step but the last has its duration, in simulated minutes; the build step is the long one.
  const phases = output.phases as { phase: string; startedAt: string; minutes?: number }[];
  expect(phases.map((p) => p.phase)).toEqual(ALL_PHASES);
  for (const p of phases.slice(0, -1)) expect(p.minutes, p.phase).toBeGreaterThanOrEqual(0);
  const minutes = (name: string) => phases.find((p) => p.phase === name)?.minutes ?? 0;
  expect(minutes("registerProviders")).toBeGreaterThanOrEqual(10);
  expect(minutes("waitForBuild")).toBeGreaterThanOrEqual(50);
  expect(minutes("waitForReplication")).toBeGreaterThanOrEqual(10);
  // The custom status ends on the last phase with the same facts.
  expect(final.customStatus).toMatchObject({ phase: "done", imageVersionId: output.imageVersionId });
});
