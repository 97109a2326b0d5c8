// Network interfaces: ip configurations reference an existing subnet (and optionally a public IP) in
// the NIC's region; the private address is allocated from the subnet. A NIC attached to a VM cannot be
// deleted.
import { randomUUID } from "node:crypto";
import type { ArmRequest, ArmResponse, Sim } from "../../types.js";
import type { ResourceRecord } from "../../state.js";
import { errors } from "../../errors.js";
import {
  asObject, live, parseTrackedPut, putRecord, putResponse, requestResourceId, startDelete, tagsOf,
} from "../tracked.js";
import {
  DELETE_HEADERS, NETWORK, PUT_HEADERS, TYPES, formatIp, hashNumber, ipConfigurationsUsing, newEtag, parseCidr, refId,
  requireReference, view, type IpConfigurationRef,
} from "./common.js";
import { vmUsingNic } from "./addresses.js";

const IP_CONFIGURATION_TYPE = "Microsoft.Network/networkInterfaces/ipConfigurations";

/** The first free address of the subnet after Azure's 4 reserved ones. */
function allocatePrivateIp(sim: Sim, subnet: ResourceRecord, nicId: string, taken: Set<string>): string {
  const properties = subnet.body.properties as { addressPrefix?: string; addressPrefixes?: string[] };
  const [base, bits] = parseCidr(properties.addressPrefix ?? properties.addressPrefixes?.[0] ?? "10.0.0.0/24")!;
  const used = new Set(
    sim.state.ofType(TYPES.nic)
      .filter((nic) => nic.id.toLowerCase() !== nicId.toLowerCase() && live(sim, nic.id))
      .flatMap((nic) => (nic.body.properties as { ipConfigurations: { properties: { privateIPAddress: string } }[] }).ipConfigurations)
      .map((c) => c.properties.privateIPAddress),
  );
  for (let n = base + 4; n < base + 2 ** (32 - bits) - 1; n++) {
    const ip = formatIp(n);
    if (!used.has(ip) && !taken.has(ip)) return ip;
  }
  throw errors.badRequest("SubnetIsFull", `Subnet ${subnet.name} with address prefix ${String(properties.addressPrefix)} does not have enough capacity for 1 IP addresses.`);
}

function ipConfigurations(sim: Sim, nicId: string, location: string, requested: unknown): { wire: Record<string, unknown>[]; refs: IpConfigurationRef[] } {
  const configs = Array.isArray(requested) ? requested.map((c) => asObject(c) ?? {}) : [];
  if (!configs.length) throw errors.badRequest("InvalidRequestFormat", `Network interface ${nicId} must have at least one IP configuration.`, "properties.ipConfigurations");
  const taken = new Set<string>();
  const wire: Record<string, unknown>[] = [];
  const refs: IpConfigurationRef[] = [];
  configs.forEach((config, i) => {
    const id = `${nicId}/ipConfigurations/${String(config.name ?? `ipconfig${i + 1}`)}`;
    const properties = { ...asObject(config.properties) };
    const subnetId = refId(properties.subnet);
    if (!subnetId) throw errors.badRequest("InvalidRequestFormat", `IP configuration ${id} must reference a subnet.`, "properties.ipConfigurations.properties.subnet");
    const subnet = requireReference(sim, subnetId, TYPES.subnet, nicId);
    if (subnet.internal.location !== location) throw errors.invalidResourceReference(subnet.id, nicId);
    const publicIp = refId(properties.publicIPAddress);
    if (publicIp) {
      const pip = requireReference(sim, publicIp, TYPES.publicIp, nicId);
      if (pip.body.location !== location) throw errors.invalidResourceReference(pip.id, nicId);
      const other = ipConfigurationsUsing(sim, "publicIp", pip.id).find((c) => !c.id.toLowerCase().startsWith(`${nicId.toLowerCase()}/`));
      if (other) throw errors.publicIpAddressInUse(pip.id, other.id);
    }
    const method = String(properties.privateIPAllocationMethod ?? "Dynamic");
    const address = method === "Static" && typeof properties.privateIPAddress === "string" ? properties.privateIPAddress : allocatePrivateIp(sim, subnet, nicId, taken);
    taken.add(address);
    delete properties.provisioningState;
    wire.push({
      id, name: config.name ?? `ipconfig${i + 1}`, etag: newEtag(), type: IP_CONFIGURATION_TYPE,
      properties: {
        ...properties,
        privateIPAddress: address,
        privateIPAllocationMethod: method,
        privateIPAddressVersion: "IPv4",
        subnet: { id: subnet.id },
        ...(publicIp ? { publicIPAddress: { id: publicIp } } : {}),
        primary: properties.primary ?? i === 0,
      },
    });
    refs.push({ id, subnet: subnet.id, publicIp });
  });
  return { wire, refs };
}

export function putNic(sim: Sim, req: ArmRequest): ArmResponse {
  const { body, id, location, requested } = parseTrackedPut(sim, req, "NetworkInterfaces_CreateOrUpdate");
  const { wire, refs } = ipConfigurations(sim, id, location, requested.ipConfigurations);
  const nsg = refId(requested.networkSecurityGroup);
  if (nsg) requireReference(sim, nsg, TYPES.nsg, id);
  for (const key of ["provisioningState", "virtualMachine", "macAddress"]) delete requested[key];
  const existing = live(sim, id);
  const name = req.params.networkInterfaceName;
  const properties = {
    enableAcceleratedNetworking: false,
    enableIPForwarding: false,
    dnsSettings: { dnsServers: [], appliedDnsServers: [] },
    nicType: "Standard",
    ...requested,
    ipConfigurations: wire,
    ...(nsg ? { networkSecurityGroup: { id: nsg } } : {}),
    resourceGuid: (existing?.body.properties as { resourceGuid?: string } | undefined)?.resourceGuid ?? randomUUID(),
  };
  const record = putRecord(
    sim,
    { id, type: TYPES.nic, name, body: { id, name, type: TYPES.nic, location, tags: tagsOf(body), etag: newEtag(), properties } },
    { ipConfigurations: refs },
  );
  return putResponse(sim, NETWORK, record, nicView(sim, record), PUT_HEADERS);
}

/** Attached to a VM, a NIC shows the VM and has a MAC address. */
export function nicView(sim: Sim, record: ResourceRecord): Record<string, unknown> {
  const vm = vmUsingNic(sim, record.id);
  if (!vm) return view(sim, record);
  const mac = hashNumber(record.id).toString(16).toUpperCase().padStart(8, "0").match(/../g)!.join("-");
  return view(sim, record, { virtualMachine: { id: vm.id }, macAddress: `00-0D-${mac}`, primary: true });
}

export function deleteNic(sim: Sim, req: ArmRequest): ArmResponse {
  const id = requestResourceId(req);
  const vm = vmUsingNic(sim, id);
  if (vm) throw errors.nicInUse(id, vm.id);
  return startDelete(sim, NETWORK, id, DELETE_HEADERS);
}
