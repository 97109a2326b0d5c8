// How-to's last check, automated: a VM in the verification region from exactly the new version, on
// its own vnet. Names derive from the build, so a retried activity finds what it already made. The
// admin password is made here and never leaves the activity: the check runs through Run Command, which
// goes through the VM agent, so the VM needs no public IP, no inbound rule and hence no NSG. The VM
// makes its NIC itself (networkInterfaceConfigurations) and deletes it with itself: a separate NIC, IP
// and NSG each cost a create and a delete, both polled, per build.
import { randomBytes } from "node:crypto";
import type { ImageScope } from "../builds/scope.js";
import { verificationNames } from "../azure/names.js";
import { CREATED_BY_TAG, CREATED_BY_VALUE, IMAGE_TAG, completed, getClients, getOrUndefined, resourceGroupId } from "./deps.js";

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

  const vnet = { location, tags, addressSpace: { addressPrefixes: ["10.42.0.0/24"] }, subnets: [{ name: names.subnet, addressPrefix: "10.42.0.0/26" }] };
  await completed(
    (options) => network.virtualNetworks.createOrUpdate(rg, names.vnet, vnet, options),
    () => network.virtualNetworks.get(rg, names.vnet),
  );
  const subnet = { id: `${networkIds}/virtualNetworks/${names.vnet}/subnets/${names.subnet}` };
  const vmBody = {
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
      // The oldest api-version that creates NICs from configurations; the NIC goes with the VM.
      networkApiVersion: "2020-11-01",
      networkInterfaceConfigurations: [
        { name: names.nic, tags, primary: true, deleteOption: "Delete", ipConfigurations: [{ name: "ipconfig1", primary: true, subnet }] },
      ],
    },
  };
  // A retried activity finds the VM it made: a second PUT would carry a new admin password, and Azure
  // refuses to change it (PropertyChangeNotAllowed).
  const existing = await getOrUndefined(() => compute.virtualMachines.get(rg, names.vm));
  if (existing?.id && existing.provisioningState === "Succeeded") return { vmName: names.vm, vmId: existing.id };
  if (existing) throw new Error(`verification VM ${names.vm} is ${existing.provisioningState ?? "being created"}; trying again shortly`);
  const vm = await completed(
    (options) => compute.virtualMachines.createOrUpdate(rg, names.vm, vmBody, options),
    () => compute.virtualMachines.get(rg, names.vm),
  );
  if (!vm.id) throw new Error(`Azure returned VM ${names.vm} without an id`);
  return { vmName: names.vm, vmId: vm.id };
}
