// Cleanup of scope "all" never deletes a resource group this app did not create for that image: one the
// user made (untagged), or one tagged for another image, survives with everything in it.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CREATED_BY_TAG, CREATED_BY_VALUE, IMAGE_TAG } from "../../src/activities/deps.js";
import { IMAGE, type E2e, startE2e } from "./harness.js";

let e2e: E2e;
beforeAll(async () => {
  e2e = await startE2e();
});
afterAll(async () => {
  await e2e?.close();
});

/** Runs a cleanup of scope "all" of the how-to's image to its end. */
async function cleanupAll(): Promise<Record<string, unknown>> {
  const start = await e2e.api("POST", `images/${IMAGE}/cleanup`, { scope: "all" });
  expect(start.status, start.text).toBe(202);
  return e2e.waitForInstance(start.body.id as string);
}

describe("cleanup only deletes what it made", () => {
  // The how-to's image lives in group aibwinsig.
  const rg = "aibwinsig";

  test.each([
    ["made by the user, untagged", undefined],
    ["tagged for another image", { [CREATED_BY_TAG]: CREATED_BY_VALUE, [IMAGE_TAG]: "another-image" }],
  ])("a group %s survives", async (_what, tags) => {
    const clients = e2e.clients();
    await clients.resources.resourceGroups.createOrUpdate(rg, { location: "westus", tags });
    const identity = await clients.msi.userAssignedIdentities.createOrUpdate(rg, "users-own-identity", { location: "westus" });
    const status = await cleanupAll();
    // The cleanup refuses the group, saying why, and keeps it with everything in it.
    expect(status).toMatchObject({ runtimeStatus: "Failed" });
    expect(JSON.stringify(status.output)).toContain(`${rg} was not created by aib-image-factory for image ${IMAGE}`);
    expect((await clients.resources.resourceGroups.get(rg)).name).toBe(rg);
    expect((await clients.msi.userAssignedIdentities.get(rg, "users-own-identity")).id).toBe(identity.id);
  });
});
