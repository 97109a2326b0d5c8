// The built app in the local Functions host against the ARM simulator, on a fast shared clock, driven
// only through its HTTP API: build the how-to's image, refuse a duplicate, cancel a build, clean up.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { IMAGE, startE2e, type E2e } from "./harness.js";

describe("image pipeline through the HTTP API", () => {
  let e2e: E2e;
  const api: E2e["api"] = (...args) => e2e.api(...args);
  const waitFor: E2e["waitFor"] = (...args) => e2e.waitFor(...args);

  beforeAll(async () => {
    e2e = await startE2e();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  test("a bad definition is refused with every field error and nothing started", async () => {
    const reply = await api("POST", "builds", { definition: { name: "bad", location: "mars" } });
    expect(reply.status).toBe(400);
    const paths = (reply.body.errors as { path: string }[]).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["location", "resourceGroup", "gallery", "source"]));
    expect(((await api("GET", "builds")).body.builds as unknown[]).length).toBe(0);
  });

  test("builds, replicates and verifies the how-to's image; a second request meanwhile gets 409", async () => {
    const start = await api("POST", "builds", { image: IMAGE });
    expect(start.status).toBe(202);
    const id = start.body.id as string;
    expect(id).toBe(`build-${IMAGE}-1`);
    const again = await api("POST", "builds", { image: IMAGE });
    expect(again.status).toBe(409);
    expect(again.body.id).toBe(id);

    const summary = await waitFor(id, (s) => s.outcome !== "running");
    expect(summary).toMatchObject({ outcome: "succeeded", phase: "done", runState: "Succeeded", verificationPassed: true });
    expect(summary.imageVersionId).toMatch(/\/galleries\/myIBSIG\/images\/winSvrimage\/versions\/[\d.]+$/);
    expect(summary.regions).toEqual([
      expect.objectContaining({ region: "westus", state: "Completed" }),
      expect.objectContaining({ region: "eastus", state: "Completed" }),
    ]);
    const phases = (summary.phases as { phase: string }[]).map((p) => p.phase);
    expect(phases).toEqual([
      "checkSourceImage", "registerProviders", "ensureResourceGroup", "ensureIdentity", "ensureImageBuilderRole",
      "assignImageBuilderRole", "ensureGallery", "ensureImageDefinition", "submitImageTemplate", "runImageBuild",
      "waitForBuild", "getRunOutput", "waitForReplication", "verifyImageBoots", "done",
    ]);
    // The readable summary never hands out the system key.
    expect((await api("GET", `builds/${id}`)).text).not.toMatch(/code=/);
    expect((await api("GET", "builds")).body.builds).toEqual([expect.objectContaining({ id, image: IMAGE, outcome: "succeeded" })]);
  });

  test("a cancel stops the Azure run and ends the build canceled", async () => {
    const id = (await api("POST", "builds", { image: IMAGE })).body.id as string;
    await waitFor(id, (s) => s.phase === "waitForBuild");
    expect((await api("POST", `builds/${id}/cancel`)).status).toBe(202);
    const summary = await waitFor(id, (s) => s.outcome !== "running");
    expect(summary).toMatchObject({ outcome: "canceled", phase: "canceled" });
    const clients = e2e.clients();
    const template = await clients.imageBuilder.virtualMachineImageTemplates.get("aibwinsig", summary.templateName as string);
    expect(template.lastRunStatus?.runState).toBe("Canceled");
    expect((await api("POST", `builds/${id}/cancel`)).status).toBe(409);
  });

  test("cleanup of scope all deletes the template, access and the resource group it created", async () => {
    const start = await api("POST", `images/${IMAGE}/cleanup`, { scope: "all" });
    expect(start.status).toBe(202);
    const id = start.body.id as string;
    const status = await e2e.waitForInstance(id);
    expect(status).toMatchObject({ runtimeStatus: "Completed", output: { resourceGroupDeleted: true } });
    expect(e2e.arm.sim.state.all().filter((r) => /\/resourcegroups\/aibwinsig(\/|$)/i.test(r.id))).toEqual([]);
  });
});
