// Image templates through the real @azure/arm-imagebuilder client against the simulator: the how-to's
// template, AIB's submission rules, and builds on a fast clock (control `jump`, never wall-time waits).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ImageTemplate } from "@azure/arm-imagebuilder";
import { defaultScenario } from "../../sandbox/arm/types.js";
import { startTestArm, type TestArm } from "./harness.js";
import { HOW_TO_ACTIONS, howToSdkTemplate } from "../fixtures/how-to.js";

const RG = "aibwinsig01";
const LOCATION = "westus";
const GALLERY = "myaibsig01";
const MIN = 60_000;

let t: TestArm;
let rgScope: string;
let roleId: string;

const templates = () => t.clients.imageBuilder.virtualMachineImageTemplates;

/** The how-to's template (armTemplateWinSIG.json), in the SDK's flattened shape. */
function howTo(identityId: string, galleryImageId: string, patch: Partial<ImageTemplate> = {}): ImageTemplate {
  return { ...howToSdkTemplate(identityId, galleryImageId, LOCATION), ...patch };
}

async function newIdentity(): Promise<{ id: string; principalId: string }> {
  const identity = await t.clients.msi.userAssignedIdentities.createOrUpdate(RG, `aibIdentity${randomUUID().slice(0, 8)}`, { location: LOCATION });
  return { id: identity.id!, principalId: identity.principalId! };
}

/** Retries while the directory has not caught up (new principal or role), moving the simulated clock on. */
async function grantGalleryRole(principalId: string): Promise<void> {
  for (;;) {
    try {
      await t.clients.authorization.roleAssignments.create(rgScope, randomUUID(), { roleDefinitionId: roleId, principalId, principalType: "ServicePrincipal" });
      return;
    } catch (e) {
      if (!["RoleDefinitionDoesNotExist", "PrincipalNotFound"].includes((e as { code?: string }).code ?? "")) throw e;
      await t.control.advance(30_000);
    }
  }
}

async function imageDefinition(name: string, hyperVGeneration: "V1" | "V2"): Promise<string> {
  const image = await t.clients.compute.galleryImages.createOrUpdate(RG, GALLERY, name, {
    location: LOCATION,
    osType: "Windows",
    osState: "Generalized",
    identifier: { publisher: "myCo", offer: "Windows", sku: name },
    hyperVGeneration,
  });
  return image.id!;
}

/** Jumps the clock from event to event until the template's last run has ended. */
async function untilRunEnds(name: string) {
  for (let i = 0; i < 100; i++) {
    const status = (await templates().get(RG, name)).lastRunStatus;
    if (status && !["Running", "Canceling"].includes(status.runState ?? "")) return status;
    await t.control.jump();
  }
  throw new Error(`the run of ${name} did not end`);
}

const uniqueName = (prefix: string) => `${prefix}${randomUUID().slice(0, 8)}`;

describe("Microsoft.VirtualMachineImages image templates", () => {
  let identity: { id: string; principalId: string };
  let gen1Image: string;

  beforeAll(async () => {
    t = await startTestArm({
      scenario: {
        registeredNamespaces: [...defaultScenario().registeredNamespaces, "Microsoft.VirtualMachineImages"],
        // 60 minutes until distribution starts; replication (2 regions × 10 minutes) outlasts the 4-minute publish step
        build: { queuedMs: MIN, buildingMs: 5 * MIN, customizingMs: 54 * MIN, distributingMs: 4 * MIN },
        replicationMsPerRegion: 10 * MIN,
      },
    });
    rgScope = `/subscriptions/${t.arm.subscriptionId}/resourceGroups/${RG}`;
    await t.clients.resources.resourceGroups.createOrUpdate(RG, { location: LOCATION });
    await t.clients.compute.galleries.createOrUpdate(RG, GALLERY, { location: LOCATION });
    gen1Image = await imageDefinition("winSvrimages", "V1");
    const role = await t.clients.authorization.roleDefinitions.createOrUpdate(rgScope, randomUUID(), {
      roleName: "Azure Image Builder Image Def test",
      description: "Image Builder access to create resources for the image build",
      roleType: "CustomRole",
      permissions: [{ actions: HOW_TO_ACTIONS, notActions: [] }],
      assignableScopes: [rgScope],
    });
    roleId = role.id!;
    identity = await newIdentity();
    await grantGalleryRole(identity.principalId);
  });

  afterAll(async () => {
    await t?.close();
  });

  it("submits the how-to's template: it provisions, with an IT_ staging group", async () => {
    const name = uniqueName("helloImageTemplateWin02ps");
    const result = await templates().createOrUpdate(RG, name, howTo(identity.id, gen1Image));
    expect(result.provisioningState).toBe("Succeeded");
    expect(result.source).toMatchObject({ type: "PlatformImage", exactVersion: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
    const staging = result.exactStagingResourceGroup!.split("/").pop()!;
    expect(staging).toMatch(new RegExp(`^IT_${RG}_${name}_`));
    const group = await t.clients.resources.resourceGroups.get(staging);
    expect(group.tags).toEqual({ createdBy: "AzureVMImageBuilder", imageTemplateName: name, imageTemplateResourceGroupName: RG });

    const listed = [];
    for await (const listedTemplate of templates().listByResourceGroup(RG)) listed.push(listedTemplate.name);
    expect(listed).toContain(name);

    // templates are immutable: the same body again is fine, another one is refused
    expect((await templates().createOrUpdate(RG, name, howTo(identity.id, gen1Image))).id).toBe(result.id);
    await expect(templates().createOrUpdate(RG, name, howTo(identity.id, gen1Image, { buildTimeoutInMinutes: 120 }))).rejects.toMatchObject({
      statusCode: 409,
      code: "Conflict",
      message: expect.stringContaining("Update/Upgrade of image templates is currently not supported"),
    });
  });

  it("updates tags and distribution targets with PATCH, but never drops a target", async () => {
    const name = uniqueName("patch");
    const created = await templates().createOrUpdate(RG, name, howTo(identity.id, gen1Image));
    const updated = await templates().update(RG, name, { tags: { owner: "platform" } });
    expect(updated.tags).toEqual({ owner: "platform" });
    const moreRegions = { ...created.distribute![0], replicationRegions: [LOCATION, "eastus", "westeurope"] };
    expect((await templates().update(RG, name, { properties: { distribute: [moreRegions] } })).distribute).toMatchObject([{ replicationRegions: [LOCATION, "eastus", "westeurope"] }]);
    const other = { type: "SharedImage" as const, galleryImageId: gen1Image, runOutputName: "other", replicationRegions: [LOCATION] };
    await expect(templates().update(RG, name, { properties: { distribute: [other] } })).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining("Distribute target with Runoutput name winclientR01 not found in the update request"),
    });
  });

  it("refuses a template without a user-assigned identity (400)", async () => {
    await expect(templates().createOrUpdate(RG, uniqueName("noIdentity"), howTo(identity.id, gen1Image, { identity: { type: "None" } }))).rejects.toMatchObject({
      statusCode: 400,
      code: "ValidationFailed",
    });
  });

  it("fails provisioning for a Gen2 source into a Gen1 definition", async () => {
    const gen2Source = { type: "PlatformImage" as const, publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2022-datacenter-g2", version: "latest" };
    await expect(templates().createOrUpdate(RG, uniqueName("crossGen"), howTo(identity.id, gen1Image, { source: gen2Source }))).rejects.toThrow(
      /ValidationFailed.*cross-generation for multiple Hyper-V Versions is not supported.*Hyper-V Generation: V1, than source image: V2/,
    );
  });

  it("fails provisioning until the identity holds the gallery actions; the same template succeeds after the role assignment", async () => {
    const late = await newIdentity();
    const name = uniqueName("permissions");
    const body = howTo(late.id, gen1Image);
    await expect(templates().createOrUpdate(RG, name, body)).rejects.toThrow(/Not authorized to access the resource: .*winSvrimages\. Please check the user assigned identity has the correct permissions/);
    const failed = await templates().get(RG, name);
    expect(failed.provisioningState).toBe("Failed");
    expect(failed.provisioningError).toMatchObject({ provisioningErrorCode: "Other", message: expect.stringContaining("Not authorized to access the resource") });

    await grantGalleryRole(late.principalId);
    await templates().delete(RG, name);
    expect((await templates().createOrUpdate(RG, name, body)).provisioningState).toBe("Succeeded");
  });

  it("runs a 60-minute build with 20 minutes of two-region replication; the run output is the gallery version", async () => {
    const name = uniqueName("fullRun");
    await templates().createOrUpdate(RG, name, howTo(identity.id, gen1Image));
    const run = templates().run(RG, name);
    await run.submitted();
    expect((await templates().get(RG, name)).lastRunStatus).toMatchObject({ runState: "Running", endTime: new Date("0001-01-01T00:00:00Z") });
    await expect(templates().getRunOutput(RG, name, "winclientR01")).rejects.toMatchObject({ statusCode: 404 });

    const status = await untilRunEnds(name);
    expect(status).toMatchObject({ runState: "Succeeded", runSubState: "Distributing", message: "" });
    expect(status.endTime!.getTime() - status.startTime!.getTime()).toBe(80 * MIN);
    await run;

    const output = await templates().getRunOutput(RG, name, "winclientR01");
    expect(output).toMatchObject({ provisioningState: "Succeeded", artifactId: expect.stringContaining(`${gen1Image}/versions/`) });
    const version = await t.clients.compute.galleryImageVersions.get(RG, GALLERY, "winSvrimages", output.artifactId!.split("/").pop()!, { expand: "ReplicationStatus" });
    expect(version.replicationStatus?.aggregatedState).toBe("Completed");
    expect(version.tags).toEqual({ source: "azureVmImageBuilder", baseosimg: "windows2019" });
    const outputs = [];
    for await (const o of templates().listRunOutputs(RG, name)) outputs.push(o.name);
    expect(outputs).toEqual(["winclientR01"]);
  });

  it("cancels a build: Canceling, then Canceled; a template with a running build cannot be deleted", async () => {
    const name = uniqueName("cancel");
    await templates().createOrUpdate(RG, name, howTo(identity.id, gen1Image));
    await templates().run(RG, name).submitted();
    await expect(templates().delete(RG, name)).rejects.toMatchObject({ statusCode: 409, code: "Conflict" });
    await templates().cancel(RG, name).submitted();
    expect((await templates().get(RG, name)).lastRunStatus?.runState).toBe("Canceling");
    expect(await untilRunEnds(name)).toMatchObject({ runState: "Canceled" });
  });

  it("deletes a template together with its IT_ staging group", async () => {
    const name = uniqueName("delete");
    const created = await templates().createOrUpdate(RG, name, howTo(identity.id, gen1Image));
    const staging = created.exactStagingResourceGroup!.split("/").pop()!;
    await templates().delete(RG, name);
    await expect(templates().get(RG, name)).rejects.toMatchObject({ statusCode: 404 });
    expect(await t.clients.resources.resourceGroups.checkExistence(staging)).toMatchObject({ body: false });
  });

  it("reports an injected customizer failure and a build timeout with AIB's messages", async () => {
    const failing = uniqueName("customizeFails");
    await templates().createOrUpdate(RG, failing, howTo(identity.id, gen1Image));
    await t.control.scenario({ buildFailure: { phase: "Customizing", message: "script exited with 1" } });
    try {
      await templates().run(RG, failing).submitted();
    } finally {
      await t.control.scenario({ buildFailure: null });
    }
    const failed = await untilRunEnds(failing);
    expect(failed).toMatchObject({ runState: "Failed", runSubState: "Customizing" });
    expect(failed.message).toMatch(
      /^Failed while waiting for packerizer: Microservice has failed: Failed while processing request: Error when executing packerizer: Packer build command has failed: exit status 1\. .*customization\.log.*Image Build log location: https:\/\/\w+\.blob\.core\.windows\.net\/packerlogs\/[0-9a-f-]+\/customization\.log\. OperationId: /,
    );

    const slow = uniqueName("timeout");
    await templates().createOrUpdate(RG, slow, howTo(identity.id, gen1Image, { buildTimeoutInMinutes: 30 }));
    await expect(templates().run(RG, slow)).rejects.toThrow(/context deadline exceeded/);
    expect(await untilRunEnds(slow)).toMatchObject({
      runState: "Failed",
      runSubState: "Customizing",
      message: "Failed while waiting for packerizer: Timeout waiting for microservice to complete: 'context deadline exceeded'",
    });
  });
});
