// Issue 4: a second build of the same image reuses everything the first one set up (resource group,
// identity, role, assignment, gallery, image definition, template) and only publishes a new version.
// Asserted on what the simulator was asked and what it holds, not on the app's own report.
import { afterAll, beforeAll, expect, test } from "vitest";
import { definitionFor, startE2e, type E2e, type Json } from "./harness.js";

/** The how-to's image in its own group, without the boot check (its VM is per build, and slow here). */
const IMAGE = "rebuilt";
const RG = `rg-${IMAGE}`;
const IN_GROUP = new RegExp(`/resourceGroups/${RG}(/|$)`, "i");
/** Request paths (in the image's group) of everything a build sets up once per image: the how-to's steps 2–7. */
const SET_UP_ONCE: [string, RegExp][] = [
  ["resource group", new RegExp(`/resourceGroups/${RG}$`, "i")],
  ["identity", /\/userAssignedIdentities\/[^/]+$/i],
  ["role definition", /\/roleDefinitions\/[^/]+$/i],
  ["role assignment", /\/roleAssignments\/[^/]+$/i],
  ["gallery", /\/galleries\/myIBSIG$/i],
  ["image definition", /\/galleries\/myIBSIG\/images\/winSvrimage$/i],
  ["image template", /\/imageTemplates\/[^/]+$/i],
];

let e2e: E2e;

beforeAll(async () => {
  e2e = await startE2e();
});
afterAll(async () => {
  await e2e?.close();
});

async function build(): Promise<Json> {
  const start = await e2e.api("POST", "builds", { definition: definitionFor(IMAGE) });
  expect(start.status).toBe(202);
  const summary = await e2e.waitFor(start.body.id as string, (s) => s.outcome !== "running");
  expect(summary).toMatchObject({ outcome: "succeeded" });
  return summary;
}

/** Requests about the image's group (a nightly run of the images in images/ may touch others). */
const ofImage = async () => (await e2e.requests()).filter((r) => IN_GROUP.test(r.path));

/** PUTs the simulator answered 201 Created, by what they created. */
async function createdSinceLogCleared(): Promise<Record<string, string[]>> {
  const created: Record<string, string[]> = {};
  for (const r of await ofImage()) {
    if (r.method !== "PUT" || r.status !== 201) continue;
    const kind = SET_UP_ONCE.find(([, pattern]) => pattern.test(r.path))?.[0] ?? "other";
    (created[kind] ??= []).push(r.path);
  }
  return created;
}

test("a second build reuses the first build's resources and publishes a second image version", async () => {
  const first = await build();
  // The first build created each of them, so the patterns above match what a build really sends.
  expect(Object.keys(await createdSinceLogCleared()).sort()).toEqual(SET_UP_ONCE.map(([kind]) => kind).sort());

  await e2e.control("DELETE", "requests");
  const second = await build();
  expect(second.id).toBe(`build-${IMAGE}-2`);
  expect(second.templateName).toBe(first.templateName);
  expect(second.imageVersionId).not.toBe(first.imageVersionId);

  // Nothing set up again: the second build created nothing at all.
  expect(await createdSinceLogCleared()).toEqual({});
  // The template and the role were found, not re-sent.
  const log = await ofImage();
  expect(log.filter((r) => r.method === "PUT" && /\/(imageTemplates|roleDefinitions)\//i.test(r.path))).toEqual([]);
  expect(log.filter((r) => r.method === "POST" && /\/imageTemplates\/[^/]+\/run$/i.test(r.path)).length).toBe(1);

  // One of each in the simulator, and two versions under the image definition.
  const resources = await e2e.resources();
  const ofType = (type: string) => resources.filter((r) => r.type?.toLowerCase() === type.toLowerCase() && r.id.toLowerCase().includes(`/resourcegroups/${RG}/`));
  expect(ofType("Microsoft.ManagedIdentity/userAssignedIdentities")).toHaveLength(1);
  expect(ofType("Microsoft.Authorization/roleAssignments")).toHaveLength(1);
  expect(ofType("Microsoft.Compute/galleries")).toHaveLength(1);
  expect(ofType("Microsoft.Compute/galleries/images")).toHaveLength(1);
  expect(ofType("Microsoft.VirtualMachineImages/imageTemplates").map((r) => r.id.split("/").at(-1))).toEqual([first.templateName]);

  const clients = e2e.clients();
  const customRoles = [];
  const rolesOfGroup = clients.authorization.roleDefinitions.list(`/subscriptions/${e2e.arm.subscriptionId}/resourceGroups/${RG}`, { filter: "type eq 'CustomRole'" });
  for await (const role of rolesOfGroup) customRoles.push(role.roleName);
  expect(customRoles).toHaveLength(1);

  const versions = [];
  for await (const v of clients.compute.galleryImageVersions.listByGalleryImage(RG, "myIBSIG", "winSvrimage")) versions.push(v.id);
  expect(versions.sort()).toEqual([first.imageVersionId, second.imageVersionId].sort());
});
