// Faults the factory must survive or report: throttling, 503s and dropped connections on every kind of
// call, a slow directory, failed template provisioning, failed/timed-out builds, a failed replication
// region, two starts at once. Builds of different images run side by side where their faults do not
// touch each other; scenario-wide faults run alone. Nothing may be left behind that nobody owns.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { definitionFor, leftovers, type E2e, type Json, startE2e } from "./harness.js";

let e2e: E2e;
beforeAll(async () => {
  // A slow directory for every build here: new principals and roles are unknown for minutes.
  e2e = await startE2e({ scenario: { principalReplicationMs: 5 * 60_000, roleReplicationMs: 3 * 60_000 } });
});
afterAll(async () => {
  await e2e?.close();
});

const FAILED_OR_DONE = (s: Json) => s.outcome !== "running";

async function build(name: string, patch: Json = {}): Promise<Json> {
  const start = await e2e.api("POST", "builds", { definition: definitionFor(name, patch) });
  expect(start.status, start.text).toBe(202);
  return e2e.waitFor(start.body.id as string, FAILED_OR_DONE);
}

/** Adds fault rules scoped to one image's resource group; returns them to check they all fired. */
async function inject(rules: Json[]): Promise<{ method: string; path: string; status: number; drop?: boolean }[]> {
  for (const rule of rules) await e2e.control("POST", "faults", rule);
  return rules.map((r) => ({ method: r.method as string, path: r.path as string, status: r.drop ? 0 : (r.status as number), drop: r.drop === true }));
}

/** Each rule's fault reached the app (the log holds a request it answered with the fault). */
async function expectFired(rules: Awaited<ReturnType<typeof inject>>): Promise<void> {
  const log = await e2e.requests();
  for (const rule of rules) {
    const hit = log.some((r) => r.method === rule.method && new RegExp(rule.path, "i").test(r.path) && r.status === rule.status);
    expect(hit, `${rule.method} ${rule.path} → ${rule.status}`).toBe(true);
  }
}

const templateOf = (summary: Json) => summary.templateName as string;
const inGroup = async (rg: string) => (await e2e.resources()).filter((r) => r.id.toLowerCase().includes(`/resourcegroups/${rg}/`));

describe.concurrent("transient faults on every kind of call", () => {
  test("429 with Retry-After and 503 on GET, PUT, POST and DELETE at many steps: the build completes", async () => {
    const rg = "rg-flaky";
    const p = (tail: string) => `/resourceGroups/${rg}${tail}`;
    const rules = await inject([
      { method: "PUT", path: `${p("")}$`, status: 429, retryAfterSeconds: 1, count: 2 },
      { method: "PUT", path: p("/providers/Microsoft.ManagedIdentity/"), status: 503, count: 2 },
      { method: "PUT", path: p("/providers/Microsoft.Authorization/roleDefinitions/"), status: 429, retryAfterSeconds: 1 },
      { method: "PUT", path: p("/providers/Microsoft.Compute/galleries/[^/]+$"), status: 503 },
      { method: "GET", path: p("/providers/Microsoft.VirtualMachineImages/imageTemplates/"), status: 429, retryAfterSeconds: 1, count: 3 },
      { method: "POST", path: p("/.*/run$"), status: 503, count: 2 },
      { method: "GET", path: p("/.*/versions/"), status: 503, count: 2 },
      { method: "POST", path: p("/.*/runCommand$"), status: 429, retryAfterSeconds: 1 },
      { method: "DELETE", path: p("/.*/virtualMachines/"), status: 429, retryAfterSeconds: 1, count: 2 },
      { method: "DELETE", path: p("/.*/networkInterfaces/"), status: 503 },
    ]);
    const summary = await build("flaky", { verification: { enabled: true, region: "eastus", paths: ["C:\\buildActions"] } });
    expect(summary, JSON.stringify(summary.error)).toMatchObject({ outcome: "succeeded", verificationPassed: true });
    await expectFired(rules);
    expect(leftovers(await inGroup(rg), [templateOf(summary)])).toEqual([]);
  });

  test("dropped connections at several steps: the build completes", async () => {
    const rg = "rg-dropped";
    const p = (tail: string) => `/resourceGroups/${rg}${tail}`;
    const rules = await inject([
      { method: "PUT", path: `${p("")}$`, drop: true },
      { method: "PUT", path: p("/providers/Microsoft.ManagedIdentity/"), drop: true },
      { method: "PUT", path: p("/providers/Microsoft.Compute/galleries/[^/]+/images/"), drop: true },
      { method: "PUT", path: p("/providers/Microsoft.VirtualMachineImages/imageTemplates/"), drop: true },
      { method: "POST", path: p("/.*/run$"), drop: true },
      { method: "GET", path: p("/.*/runOutputs/"), drop: true, count: 2 },
    ]);
    const summary = await build("dropped");
    expect(summary, JSON.stringify(summary.error)).toMatchObject({ outcome: "succeeded" });
    await expectFired(rules);
    expect(leftovers(await inGroup(rg), [templateOf(summary)])).toEqual([]);
  });

  test("the build times out in Azure: failed with Azure's message and the run state", async () => {
    const summary = await build("slowpoke", { buildTimeoutInMinutes: 6 });
    expect(summary).toMatchObject({ outcome: "failed", runState: "Failed", error: expect.objectContaining({ step: "waitForBuild" }) });
    expect(JSON.stringify(summary.error)).toContain("context deadline exceeded");
  });

  test("one replication region fails: reported by name, with the version and the completed region", async () => {
    await e2e.control("PATCH", "scenario", { failingRegions: ["northeurope"] });
    const summary = await build("regional", { replicationRegions: ["westus", "northeurope"] });
    // AIB's run waits for replication, so the run itself fails, naming the region.
    expect(summary).toMatchObject({ outcome: "failed" });
    expect(JSON.stringify(summary.error)).toContain("northeurope");
    expect(summary.imageVersionId).toMatch(/\/versions\/[\d.]+$/);
    expect(summary.regions).toEqual(expect.arrayContaining([expect.objectContaining({ region: "westus", state: "Completed" }), expect.objectContaining({ region: "northeurope", state: "Failed" })]));
  });

  test("two starts of the same image at the same moment: one build, a 409 for the other", async () => {
    const body = { definition: definitionFor("twice") };
    const replies = await Promise.all([e2e.api("POST", "builds", body), e2e.api("POST", "builds", body)]);
    expect(replies.map((r) => r.status).sort()).toEqual([202, 409]);
    const id = replies.find((r) => r.status === 202)!.body.id as string;
    expect(replies.find((r) => r.status === 409)!.body.id).toBe(id);
    expect(await e2e.waitFor(id, FAILED_OR_DONE)).toMatchObject({ outcome: "succeeded" });
    expect(((await e2e.api("GET", "builds")).body.builds as { image: string }[]).filter((b) => b.image === "twice")).toHaveLength(1);
  });
});

describe("faults that apply to every build (one at a time)", () => {
  test("a new role is unknown for minutes: the assignment waits just that long, always with principalType", async () => {
    const summary = await build("slowdir");
    expect(summary, JSON.stringify(summary.error)).toMatchObject({ outcome: "succeeded" });
    const log = (await e2e.requests()).filter((r) => r.method === "PUT" && /rg-slowdir\/providers\/Microsoft\.Authorization\/roleAssignments\//i.test(r.path));
    // The directory lag was felt: ARM refused the role at first.
    expect(log.some((r) => JSON.stringify(r.responseBody).includes("RoleDefinitionDoesNotExist"))).toBe(true);
    // principalType skips the lagging principal lookup, so PrincipalNotFound can never be provoked.
    for (const r of log) expect((r.body as { properties?: { principalType?: string } }).properties?.principalType).toBe("ServicePrincipal");
    const roleMade = (await e2e.requests()).find((r) => r.method === "PUT" && r.status < 300 && /rg-slowdir\/providers\/Microsoft\.Authorization\/roleDefinitions\//i.test(r.path))!;
    const assigned = log.find((r) => r.status < 300)!;
    const waited = (Date.parse(assigned.time) - Date.parse(roleMade.time)) / 60_000;
    // The role replicates 3 minutes after it is made; retries come at most a minute apart.
    expect(waited).toBeGreaterThanOrEqual(3);
    expect(waited).toBeLessThanOrEqual(4.5);
  });

  test("template provisioning fails: Azure's message, the template deleted, the next run submits again", async () => {
    const message = "Simulated: the image template could not be provisioned.";
    await e2e.control("PATCH", "scenario", { provisioningFailure: { code: "ServerError", message } });
    const failed = await build("provfail");
    await e2e.control("PATCH", "scenario", { provisioningFailure: null });
    expect(failed).toMatchObject({ outcome: "failed", error: expect.objectContaining({ step: "submitImageTemplate" }) });
    expect(JSON.stringify(failed.error)).toContain(message);
    const again = await build("provfail");
    expect(again, JSON.stringify(again.error)).toMatchObject({ outcome: "succeeded" });
    expect(leftovers(await inGroup("rg-provfail"), [templateOf(again)])).toEqual([]);
  });

  test("the role assignment never takes effect in time: the template fails as unauthorized and is deleted", async () => {
    // Longer than the product waits for a new assignment; the app's own Owner grant is made older still.
    e2e.arm.clock.advance(4 * 3600_000);
    await e2e.control("PATCH", "scenario", { roleAssignmentPropagationMs: 3 * 3600_000 });
    const failed = await build("noauth");
    await e2e.control("PATCH", "scenario", { roleAssignmentPropagationMs: 0 });
    expect(failed).toMatchObject({ outcome: "failed", error: expect.objectContaining({ step: "submitImageTemplate" }) });
    expect(JSON.stringify(failed.error)).toMatch(/authoriz/i);
    // The delete is under way when the build reports; a few simulated minutes later the template is gone.
    e2e.arm.clock.advance(10 * 60_000);
    await expect(e2e.clients().imageBuilder.virtualMachineImageTemplates.get("rg-noauth", templateOf(failed))).rejects.toMatchObject({ statusCode: 404 });
  });

  test("the build fails while customizing: failed, Azure's message, the run state", async () => {
    const message = "Simulated: a customizer script exited with code 1.";
    await e2e.control("PATCH", "scenario", { buildFailure: { phase: "Customizing", message } });
    const failed = await build("custfail");
    await e2e.control("PATCH", "scenario", { buildFailure: null });
    expect(failed).toMatchObject({ outcome: "failed", runState: "Failed", runSubState: "Customizing", error: expect.objectContaining({ step: "waitForBuild" }) });
    expect(JSON.stringify(failed.error)).toContain(message);
    expect(failed.imageVersionId).toBeUndefined();
    expect(leftovers(await inGroup("rg-custfail"), [templateOf(failed)])).toEqual([]);
  });
});
