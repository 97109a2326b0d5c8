// Issue 4: cleanup "all" leaves nothing of an image in Azure (template, AIB's staging group, verification
// VM and network, role assignment, role, identity, gallery, resource group), and a build never adopts a
// group the factory made for another image. (Cleanup's refusal of a group it did not create is in
// cleanup-safety.test.ts.)
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { IMAGE_TAG } from "../../src/images/template.js";
import { definitionFor, startE2e, type E2e, type Json } from "./harness.js";

const HOW_TO_VERIFICATION = { enabled: true, region: "eastus", paths: ["C:\\buildActions"] };
/** image → its resource group: built and cleaned up; a group made for another image */
const IMAGES = { tidy: "rg-tidy", squatter: "rg-taken" };

let e2e: E2e;
let imagesDir: string;

beforeAll(async () => {
  imagesDir = mkdtempSync(path.join(tmpdir(), "e2e-cleanup-images-"));
  for (const [name, resourceGroup] of Object.entries(IMAGES)) {
    writeFileSync(path.join(imagesDir, `${name}.json`), JSON.stringify(definitionFor(name, { resourceGroup, verification: HOW_TO_VERIFICATION })));
  }
  e2e = await startE2e();
  // The app reads IMAGES_DIR on every request, so pointing it elsewhere after the start is enough.
  process.env.IMAGES_DIR = imagesDir;
});
afterAll(async () => {
  await e2e?.close();
  rmSync(imagesDir, { recursive: true, force: true });
});

const ids = async () => (await e2e.resources()).map((r) => r.id.toLowerCase()).sort();

async function customRoles(): Promise<string[]> {
  const names: string[] = [];
  const list = e2e.clients().authorization.roleDefinitions.list(`/subscriptions/${e2e.arm.subscriptionId}`, { filter: "type eq 'CustomRole'" });
  for await (const role of list) names.push(role.roleName ?? "");
  return names;
}

async function cleanup(image: string): Promise<Json> {
  const start = await e2e.api("POST", `images/${image}/cleanup`, { scope: "all" });
  expect(start.status, start.text).toBe(202);
  return e2e.waitForInstance(start.body.id as string);
}

test("cleanup all after a finished and a canceled build leaves nothing of the image", async () => {
  const before = await ids();

  const first = await e2e.api("POST", "builds", { image: "tidy" });
  expect(await e2e.waitFor(first.body.id as string, (s) => s.outcome !== "running")).toMatchObject({ outcome: "succeeded", verificationPassed: true });
  // A second build is canceled mid-run: AIB's staging group lives until the template goes.
  const second = (await e2e.api("POST", "builds", { image: "tidy" })).body.id as string;
  await e2e.waitFor(second, (s) => s.phase === "waitForBuild" && s.runSubState === "Customizing");
  const midBuild = await e2e.resources();
  expect(midBuild.some((r) => /\/resourcegroups\/IT_rg-tidy_[^/]+$/i.test(r.id))).toBe(true);
  expect((await e2e.api("POST", `builds/${second}/cancel`)).status).toBe(202);
  expect(await e2e.waitFor(second, (s) => s.outcome !== "running")).toMatchObject({ outcome: "canceled" });
  expect(await customRoles()).toHaveLength(1);

  const done = await cleanup("tidy");
  expect(done).toMatchObject({
    runtimeStatus: "Completed",
    output: { scope: "all", resourceGroupDeleted: true, access: { roleAssignment: "deleted", roleDefinition: "deleted", identity: "deleted" } },
  });
  // Exactly what existed before the first build: no template, staging group, VM, disk, network piece,
  // assignment, identity, gallery, version or group of the image; and no custom role in the tenant.
  expect(await ids()).toEqual(before);
  expect(await customRoles()).toEqual([]);
});

test("a build refuses a resource group the factory created for another image, and creates nothing in it", async () => {
  const { resources } = e2e.clients();
  await resources.resourceGroups.createOrUpdate("rg-taken", { location: "westus", tags: { createdBy: "aib-image-factory", [IMAGE_TAG]: "someone-else" } });
  const before = await ids();

  const start = await e2e.api("POST", "builds", { image: "squatter" });
  expect(start.status).toBe(202);
  const summary = await e2e.waitFor(start.body.id as string, (s) => s.outcome !== "running");
  expect(summary).toMatchObject({ outcome: "failed", error: { step: "ensureResourceGroup", code: "ResourceGroupOwnedByAnotherImage" } });
  expect((summary.error as Json).message).toMatch(/rg-taken was created for image someone-else, not squatter/);
  expect(await ids()).toEqual(before);
});
