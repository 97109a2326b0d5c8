// The built app in the local Functions host against the ARM simulator, on a fast shared clock, driven
// only through its HTTP API: build the how-to's image, refuse a duplicate, cancel a build, clean up.
// Needs the app built (`npm test` builds first); E2E_APP_DIR points at another build of it.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createClients } from "../../src/azure/clients.js";
import { startArmSimulator, type ArmSimulator } from "../../sandbox/arm/index.js";
import { startHost, type RunningHost } from "../../sandbox/host/index.js";

const repo = path.resolve(__dirname, "../..");
const appDir = process.env.E2E_APP_DIR ?? repo;
const IMAGE = "win2019-gallery";

interface Reply {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

describe("image pipeline through the HTTP API", () => {
  let arm: ArmSimulator;
  let host: RunningHost;
  let dataDir: string;

  async function api(method: string, route: string, body?: unknown): Promise<Reply> {
    const res = await fetch(`${host.baseUrl}/api/${route}`, {
      method,
      headers: { "x-functions-key": host.keys.functionKey },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  /** Polls the build's summary (the clock runs 1000× real time) until `done` holds. */
  async function waitFor(id: string, done: (summary: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    for (let i = 0; i < 1200; i++) {
      const summary = (await api("GET", `builds/${id}`)).body;
      if (done(summary)) return summary;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`build ${id} never reached the expected state`);
  }

  beforeAll(async () => {
    if (!existsSync(path.join(appDir, "dist/src/functions/orchestrations.js"))) throw new Error(`build the app first (npm run build): ${appDir}`);
    dataDir = mkdtempSync(path.join(tmpdir(), "e2e-pipeline-"));
    arm = await startArmSimulator({ port: 0, dataDir, scale: 1000 });
    Object.assign(process.env, {
      IDENTITY_ENDPOINT: arm.identityEndpoint,
      IDENTITY_HEADER: arm.identityHeader,
      ARM_ENDPOINT: arm.endpoint,
      ARM_CA_CERT_PATH: arm.caCertPath,
      AZURE_SUBSCRIPTION_ID: arm.subscriptionId,
      IMAGES_DIR: path.join(repo, "images"),
    });
    host = await startHost({ appDir, port: 0, dataDir: path.join(dataDir, "host"), clock: arm.clock, print: () => undefined });
  });
  afterAll(async () => {
    await host?.close();
    await arm?.close();
    rmSync(dataDir, { recursive: true, force: true });
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
    const clients = createClients(arm.subscriptionId, { armEndpoint: arm.endpoint, caCertPath: arm.caCertPath });
    const template = await clients.imageBuilder.virtualMachineImageTemplates.get("aibwinsig", summary.templateName as string);
    expect(template.lastRunStatus?.runState).toBe("Canceled");
    expect((await api("POST", `builds/${id}/cancel`)).status).toBe(409);
  });

  test("cleanup of scope all deletes the template, access and the resource group it created", async () => {
    const start = await api("POST", `images/${IMAGE}/cleanup`, { scope: "all" });
    expect(start.status).toBe(202);
    const id = start.body.id as string;
    let status: Record<string, unknown> | undefined;
    for (let i = 0; i < 600 && (!status || ["Running", "Pending"].includes(status.runtimeStatus as string)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = host.runtime.getStatus(id);
    }
    expect(status).toMatchObject({ runtimeStatus: "Completed", output: { resourceGroupDeleted: true } });
    expect(arm.sim.state.all().filter((r) => /\/resourcegroups\/aibwinsig(\/|$)/i.test(r.id))).toEqual([]);
  });
});
