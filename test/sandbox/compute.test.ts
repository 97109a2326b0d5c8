// Microsoft.Compute in the simulator, driven by the real ComputeManagementClient: galleries and image
// definitions, image versions created the way AIB creates them, a verification VM and Run Command.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestArm, type TestArm } from "./harness.js";
import { restError } from "./rest-error.js";

const RG = "aibwinsig01";
const GALLERY = "myaibsig01";
const IMAGE = "winSvrimages";
const TEN_MINUTES = 10 * 60_000;

let t: TestArm;
const imageId = () => `/subscriptions/${t.arm.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.Compute/galleries/${GALLERY}/images/${IMAGE}`;

beforeAll(async () => {
  // Real-time clock (scale 1) so replication only moves when the test advances it; LROs finish at once.
  t = await startTestArm({ scale: 1, scenario: { defaultLroMs: 0, runCommandMs: 0, replicationMsPerRegion: TEN_MINUTES } });
  await t.clients.resources.resourceGroups.createOrUpdate(RG, { location: "westus" });
});
afterAll(async () => t?.close());

describe("galleries and image definitions", () => {
  it("creates, reads and lists a gallery", async () => {
    const gallery = await t.clients.compute.galleries.createOrUpdate(RG, GALLERY, { location: "westus", description: "AIB" });
    expect(gallery).toMatchObject({ name: GALLERY, location: "westus", provisioningState: "Succeeded", description: "AIB" });
    expect(gallery.identifier?.uniqueName).toBe(`${t.arm.subscriptionId}-${GALLERY.toUpperCase()}`);
    const names: string[] = [];
    for await (const g of t.clients.compute.galleries.listByResourceGroup(RG)) names.push(g.name!);
    expect(names).toEqual([GALLERY]);
  });

  it("refuses a gallery name with a dash and reports a missing gallery", async () => {
    expect(await restError(t.clients.compute.galleries.createOrUpdate(RG, "my-gallery", { location: "westus" }))).toMatchObject({ statusCode: 400, code: "InvalidParameter" });
    expect(await restError(t.clients.compute.galleries.get(RG, "nothere"))).toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
  });

  it("requires osType and refuses to change it later", async () => {
    const identifier = { publisher: "myCo", offer: "Windows", sku: "Win2019" };
    const missing = await restError(t.clients.compute.galleryImages.createOrUpdate(RG, GALLERY, IMAGE, { location: "westus", osState: "Generalized", identifier }));
    expect(missing).toMatchObject({ statusCode: 400, code: "InvalidParameter" });
    const image = await t.clients.compute.galleryImages.createOrUpdate(RG, GALLERY, IMAGE, { location: "westus", osType: "Windows", osState: "Generalized", identifier });
    expect(image).toMatchObject({ osType: "Windows", hyperVGeneration: "V1", provisioningState: "Succeeded" });
    const change = await restError(t.clients.compute.galleryImages.createOrUpdate(RG, GALLERY, IMAGE, { location: "westus", osType: "Linux", osState: "Generalized", identifier }));
    expect(change).toMatchObject({ statusCode: 409, code: "PropertyChangeNotAllowed" });
  });

  it("will not delete a gallery that still has image definitions", async () => {
    expect(await restError(t.clients.compute.galleries.delete(RG, GALLERY))).toMatchObject({ statusCode: 409, code: "CannotDeleteResource" });
  });
});

describe("image versions", () => {
  let versionName = "";

  it("are created only by image builds", async () => {
    const put = t.clients.compute.galleryImageVersions.createOrUpdate(RG, GALLERY, IMAGE, "1.0.0", { location: "westus", storageProfile: {} });
    expect(await restError(put)).toMatchObject({ statusCode: 400, code: "OperationNotAllowed" });
  });

  it("replicate region after region as the clock advances", async () => {
    const record = t.arm.sim.backends.compute.createImageVersion({
      galleryImageId: imageId(), location: "westus", regions: ["westus", "eastus"], tags: { source: "azureVmImageBuilder" },
      generalizations: 1, paths: ["C:\\buildActions\\buildActionsOutput.txt", "C:\\buildArtifacts\\index.html"], replicationStartsAt: t.arm.clock.now(),
    });
    versionName = record.name.split("/").at(-1)!;
    expect(versionName).toMatch(/^0\.\d{5}\.\d{1,5}$/);
    const read = () => t.clients.compute.galleryImageVersions.get(RG, GALLERY, IMAGE, versionName, { expand: "ReplicationStatus" });

    const first = await read();
    expect(first.provisioningState).toBe("Creating");
    expect(first.publishingProfile?.targetRegions?.map((r) => r.name)).toEqual(["westus", "eastus"]);
    expect(first.replicationStatus?.aggregatedState).toBe("InProgress");
    expect(first.replicationStatus?.summary?.map((s) => s.state)).toEqual(["Replicating", "Replicating"]);

    await t.control.advance(TEN_MINUTES / 2);
    const half = await read();
    expect(half.replicationStatus?.summary?.[0].progress).toBeGreaterThanOrEqual(50);
    expect(half.replicationStatus?.summary?.[0].progress).toBeLessThan(100);

    await t.control.advance(TEN_MINUTES / 2);
    expect((await read()).replicationStatus?.summary?.map((s) => s.state)).toEqual(["Completed", "Replicating"]);

    await t.control.advance(TEN_MINUTES);
    const done = await read();
    expect(done).toMatchObject({ provisioningState: "Succeeded", replicationStatus: { aggregatedState: "Completed" } });
    expect(done.tags).toEqual({ source: "azureVmImageBuilder" });
  });

  it("report a failing region as Failed", async () => {
    await t.control.scenario({ failingRegions: ["eastus"] });
    const record = t.arm.sim.backends.compute.createImageVersion({
      galleryImageId: imageId(), location: "westus", regions: ["westus", "eastus"], generalizations: 1, paths: [], replicationStartsAt: t.arm.clock.now(),
    });
    await t.control.scenario({ failingRegions: [] });
    await t.control.advance(2 * TEN_MINUTES);
    const status = t.arm.sim.backends.compute.replicationStatus(record.id);
    expect(status.aggregatedState).toBe("Failed");
    expect(status.summary[1]).toMatchObject({ region: "eastus", state: "Failed" });
    const versions: string[] = [];
    for await (const v of t.clients.compute.galleryImageVersions.listByGalleryImage(RG, GALLERY, IMAGE)) versions.push(v.name!);
    expect(versions).toHaveLength(2);
  });

  it("keep an image definition with versions from being deleted", async () => {
    expect(await restError(t.clients.compute.galleryImages.delete(RG, GALLERY, IMAGE))).toMatchObject({ statusCode: 409, code: "CannotDeleteResource" });
  });
});

describe("verification VM and Run Command", () => {
  const VNET = "aibVnet";
  let nicId = "";
  let versionId = "";

  beforeAll(async () => {
    const { network } = t.clients;
    await network.virtualNetworks.createOrUpdate(RG, VNET, { location: "westus", addressSpace: { addressPrefixes: ["10.0.0.0/16"] }, subnets: [{ name: "default", addressPrefix: "10.0.0.0/24" }] });
    const subnet = await network.subnets.get(RG, VNET, "default");
    const nic = await network.networkInterfaces.createOrUpdate(RG, "vmNic", { location: "westus", ipConfigurations: [{ name: "ipconfig1", subnet: { id: subnet.id } }] });
    nicId = nic.id!;
    versionId = t.arm.sim.backends.compute.createImageVersion({
      galleryImageId: imageId(), location: "westus", regions: ["westus"], generalizations: 1,
      paths: ["C:\\buildActions\\buildActionsOutput.txt"], replicationStartsAt: t.arm.clock.now(),
    }).id;
  });

  const vm = (password = "Str0ng!Passw0rd") => ({
    location: "westus",
    hardwareProfile: { vmSize: "Standard_D2s_v3" },
    storageProfile: { imageReference: { id: versionId }, osDisk: { createOption: "FromImage", deleteOption: "Delete" } },
    osProfile: { computerName: "aibtestvm", adminUsername: "aibadmin", adminPassword: password },
    networkProfile: { networkInterfaces: [{ id: nicId, primary: true, deleteOption: "Delete" }] },
  });

  it("is refused until the version has replicated to the VM's region", async () => {
    expect(await restError(t.clients.compute.virtualMachines.createOrUpdate(RG, "aibtestvm", vm()))).toMatchObject({ statusCode: 404, code: "GalleryImageNotFound" });
    await t.control.advance(TEN_MINUTES);
  });

  it("checks the admin password and never returns it", async () => {
    const weak = await restError(t.clients.compute.virtualMachines.createOrUpdate(RG, "aibtestvm", vm("short1A")));
    expect(weak).toMatchObject({ statusCode: 400, code: "InvalidParameter" });
    const created = await t.clients.compute.virtualMachines.createOrUpdate(RG, "aibtestvm", vm());
    expect(created).toMatchObject({ provisioningState: "Succeeded", storageProfile: { imageReference: { exactVersion: versionId.split("/").at(-1) } } });
    const read = await t.clients.compute.virtualMachines.get(RG, "aibtestvm");
    expect(read.osProfile?.adminUsername).toBe("aibadmin");
    expect(read.osProfile?.adminPassword).toBeUndefined();
    expect(JSON.stringify(await t.control.resources())).not.toContain("Str0ng!Passw0rd");
  });

  it("runs PowerShell against the image's paths", async () => {
    const result = await t.clients.compute.virtualMachines.runCommand(RG, "aibtestvm", {
      commandId: "RunPowerShellScript",
      script: ["Test-Path 'C:\\buildActions'", "Test-Path C:\\nothere", "if (-not (Test-Path 'c:\\buildActions2')) { Write-Error 'buildActions2 missing'; exit 1 }"],
    });
    const [stdout, stderr] = result.value!;
    expect(stdout).toMatchObject({ code: "ComponentStatus/StdOut/succeeded", message: "True\nFalse" });
    expect(stderr.code).toBe("ComponentStatus/StdErr/succeeded");
    expect(stderr.message).toContain("buildActions2 missing");
  });

  it("keeps its NIC until the VM is deleted, then deletes it with the VM", async () => {
    expect(await restError(t.clients.network.networkInterfaces.delete(RG, "vmNic"))).toMatchObject({ statusCode: 400, code: "NicInUse" });
    await t.clients.compute.virtualMachines.delete(RG, "aibtestvm");
    expect(await restError(t.clients.compute.virtualMachines.get(RG, "aibtestvm"))).toMatchObject({ statusCode: 404 });
    expect(await restError(t.clients.network.networkInterfaces.get(RG, "vmNic"))).toMatchObject({ statusCode: 404 });
  });
});
