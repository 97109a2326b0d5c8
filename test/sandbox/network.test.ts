// Microsoft.Network in the simulator, driven by the real NetworkManagementClient: the how-to's network
// pieces for a verification VM, references that must exist, and the order deletes must follow.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestArm, type TestArm } from "./harness.js";
import { restError } from "./rest-error.js";

const RG = "aibnet01";

let t: TestArm;
beforeAll(async () => {
  t = await startTestArm({ scale: 1, scenario: { defaultLroMs: 0 } });
  await t.clients.resources.resourceGroups.createOrUpdate(RG, { location: "westus" });
});
afterAll(async () => t?.close());

describe("network resources", () => {
  const net = () => t.clients.network;
  let subnetId = "";
  let pipId = "";
  let nsgId = "";

  it("creates a VNet with an inline subnet and adds another subnet", async () => {
    const vnet = await net().virtualNetworks.createOrUpdate(RG, "vnet1", {
      location: "westus", addressSpace: { addressPrefixes: ["10.1.0.0/16"] }, subnets: [{ name: "default", addressPrefix: "10.1.0.0/24" }],
    });
    expect(vnet).toMatchObject({ provisioningState: "Succeeded", subnets: [{ name: "default", addressPrefix: "10.1.0.0/24" }] });
    expect(vnet.etag).toMatch(/^W\/"/);
    const extra = await net().subnets.createOrUpdate(RG, "vnet1", "extra", { addressPrefix: "10.1.1.0/24" });
    expect(extra.provisioningState).toBe("Succeeded");
    subnetId = (await net().subnets.get(RG, "vnet1", "default")).id!;
    expect(await restError(net().subnets.createOrUpdate(RG, "vnet1", "outside", { addressPrefix: "10.2.0.0/24" }))).toMatchObject({ statusCode: 400, code: "NetcfgSubnetRangeOutsideVnet" });
  });

  it("creates a public IP and an NSG with a rule", async () => {
    const pip = await net().publicIPAddresses.createOrUpdate(RG, "pip1", { location: "westus", sku: { name: "Standard" }, publicIPAllocationMethod: "Static" });
    expect(pip.ipAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    pipId = pip.id!;
    const rdp = { name: "AllowRdp", protocol: "Tcp", access: "Allow", priority: 1000, direction: "Inbound", sourcePortRange: "*", destinationPortRange: "3389", sourceAddressPrefix: "*", destinationAddressPrefix: "*" };
    const nsg = await net().networkSecurityGroups.createOrUpdate(RG, "nsg1", { location: "westus", securityRules: [rdp] });
    expect(nsg.securityRules?.[0]).toMatchObject({ name: "AllowRdp", priority: 1000, provisioningState: "Succeeded" });
    expect(nsg.defaultSecurityRules).toHaveLength(6);
    nsgId = nsg.id!;
    const bad = await restError(net().networkSecurityGroups.createOrUpdate(RG, "nsg2", { location: "westus", securityRules: [{ ...rdp, priority: 5000 }] }));
    expect(bad).toMatchObject({ statusCode: 400, code: "SecurityRuleInvalidPriority" });
  });

  it("needs the NIC's subnet to exist and allocates a private address", async () => {
    const missing = `${subnetId.replace(/\/default$/, "")}/nothere`;
    const bad = await restError(net().networkInterfaces.createOrUpdate(RG, "nicBad", { location: "westus", ipConfigurations: [{ name: "ipconfig1", subnet: { id: missing } }] }));
    expect(bad).toMatchObject({ statusCode: 400, code: "InvalidResourceReference" });
    const nic = await net().networkInterfaces.createOrUpdate(RG, "nic1", {
      location: "westus",
      networkSecurityGroup: { id: nsgId },
      ipConfigurations: [{ name: "ipconfig1", subnet: { id: subnetId }, publicIPAddress: { id: pipId } }],
    });
    expect(nic.ipConfigurations?.[0]).toMatchObject({ privateIPAddress: "10.1.0.4", subnet: { id: subnetId }, publicIPAddress: { id: pipId } });
    expect((await net().subnets.get(RG, "vnet1", "default")).ipConfigurations?.map((c) => c.id)).toEqual([nic.ipConfigurations?.[0].id]);
    expect((await net().publicIPAddresses.get(RG, "pip1")).ipConfiguration?.id).toBe(nic.ipConfigurations?.[0].id);
  });

  it("refuses to delete what a NIC still uses, then deletes in order", async () => {
    expect(await restError(net().subnets.delete(RG, "vnet1", "default"))).toMatchObject({ statusCode: 400, code: "InUseSubnetCannotBeDeleted" });
    expect(await restError(net().virtualNetworks.delete(RG, "vnet1"))).toMatchObject({ statusCode: 400, code: "InUseSubnetCannotBeDeleted" });
    expect(await restError(net().publicIPAddresses.delete(RG, "pip1"))).toMatchObject({ statusCode: 400, code: "PublicIPAddressInUse" });
    expect(await restError(net().networkSecurityGroups.delete(RG, "nsg1"))).toMatchObject({ statusCode: 400, code: "InUseNetworkSecurityGroupCannotBeDeleted" });
    await net().networkInterfaces.delete(RG, "nic1");
    await net().publicIPAddresses.delete(RG, "pip1");
    await net().networkSecurityGroups.delete(RG, "nsg1");
    await net().virtualNetworks.delete(RG, "vnet1");
    expect(await restError(net().virtualNetworks.get(RG, "vnet1"))).toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
    expect(await restError(net().subnets.get(RG, "vnet1", "extra"))).toMatchObject({ statusCode: 404 });
  });
});
