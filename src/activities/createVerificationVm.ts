// How-to's last check, automated: a VM in the verification region from exactly the new version, on
// its own network (NSG, vnet/subnet, public IP, NIC). Names derive from the build, so a retried
// activity finds what it already made. The admin password is made here and never leaves the activity:
// the check runs through Run Command, which needs no logon.
import { randomBytes } from "node:crypto";
import type { ImageScope } from "../builds/scope.js";
import { verificationNames } from "../azure/names.js";
import { CREATED_BY_TAG, CREATED_BY_VALUE, IMAGE_TAG, getClients, resourceGroupId } from "./deps.js";

export const createVerificationVmName = "createVerificationVm";

/** Tag on every verification resource: cleanup finds leftovers of any build by it. */
export const BUILD_TAG = "aibFactoryBuild";

export interface Input extends ImageScope {
  buildId: string;
  region: string;
  vmSize: string;
  imageVersionId: string;
}

export interface Output {
  vmName: string;
  vmId: string;
}

/** Meets Azure's Windows rules (length, three character classes) without ever being stored. */
function oneTimePassword(): string {
  return `${randomBytes(18).toString("base64url")}aA1!`;
}

export async function createVerificationVm(input: Input): Promise<Output> {
  const { network, compute } = getClients(input.subscriptionId);
  const names = verificationNames(input.buildId);
  const rg = input.resourceGroup;
  const location = input.region;
  const tags = { [CREATED_BY_TAG]: CREATED_BY_VALUE, [IMAGE_TAG]: input.image, [BUILD_TAG]: input.buildId };
  const networkIds = `${resourceGroupId(input)}/providers/Microsoft.Network`;

  // No inbound rule: Run Command goes through the VM agent, not the network.
  await network.networkSecurityGroups.createOrUpdate(rg, names.nsg, { location, tags, securityRules: [] });
  await network.virtualNetworks.createOrUpdate(rg, names.vnet, {
    location,
    tags,
    addressSpace: { addressPrefixes: ["10.42.0.0/24"] },
    subnets: [
      { name: names.subnet, addressPrefix: "10.42.0.0/26", networkSecurityGroup: { id: `${networkIds}/networkSecurityGroups/${names.nsg}` } },
    ],
  });
  await network.publicIPAddresses.createOrUpdate(rg, names.publicIp, {
    location,
    tags,
    sku: { name: "Standard" },
    publicIPAllocationMethod: "Static",
  });
  await network.networkInterfaces.createOrUpdate(rg, names.nic, {
    location,
    tags,
    ipConfigurations: [
      {
        name: "ipconfig1",
        subnet: { id: `${networkIds}/virtualNetworks/${names.vnet}/subnets/${names.subnet}` },
        publicIPAddress: { id: `${networkIds}/publicIPAddresses/${names.publicIp}` },
      },
    ],
  });
  const vm = await compute.virtualMachines.createOrUpdate(rg, names.vm, {
    location,
    tags,
    hardwareProfile: { vmSize: input.vmSize },
    // The version's own id, not the definition's: we verify this build, not whatever is latest.
    storageProfile: {
      imageReference: { id: input.imageVersionId },
      osDisk: { createOption: "FromImage", deleteOption: "Delete", managedDisk: { storageAccountType: "Standard_LRS" } },
    },
    osProfile: { computerName: names.computerName, adminUsername: "aibverify", adminPassword: oneTimePassword() },
    networkProfile: {
      networkInterfaces: [{ id: `${networkIds}/networkInterfaces/${names.nic}`, primary: true }],
    },
  });
  if (!vm.id) throw new Error(`Azure returned VM ${names.vm} without an id`);
  return { vmName: names.vm, vmId: vm.id };
}
