// The build and cleanup activities in the how-to's order, against the ARM simulator through the real
// SDK clients, as the orchestrators call them: each re-callable step is called again after the clock
// moved on, until it reports done. Every step is also run twice to show it is idempotent.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { assignImageBuilderRole } from "../../src/activities/assignImageBuilderRole.js";
import { cancelImageBuild } from "../../src/activities/cancelImageBuild.js";
import { checkSourceImage } from "../../src/activities/checkSourceImage.js";
import { createVerificationVm } from "../../src/activities/createVerificationVm.js";
import { deleteImageBuilderAccess } from "../../src/activities/deleteImageBuilderAccess.js";
import { deleteImageTemplate } from "../../src/activities/deleteImageTemplate.js";
import { deleteResourceGroup } from "../../src/activities/deleteResourceGroup.js";
import { deleteVerificationResources } from "../../src/activities/deleteVerificationResources.js";
import { ensureGallery } from "../../src/activities/ensureGallery.js";
import { ensureIdentity } from "../../src/activities/ensureIdentity.js";
import { ensureImageBuilderRole } from "../../src/activities/ensureImageBuilderRole.js";
import { ensureImageDefinition } from "../../src/activities/ensureImageDefinition.js";
import { ensureResourceGroup } from "../../src/activities/ensureResourceGroup.js";
import { getBuildStatus, type Output as RunStatus } from "../../src/activities/getBuildStatus.js";
import { getReplicationStatus } from "../../src/activities/getReplicationStatus.js";
import { getRunOutput } from "../../src/activities/getRunOutput.js";
import { REQUIRED_PROVIDERS, registerProviders } from "../../src/activities/registerProviders.js";
import { runImageBuild } from "../../src/activities/runImageBuild.js";
import { runVerificationCommand } from "../../src/activities/runVerificationCommand.js";
import { submitImageTemplate } from "../../src/activities/submitImageTemplate.js";
import { toStepError } from "../../src/azure/errors.js";
import { scopeOf, type ImageScope } from "../../src/builds/scope.js";
import { TERMINAL_RUN_STATES } from "../../src/builds/status.js";
import { loadDefinition } from "../../src/images/load.js";
import type { ImageDefinition } from "../../src/images/types.js";
import { startTestArm, type TestArm } from "./harness.js";

describe("pipeline activities against the ARM simulator", () => {
  let t: TestArm;
  let definition: ImageDefinition;
  let scope: ImageScope;

  /** Calls a re-callable step until it is done, jumping the simulated clock in between (as the durable timers would). */
  async function until<T>(step: () => Promise<T>, done: (r: T) => boolean, maxCalls = 40): Promise<T> {
    for (let i = 0; i < maxCalls; i++) {
      const result = await step();
      if (done(result)) return result;
      await t.control.jump();
    }
    throw new Error("step never finished");
  }

  const stepError = async (p: Promise<unknown>) => toStepError(await p.then(() => undefined, (e: unknown) => e));

  beforeAll(async () => {
    t = await startTestArm();
    process.env.ARM_ENDPOINT = t.arm.endpoint;
    process.env.ARM_CA_CERT_PATH = t.arm.caCertPath;
    const loaded = await loadDefinition("win2019-gallery", { defaultSubscriptionId: t.arm.subscriptionId });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    definition = loaded.definition;
    scope = scopeOf(definition);
  });
  afterAll(() => t?.close());

  let identity: Awaited<ReturnType<typeof ensureIdentity>>;
  let galleryImageId: string;
  let templateName: string;
  let imageVersionId: string;

  test("checkSourceImage: a marketplace source starts the lineage at 1", async () => {
    expect(await checkSourceImage({ source: definition.source })).toEqual({ generalizations: 1 });
  });

  test("registerProviders: registers what is missing and reports Registering until done", async () => {
    const input = { subscriptionId: scope.subscriptionId, namespaces: REQUIRED_PROVIDERS, features: definition.features ?? [] };
    const first = await registerProviders(input);
    expect(first.pending.length).toBeGreaterThan(0);
    const done = await until(() => registerProviders(input), (r) => r.pending.length === 0);
    expect(done.registrations.map((r) => r.state)).toEqual(REQUIRED_PROVIDERS.map(() => "Registered"));
  });

  test("ensureResourceGroup: creates the group tagged for the image, then finds it", async () => {
    expect(await ensureResourceGroup(scope)).toMatchObject({ createdByFactory: true });
    expect(await ensureResourceGroup(scope)).toMatchObject({ createdByFactory: true });
    const other = await stepError(ensureResourceGroup({ ...scope, image: "another-image" }));
    expect(other).toMatchObject({ kind: "permanent", code: "ResourceGroupOwnedByAnotherImage" });
  });

  test("identity, role and assignment are created once and found again", async () => {
    identity = await ensureIdentity(scope);
    expect(await ensureIdentity(scope)).toEqual(identity);
    const role = await ensureImageBuilderRole(scope);
    expect(role.created).toBe(true);
    expect(await ensureImageBuilderRole(scope)).toEqual({ ...role, created: false });
    const assignment = { ...scope, principalId: identity.principalId, roleDefinitionId: role.roleDefinitionId };
    const first = await until(
      () => assignImageBuilderRole(assignment).then((r) => r, async (e: unknown) => ({ error: toStepError(e) })),
      (r) => !("error" in r) || r.error.kind !== "transient",
    );
    expect(first).toMatchObject({ existed: false });
    expect(await assignImageBuilderRole(assignment)).toMatchObject({ existed: true });
  });

  test("gallery and image definition; a definition of another kind is refused", async () => {
    await ensureGallery({ ...scope, galleryName: definition.gallery.name });
    expect(await ensureGallery({ ...scope, galleryName: definition.gallery.name })).toMatchObject({ created: false });
    const created = await ensureImageDefinition({ ...scope, gallery: definition.gallery });
    galleryImageId = created.id;
    expect(await ensureImageDefinition({ ...scope, gallery: definition.gallery })).toEqual({ id: galleryImageId, created: false });
    const mismatch = await stepError(ensureImageDefinition({ ...scope, gallery: { ...definition.gallery, hyperVGeneration: "V2" } }));
    expect(mismatch).toMatchObject({ kind: "permanent", code: "ImageDefinitionMismatch" });
  });

  test("submitImageTemplate: submits, waits for provisioning, then reuses the identical template", async () => {
    const input = { ...scope, definition, identityId: identity.id, galleryImageId, generalizations: 1 };
    const ready = await until(() => submitImageTemplate(input), (r) => r.state !== "pending");
    expect(ready.state).toBe("ready");
    templateName = ready.templateName;
    expect(templateName).toMatch(/^win2019-gallery-[0-9a-f]{8}$/);
    expect(await submitImageTemplate(input)).toEqual({ templateName, state: "ready" });
  });

  test("runImageBuild and getBuildStatus: the run is followed to Succeeded", async () => {
    const run = await runImageBuild({ ...scope, templateName });
    expect(run.alreadyRunning).toBe(false);
    expect(await runImageBuild({ ...scope, templateName })).toMatchObject({ alreadyRunning: true });
    const status = { ...scope, templateName, previousStartTime: run.previousStartTime };
    const seen: string[] = [];
    const end = await until<RunStatus>(
      async () => {
        const s = await getBuildStatus(status);
        seen.push(s.runSubState ?? s.runState);
        return s;
      },
      (s) => TERMINAL_RUN_STATES.has(s.runState),
    );
    expect(end.runState).toBe("Succeeded");
    expect(seen).toContain("Customizing");
  });

  test("getRunOutput and replication: the new version reaches every region", async () => {
    imageVersionId = (await getRunOutput({ ...scope, templateName, runOutputName: definition.runOutputName })).imageVersionId;
    expect(imageVersionId).toMatch(/\/galleries\/myIBSIG\/images\/winSvrimage\/versions\/[^/]+$/i);
    const replication = await until(() => getReplicationStatus({ imageVersionId }), (r) => r.aggregatedState !== "InProgress");
    expect(replication.aggregatedState).toBe("Completed");
    expect(replication.regions.every((r) => r.state === "Completed")).toBe(true);
  });

  test("verification VM: boots from the version, finds C:\\buildActions, and is deleted", async () => {
    const target = { ...scope, buildId: "build-win2019-gallery-1" };
    const vmInput = { ...target, region: "eastus", vmSize: "Standard_D2s_v3", imageVersionId };
    const vm = await createVerificationVm(vmInput);
    // Run again (a retry after a timeout or a crash): the same VM, and no second PUT carrying a new password.
    const vmPuts = async () => (await t.control.requests()).filter((r) => r.method === "PUT" && /virtualMachines\/[^/]+$/i.test(r.path)).length;
    const putsBefore = await vmPuts();
    expect(await createVerificationVm(vmInput)).toEqual(vm);
    expect(await vmPuts()).toBe(putsBefore);
    const check = await runVerificationCommand({ ...scope, vmName: vm.vmName, paths: definition.verification.paths });
    expect(check).toMatchObject({ passed: true });
    const missing = await runVerificationCommand({ ...scope, vmName: vm.vmName, paths: ["C:\\notThere"] });
    expect(missing).toMatchObject({ passed: false, stdout: "MISSING C:\\notThere" });
    expect(await deleteVerificationResources(target)).toEqual({ buildIds: [target.buildId] });
    const left = (await t.control.resources()).filter((r) => /aibv-/i.test(r.id));
    expect(left).toEqual([]);
  });

  test("cleanup: template, access and resource group go, in that order", async () => {
    expect(await cancelImageBuild(scope)).toEqual({ running: [] });
    await until(() => deleteImageTemplate(scope), (r) => r.state === "gone");
    expect(await deleteImageBuilderAccess(scope)).toEqual({ roleAssignment: "deleted", roleDefinition: "deleted", identity: "deleted" });
    expect(await deleteImageBuilderAccess(scope)).toEqual({ roleAssignment: "absent", roleDefinition: "absent", identity: "absent" });
    await until(() => deleteResourceGroup(scope), (r) => r.state === "gone");
  });
});
