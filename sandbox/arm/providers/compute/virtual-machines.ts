// Virtual machines from gallery images (the verification VM of an image pipeline): PUT/GET/DELETE/list.
// The VM remembers its image's paths, so Run Command can look at them. adminPassword is checked and
// then dropped: it is never stored or returned, as in Azure.
import { randomUUID } from "node:crypto";
import type { ArmRequest, ArmResponse, RouteDef, Sim } from "../../types.js";
import type { ResourceRecord } from "../../state.js";
import { errors } from "../../errors.js";
import {
  asObject, lastSegment, live, liveOfType, parseTrackedPut, putRecord, putResponse, requestResourceId, requireResourceGroup, scheduleDelete, startDelete, tagsOf,
} from "../tracked.js";
import { COMPUTE, RG_PATH, TYPES, VM_API_VERSIONS, VM_PATH, list, view } from "./common.js";
import { replicationStatus, resolveVersion } from "./image-versions.js";
import { putNic } from "../network/interfaces.js";

/** What a VM knows about its image, for Run Command. */
export interface VmImage {
  osType: "Windows" | "Linux";
  paths: string[];
  /** ISO time the image was published (LastWriteTime of its files) */
  publishedDate: string;
  osState: string;
  /** the gallery version the VM was created from */
  exactVersion?: string;
}

const NETWORK_INTERFACE = "Microsoft.Network/networkInterfaces";

const missing = (target: string) => errors.invalidParameter(`Required parameter '${target}' is missing (null).`, target);

/** The image a VM is created from: a gallery version (or a definition's latest) replicated to the VM's region. */
function resolveImage(sim: Sim, imageReference: Record<string, unknown>, location: string): VmImage {
  if (typeof imageReference.id !== "string") {
    if (typeof imageReference.publisher !== "string") throw missing("storageProfile.imageReference");
    // Marketplace images carry nothing the simulator knows beyond Windows' standard folders.
    const osType = /windows/i.test(imageReference.publisher) ? "Windows" : "Linux";
    return { osType, osState: "Generalized", paths: [], publishedDate: sim.clock.date().toISOString() };
  }
  const version = resolveVersion(sim, imageReference.id);
  if (!version) throw errors.galleryImageNotFound(`The gallery image ${imageReference.id} is not found.`);
  const region = replicationStatus(sim, version).summary.find((s) => s.region === location);
  if (region?.state !== "Completed") {
    throw errors.galleryImageNotFound(
      `The gallery image ${version.id} is not available in ${location} region. Please contact image owner to replicate to this region, or change your requested region.`,
    );
  }
  const definition = live(sim, version.id.replace(/\/versions\/[^/]+$/i, ""))!.body.properties as { osType: "Windows" | "Linux"; osState: string };
  const facts = version.internal.version as { paths: string[] };
  const published = (version.body.properties as { publishingProfile: { publishedDate: string } }).publishingProfile.publishedDate;
  return { osType: definition.osType, osState: definition.osState, paths: facts.paths, publishedDate: published, exactVersion: lastSegment(version.id) };
}

/** Azure's password rules: length by OS, and 3 of lower, upper, digit, special. */
function checkPassword(password: string, osType: "Windows" | "Linux"): void {
  const [min, max] = osType === "Windows" ? [12, 123] : [6, 72];
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (password.length < min || password.length > max || classes < 3) {
    throw errors.invalidParameter(
      `The supplied password must be between ${min}-${max} characters long and must satisfy at least 3 of password complexity requirements from the following:\r\n1) Contains an uppercase character\r\n2) Contains a lowercase character\r\n3) Contains a numeric digit\r\n4) Contains a special character\r\n5) Control characters are not allowed`,
      "adminPassword",
    );
  }
}

/** Checks osProfile and returns it without adminPassword. */
function osProfileOf(requested: Record<string, unknown> | undefined, image: { osType: "Windows" | "Linux"; osState: string }) {
  if (image.osState === "Specialized") {
    if (requested) throw errors.invalidParameter("Parameter 'osProfile' is not allowed.", "osProfile");
    return undefined;
  }
  if (!requested) throw missing("osProfile");
  const { adminPassword, ...kept } = requested;
  const computerName = kept.computerName;
  if (typeof computerName !== "string" || !computerName) throw missing("osProfile.computerName");
  if (image.osType === "Windows" && (computerName.length > 15 || /^\d+$/.test(computerName) || /[`~!@#$%^&*()=+_[\]{}\\|;:.'",<>/?]/.test(computerName))) {
    throw errors.invalidParameter(
      "Windows computer name cannot be more than 15 characters long, be entirely numeric, or contain the following characters: ` ~ ! @ # $ % ^ & * ( ) = + _ [ ] { } \\ | ; : . ' \" , < > / ?.",
      "computerName",
    );
  }
  if (typeof kept.adminUsername !== "string" || !kept.adminUsername) throw missing("osProfile.adminUsername");
  const passwordless = image.osType === "Linux" && asObject(kept.linuxConfiguration)?.disablePasswordAuthentication === true;
  if (!passwordless) {
    if (typeof adminPassword !== "string") throw missing("osProfile.adminPassword");
    checkPassword(adminPassword, image.osType);
  }
  return kept;
}

interface NicRef {
  id: string;
  deleteOption: string;
}

/**
 * NICs a VM creates itself from networkProfile.networkInterfaceConfigurations (with networkApiVersion),
 * as Azure does: each named after its configuration, in the VM's group, made through the network RP's
 * own NIC PUT so they look and validate like any NIC. Public IP configurations are not simulated.
 */
function createInlineNics(sim: Sim, req: ArmRequest, networkProfile: Record<string, unknown>, location: string, tags: Record<string, string> | undefined): NicRef[] {
  if (typeof networkProfile.networkApiVersion !== "string") throw missing("networkProfile.networkApiVersion");
  const groupId = requestResourceId(req).replace(/\/providers\/.*$/i, "");
  const configs = (networkProfile.networkInterfaceConfigurations as unknown[]).map((c) => asObject(c) ?? {});
  return configs.map((config) => {
    const name = String(config.name ?? "");
    const properties = asObject(config.properties) ?? {};
    const ipConfigurations = (Array.isArray(properties.ipConfigurations) ? properties.ipConfigurations : []).map((c) => {
      const ip = asObject(c) ?? {};
      const { subnet, primary } = asObject(ip.properties) ?? {};
      return { name: ip.name, properties: { subnet, primary } };
    });
    const id = `${groupId}/providers/Microsoft.Network/networkInterfaces/${name}`;
    const nicTags = (asObject(config.tags) as Record<string, string> | undefined) ?? tags;
    putNic(sim, { ...req, path: id, params: { ...req.params, networkInterfaceName: name }, body: { location, tags: nicTags, properties: { ipConfigurations } } });
    return { id, deleteOption: String(properties.deleteOption ?? "Detach") };
  });
}

function networkInterfacesOf(sim: Sim, networkProfile: Record<string, unknown> | undefined, location: string): NicRef[] {
  const refs = Array.isArray(networkProfile?.networkInterfaces) ? networkProfile.networkInterfaces.map((n) => asObject(n) ?? {}) : [];
  if (!refs.length) throw missing("networkProfile");
  return refs.map((ref) => {
    const nic = typeof ref.id === "string" ? live(sim, ref.id) : undefined;
    if (!nic || nic.type.toLowerCase() !== NETWORK_INTERFACE.toLowerCase()) throw errors.vmNetworkInterfaceNotFound(String(ref.id));
    if (nic.body.location !== location) {
      throw errors.invalidParameter(`The network interface ${nic.id} is in location '${String(nic.body.location)}'; the virtual machine is in '${location}'. They must be in the same location.`, "networkProfile.networkInterfaces");
    }
    return { id: nic.id, deleteOption: String(asObject(ref.properties)?.deleteOption ?? ref.deleteOption ?? "Detach") };
  });
}

function putVm(sim: Sim, req: ArmRequest): ArmResponse {
  const { body, id, location, requested } = parseTrackedPut(sim, req, "VirtualMachines_CreateOrUpdate", { code: "InvalidParameter" });
  const vmSize = asObject(requested.hardwareProfile)?.vmSize;
  if (typeof vmSize !== "string") throw missing("hardwareProfile.vmSize");
  const storage = asObject(requested.storageProfile) ?? {};
  const imageReference = asObject(storage.imageReference) ?? {};
  const existing = live(sim, id);
  if (existing && JSON.stringify(imageReference.id) !== JSON.stringify((existing.internal.imageReference as Record<string, unknown>).id)) {
    throw errors.propertyChangeNotAllowed("imageReference");
  }
  const image = existing ? (existing.internal.image as VmImage) : resolveImage(sim, imageReference, location);
  const osProfile = osProfileOf(asObject(requested.osProfile), image);
  const networkProfile = asObject(requested.networkProfile);
  const nics = Array.isArray(networkProfile?.networkInterfaceConfigurations)
    ? createInlineNics(sim, req, networkProfile, location, tagsOf(body))
    : networkInterfacesOf(sim, networkProfile, location);
  for (const nic of nics) {
    const user = liveOfType(sim, TYPES.vm).find((vm) => vm.id !== id && (vm.internal.nics as NicRef[]).some((n) => n.id.toLowerCase() === nic.id.toLowerCase()));
    if (user) throw errors.nicInUse(nic.id, user.id);
  }
  const name = req.params.vmName;
  const osDiskRequest = asObject(storage.osDisk) ?? {};
  const diskName = (existing?.internal.diskName as string) ?? `${name}_OsDisk_1_${randomUUID().replace(/-/g, "")}`;
  const diskId = `${id.replace(/\/virtualMachines\/[^/]+$/i, "")}/disks/${diskName}`;
  const properties = {
    ...requested,
    vmId: (existing?.body.properties as { vmId?: string } | undefined)?.vmId ?? randomUUID(),
    storageProfile: {
      ...storage,
      imageReference: { ...imageReference, ...(image.exactVersion ? { exactVersion: image.exactVersion } : {}) },
      osDisk: {
        osType: image.osType,
        name: diskName,
        createOption: "FromImage",
        caching: "ReadWrite",
        deleteOption: "Detach",
        diskSizeGB: 127,
        ...osDiskRequest,
        managedDisk: { ...asObject(osDiskRequest.managedDisk), id: diskId },
      },
      dataDisks: [],
    },
    ...(osProfile ? { osProfile } : {}),
    timeCreated: (existing?.body.properties as { timeCreated?: string } | undefined)?.timeCreated ?? sim.clock.date().toISOString(),
  };
  delete (properties as Record<string, unknown>).provisioningState;
  const internal = { image, imageReference, nics, diskName };
  const record = putRecord(sim, { id, type: TYPES.vm, name, body: { id, name, type: TYPES.vm, location, tags: tagsOf(body), properties } }, internal);
  if (!existing) {
    putRecord(sim, {
      id: diskId, type: TYPES.disk, name: diskName,
      body: { id: diskId, name: diskName, type: TYPES.disk, location, managedBy: id, properties: { osType: image.osType, diskSizeGB: 127, diskState: "Attached", creationData: { createOption: "FromImage" } } },
    });
  }
  return putResponse(sim, COMPUTE, record, view(sim, record), ["azure-asyncoperation", "location"]);
}

export function getVm(sim: Sim, req: ArmRequest): ResourceRecord {
  const record = live(sim, requestResourceId(req).replace(/\/runCommand$/i, ""));
  if (!record) throw errors.resourceNotFound(TYPES.vm, req.params.vmName, req.params.resourceGroupName);
  return record;
}

/** Deleting a VM also deletes the NICs and OS disk whose deleteOption is Delete, when the VM is gone. */
function deleteVm(sim: Sim, req: ArmRequest): ArmResponse {
  const response = startDelete(sim, COMPUTE, requestResourceId(req), ["azure-asyncoperation", "location"]);
  const vm = sim.state.get(requestResourceId(req));
  if (!vm || response.status !== 202) return response;
  const goneAt = (vm.internal.lifecycle as { goneAt: number }).goneAt;
  const disk = (vm.body.properties as { storageProfile: { osDisk: { deleteOption: string; managedDisk: { id: string } } } }).storageProfile.osDisk;
  const doomed = [...(vm.internal.nics as NicRef[]).filter((n) => n.deleteOption === "Delete").map((n) => n.id), ...(disk.deleteOption === "Delete" ? [disk.managedDisk.id] : [])];
  for (const id of doomed) {
    const record = live(sim, id);
    if (record) scheduleDelete(sim, record, goneAt);
  }
  return response;
}

export function vmRoutes(sim: Sim): RouteDef[] {
  const apiVersions = VM_API_VERSIONS;
  return [
    { method: "PUT", pattern: VM_PATH, apiVersions, handler: (req) => putVm(sim, req) },
    { method: "GET", pattern: VM_PATH, apiVersions, handler: (req) => ({ status: 200, body: view(sim, getVm(sim, req)) }) },
    { method: "DELETE", pattern: VM_PATH, apiVersions, handler: (req) => deleteVm(sim, req) },
    {
      method: "GET", pattern: `${RG_PATH}/virtualMachines`, apiVersions,
      handler: (req) => {
        requireResourceGroup(sim, req);
        return { status: 200, body: list(sim, liveOfType(sim, TYPES.vm, requestResourceId(req).replace(/\/providers\/.*$/i, ""))) };
      },
    },
  ];
}
