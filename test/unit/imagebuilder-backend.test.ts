import { describe, expect, it } from "vitest";
import { ArmError } from "../../sandbox/arm/errors.js";
import { ImageBuilderBackend } from "../../sandbox/arm/providers/imagebuilder/backend.js";
import type { Operation } from "../../sandbox/arm/types.js";
import type { TemplateRecord, TemplateWire } from "../../sandbox/arm/providers/imagebuilder/model.js";
import { templateView } from "../../sandbox/arm/providers/imagebuilder/view.js";
import { fakeSim, GALLERY_IMAGE_ID, howToTemplate, IDENTITY_ID, PRINCIPAL, RG, rgId, SUB, T0, type Fakes } from "./imagebuilder-fakes.js";

const MIN = 60_000;
const NAME = "helloImageTemplateWin02ps";

/** the parts of a template's wire view these tests read */
interface View {
  identity: { userAssignedIdentities: Record<string, unknown> };
  properties: {
    provisioningState: string;
    provisioningError?: { provisioningErrorCode: string; message: string };
    lastRunStatus: Record<string, string>;
    exactStagingResourceGroup: string;
    source: { exactVersion?: string };
  };
}

function setup(): Fakes & { backend: ImageBuilderBackend; submit(body?: TemplateWire): TemplateRecord; view(): View } {
  const fakes = fakeSim();
  const backend = new ImageBuilderBackend(fakes.sim);
  return {
    ...fakes,
    backend,
    submit: (body = howToTemplate()) => backend.submit(SUB, RG, NAME, body).template,
    view: () => templateView(fakes.sim, backend.require(SUB, RG, NAME)) as unknown as View,
  };
}

function rejection(fn: () => unknown): ArmError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ArmError) return e;
    throw e;
  }
  throw new Error("expected an ArmError");
}

/** the operation routes.ts starts for a template (the backend never starts any) */
const op = (template: TemplateRecord, kind: string, data: Record<string, unknown> = {}): Operation => ({
  id: "op",
  provider: "imagebuilder",
  namespace: "Microsoft.VirtualMachineImages",
  location: "westus",
  resourceId: template.id,
  kind,
  startedAt: template.createdAt,
  data,
});

describe("image template provisioning", () => {
  it("creates the IT_ staging group, grants the identity Contributor on it, and provisions", () => {
    const t = setup();
    t.grantGalleryRole(T0);
    const template = t.submit();
    expect(t.view().properties.provisioningState).toBe("Creating");
    const staging = template.internal.stagingResourceGroup;
    expect(staging).toMatch(new RegExp(`^IT_${RG}_${NAME}_[0-9a-f-]{36}$`));
    expect(t.sim.state.get(rgId(staging))?.body.tags).toEqual({ createdBy: "AzureVMImageBuilder", imageTemplateName: NAME, imageTemplateResourceGroupName: RG });
    expect(t.grants).toContainEqual(expect.objectContaining({ principalId: PRINCIPAL, scope: rgId(staging) }));

    t.clock.advance(t.scenario.templateProvisioningMs);
    const view = t.view();
    expect(view.properties.provisioningState).toBe("Succeeded");
    expect(view.properties.exactStagingResourceGroup).toBe(rgId(staging));
    expect(view.properties.source.exactVersion).toMatch(/^17763\./);
    expect(view.identity.userAssignedIdentities[IDENTITY_ID]).toEqual({ principalId: PRINCIPAL, clientId: "c1" });
    expect(t.backend.operationState(op(template, "put")).status).toBe("Succeeded");
  });

  it("fails provisioning when the identity lacks the gallery actions when provisioning ends; a grant afterwards changes nothing", () => {
    const t = setup();
    t.submit();
    t.clock.advance(t.scenario.templateProvisioningMs + MIN);
    t.grantGalleryRole(t.clock.now());
    const props = t.view().properties;
    expect(props.provisioningState).toBe("Failed");
    expect(props.provisioningError).toEqual({
      provisioningErrorCode: "Other",
      message: expect.stringMatching(new RegExp(`^Not authorized to access the resource: ${GALLERY_IMAGE_ID}\\. Please check the user assigned identity has the correct permissions\\.`)),
    });
  });

  it("counts a grant that became effective before provisioning ended, even if first read later", () => {
    const t = setup();
    t.submit();
    t.grantGalleryRole(T0 + t.scenario.templateProvisioningMs - 1);
    t.clock.advance(10 * t.scenario.templateProvisioningMs);
    expect(t.view().properties.provisioningState).toBe("Succeeded");
  });

  it("returns the template for an identical PUT and refuses a different one", () => {
    const t = setup();
    t.submit();
    expect(t.backend.submit(SUB, RG, NAME, howToTemplate()).created).toBe(false);
    const changed = howToTemplate();
    changed.properties.buildTimeoutInMinutes = 120;
    const e = rejection(() => t.submit(changed));
    expect([e.status, e.code, e.message]).toEqual([409, "Conflict", expect.stringContaining("Update/Upgrade of image templates is currently not supported")]);
  });

  it.each([
    ["no identity", (b: TemplateWire) => delete b.identity, /identity/],
    ["identity None", (b: TemplateWire) => (b.identity = { type: "None" }), /UserAssigned/],
    ["unknown identity", (b: TemplateWire) => (b.identity = { type: "UserAssigned", userAssignedIdentities: { [`${IDENTITY_ID}x`]: {} } }), /was not found/],
    ["timeout 3", (b: TemplateWire) => (b.properties.buildTimeoutInMinutes = 3), /buildTimeoutInMinutes/],
    ["PowerShell with script and inline", (b: TemplateWire) => (b.properties.customize![0].inline = ["dir"]), /exactly one of 'scriptUri' and 'inline'/],
    ["both region lists", (b: TemplateWire) => (b.properties.distribute[0].targetRegions = [{ name: "westus" }]), /not both/],
    ["missing definition", (b: TemplateWire) => (b.properties.distribute[0].galleryImageId += "x"), /was not found/],
    ["duplicate runOutputName", (b: TemplateWire) => b.properties.distribute.push({ type: "VHD", runOutputName: "WINCLIENTR01" }), /more than one/],
    ["Windows customizer on Linux", (b: TemplateWire) => Object.assign(b.properties.source, { publisher: "Canonical", offer: "0001-com-ubuntu-server-jammy", sku: "22_04-lts" }), /only supported for Windows/],
  ])("rejects a template with %s (400 ValidationFailed)", (_name, mutate, message) => {
    const t = setup();
    const body = howToTemplate();
    mutate(body);
    const e = rejection(() => t.submit(body));
    expect([e.status, e.code]).toEqual([400, "ValidationFailed"]);
    expect(e.message).toMatch(message);
    expect(t.sim.state.ofType("Microsoft.Resources/resourceGroups")).toHaveLength(1);
  });

  it("fails provisioning with an injected failure (snapshotted at submission)", () => {
    const t = setup();
    t.grantGalleryRole(T0);
    t.scenario.provisioningFailure = { code: "ServerError", message: "Internal error occurred. This is a generic error." };
    const template = t.submit();
    delete t.scenario.provisioningFailure;
    t.clock.advance(t.scenario.templateProvisioningMs);
    expect(t.view().properties.provisioningError).toEqual({ provisioningErrorCode: "ServerError", message: "Internal error occurred. This is a generic error." });
    expect(t.backend.operationState(op(template, "put"))).toEqual({ status: "Failed", error: { code: "ServerError", message: "Internal error occurred. This is a generic error." } });
  });

  it("fails provisioning (not the request) for a Gen2 source into a Gen1 definition, and for an unknown SKU", () => {
    const t = setup();
    t.grantGalleryRole(T0);
    const gen2 = howToTemplate();
    gen2.properties.source.sku = "2022-datacenter-g2";
    const template = t.submit(gen2);
    t.clock.advance(t.scenario.templateProvisioningMs);
    expect(t.backend.operationState(op(template, "put")).error).toEqual({
      code: "ValidationFailed",
      message: `Validation failed: Error with Hyper-V Version validation (cross-generation for multiple Hyper-V Versions is not supported). The provided SIG: ${GALLERY_IMAGE_ID}, has a different Hyper-V Generation: V1, than source image: V2.`,
    });

    const u = setup();
    const unknown = howToTemplate();
    unknown.properties.source.sku = "2019-nosuch";
    u.submit(unknown);
    u.clock.advance(u.scenario.templateProvisioningMs);
    expect(u.view().properties.provisioningError?.provisioningErrorCode).toBe("BadPIRSource");
  });
});

describe("image build", () => {
  function provisioned() {
    const t = setup();
    t.grantGalleryRole(T0);
    t.scenario.build = { queuedMs: MIN, buildingMs: 4 * MIN, customizingMs: 50 * MIN, distributingMs: 5 * MIN };
    t.scenario.replicationMsPerRegion = 10 * MIN;
    const template = t.submit();
    t.clock.advance(t.scenario.templateProvisioningMs);
    return { ...t, template: t.backend.require(SUB, RG, NAME) ?? template };
  }

  it("creates the gallery version when distribution starts and succeeds when both regions replicated", () => {
    const t = provisioned();
    const run = t.backend.startRun(t.template);
    const distributionAt = run.startedAt + 55 * MIN;
    t.clock.advance(55 * MIN - 1);
    t.backend.tick();
    expect(t.versions).toHaveLength(0);
    expect(() => t.backend.startRun(t.template)).toThrow(/already has a build in progress/);
    t.clock.advance(2);
    t.backend.tick();
    expect(t.versions).toEqual([
      expect.objectContaining({
        galleryImageId: GALLERY_IMAGE_ID,
        location: "westus",
        regions: ["westus", "eastus"],
        tags: { source: "azureVmImageBuilder", baseosimg: "windows2019" },
        generalizations: 1,
        paths: expect.arrayContaining(["c:\\buildactions\\buildactionsoutput.txt", "c:\\buildartifacts\\azureimagebuilder.txt"]),
        replicationStartsAt: distributionAt,
      }),
    ]);
    expect(t.view().properties.lastRunStatus).toMatchObject({ runState: "Running", runSubState: "Distributing" });

    t.clock.advance(3 * 60 * MIN);
    const status = t.view().properties.lastRunStatus;
    expect(status).toMatchObject({ runState: "Succeeded", runSubState: "Distributing", endTime: new Date(distributionAt + 20 * MIN).toISOString() });
    expect(t.backend.require(SUB, RG, NAME).internal.runOutputs).toEqual({ winclientR01: { artifactId: t.versions[0].id } });
    expect(t.backend.operationState(op(t.template, "run", { runId: run.id }))).toEqual({ status: "Succeeded" });
  });

  it("fails the run when a region fails to replicate", () => {
    const t = provisioned();
    t.scenario.failingRegions = ["eastus"];
    t.backend.startRun(t.template);
    t.clock.advance(2 * 60 * MIN);
    expect(t.view().properties.lastRunStatus.message).toMatch(/^Failed in distributing 1 images out of total 1: .*replication to region eastus failed/);
  });

  it("fails the run, not the request, when the gallery image definition vanished before distribution", () => {
    const t = provisioned();
    t.sim.state.delete(GALLERY_IMAGE_ID);
    t.backend.startRun(t.template);
    t.clock.advance(2 * 60 * MIN);
    expect(() => t.backend.tick()).not.toThrow();
    expect(t.view().properties.lastRunStatus).toMatchObject({ runState: "Failed", runSubState: "Distributing", message: expect.stringContaining("Error publishing MDI") });
  });

  it("refuses to delete during a build; after the run, deleting removes the template and its IT_ group", () => {
    const t = provisioned();
    t.backend.startRun(t.template);
    expect(() => t.backend.beginDelete(t.template)).toThrow(/cancel/);
    t.backend.cancel(t.template);
    t.clock.advance(t.scenario.defaultLroMs);
    expect(t.view().properties.lastRunStatus.runState).toBe("Canceled");
    const staging = t.template.internal.stagingResourceGroup;
    t.backend.beginDelete(t.backend.require(SUB, RG, NAME));
    expect(t.view().properties.provisioningState).toBe("Deleting");
    t.clock.advance(t.scenario.defaultLroMs);
    expect(t.backend.get(t.template.id)).toBeUndefined();
    expect(t.sim.state.get(rgId(staging))).toBeUndefined();
  });

  it("refuses a gallery version source that has not replicated to the template's region", () => {
    const t = provisioned();
    t.backend.startRun(t.template);
    t.clock.advance(3 * 60 * MIN);
    t.backend.tick();
    const body = howToTemplate();
    body.location = "westeurope";
    body.properties.source = { type: "SharedImageVersion", imageVersionId: t.versions[0].id };
    expect(() => t.backend.submit(SUB, RG, "elsewhere", body)).toThrow(/is not replicated to the template's region 'westeurope'/);
  });

  it("builds from a gallery version: inherits its paths and layers one more generalization", () => {
    const t = provisioned();
    t.backend.startRun(t.template);
    t.clock.advance(3 * 60 * MIN);
    t.backend.tick();
    const body = howToTemplate();
    body.properties.source = { type: "SharedImageVersion", imageVersionId: t.versions[0].id };
    body.properties.customize = [{ type: "PowerShell", inline: ["mkdir c:\\buildActions2"] }];
    t.backend.submit(SUB, RG, "fromSig", body);
    t.clock.advance(t.scenario.templateProvisioningMs);
    t.backend.startRun(t.backend.require(SUB, RG, "fromSig"));
    t.clock.advance(3 * 60 * MIN);
    t.backend.tick();
    expect(t.versions[1].generalizations).toBe(2);
    expect(t.versions[1].paths).toEqual(expect.arrayContaining(["c:\\buildactions", "c:\\buildactions2"]));
  });
});
