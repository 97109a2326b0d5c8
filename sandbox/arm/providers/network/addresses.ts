// Public IP addresses and network security groups. What uses them (NIC ip configurations, NICs,
// subnets) is derived when read, and deleting one that is in use fails as in Azure.
import { randomUUID } from "node:crypto";
import type { ArmRequest, ArmResponse, Sim } from "../../types.js";
import type { ResourceRecord } from "../../state.js";
import { errors } from "../../errors.js";
import {
  asObject, live, liveOfType, parseTrackedPut, putRecord, putResponse, requestResourceId, startDelete, tagsOf,
} from "../tracked.js";
import { DELETE_HEADERS, NETWORK, PUT_HEADERS, TYPES, formatIp, hashNumber, ipConfigurationsUsing, newEtag, refId, view } from "./common.js";

const VM = "Microsoft.Compute/virtualMachines";

/** A NIC is attached when a live VM lists it. */
export const vmUsingNic = (sim: Sim, nicId: string) =>
  liveOfType(sim, VM).find((vm) => ((vm.internal.nics as { id: string }[]) ?? []).some((n) => n.id.toLowerCase() === nicId.toLowerCase()));

export function putPublicIp(sim: Sim, req: ArmRequest): ArmResponse {
  const { body, id, location, requested } = parseTrackedPut(sim, req, "PublicIPAddresses_CreateOrUpdate");
  const sku = { name: "Standard", tier: "Regional", ...asObject(body.sku) };
  const allocation = String(requested.publicIPAllocationMethod ?? (sku.name === "Basic" ? "Dynamic" : "Static"));
  if (sku.name !== "Basic" && allocation !== "Static") {
    throw errors.badRequest("StandardSkuPublicIPAddressesMustBeStatic", `Standard sku publicIp ${id} must be specified with publicIPAllocationMethod set to Static.`);
  }
  delete requested.provisioningState;
  delete requested.ipAddress;
  const existing = live(sim, id);
  const name = req.params.publicIpAddressName;
  const properties = {
    publicIPAddressVersion: "IPv4",
    idleTimeoutInMinutes: 4,
    ipTags: [],
    ...requested,
    publicIPAllocationMethod: allocation,
    resourceGuid: (existing?.body.properties as { resourceGuid?: string } | undefined)?.resourceGuid ?? randomUUID(),
  };
  const record = putRecord(sim, { id, type: TYPES.publicIp, name, body: { id, name, type: TYPES.publicIp, location, tags: tagsOf(body), etag: newEtag(), sku, properties } });
  return putResponse(sim, NETWORK, record, publicIpView(sim, record), PUT_HEADERS);
}

/** A Static address exists from creation; a Dynamic one once its NIC is attached to a VM. */
export function publicIpView(sim: Sim, record: ResourceRecord): Record<string, unknown> {
  const [user] = ipConfigurationsUsing(sim, "publicIp", record.id);
  const nicId = user?.id.replace(/\/ipConfigurations\/[^/]+$/i, "");
  const allocated = (record.body.properties as { publicIPAllocationMethod: string }).publicIPAllocationMethod === "Static" || (nicId && vmUsingNic(sim, nicId));
  const h = hashNumber(record.id);
  return view(sim, record, {
    ...(allocated ? { ipAddress: formatIp(((20 << 24) >>> 0) + (h & 0xffffff)) } : {}),
    ...(user ? { ipConfiguration: { id: user.id } } : {}),
  });
}

export function deletePublicIp(sim: Sim, req: ArmRequest): ArmResponse {
  const id = requestResourceId(req);
  const [user] = ipConfigurationsUsing(sim, "publicIp", id);
  if (user) throw errors.publicIpAddressInUse(id, user.id);
  return startDelete(sim, NETWORK, id, DELETE_HEADERS);
}

const RULE_TYPE = "Microsoft.Network/networkSecurityGroups/securityRules";

const DEFAULT_RULES: [string, string, number, string, string, string][] = [
  ["AllowVnetInBound", "Inbound", 65000, "Allow", "VirtualNetwork", "VirtualNetwork"],
  ["AllowAzureLoadBalancerInBound", "Inbound", 65001, "Allow", "AzureLoadBalancer", "*"],
  ["DenyAllInBound", "Inbound", 65500, "Deny", "*", "*"],
  ["AllowVnetOutBound", "Outbound", 65000, "Allow", "VirtualNetwork", "VirtualNetwork"],
  ["AllowInternetOutBound", "Outbound", 65001, "Allow", "*", "Internet"],
  ["DenyAllOutBound", "Outbound", 65500, "Deny", "*", "*"],
];

function securityRules(nsgId: string, requested: unknown): Record<string, unknown>[] {
  const rules = Array.isArray(requested) ? requested.map((r) => asObject(r) ?? {}) : [];
  return rules.map((rule) => {
    const properties = { ...asObject(rule.properties) };
    const priority = Number(properties.priority);
    if (!(priority >= 100 && priority <= 4096)) {
      throw errors.badRequest("SecurityRuleInvalidPriority", `Security rule ${String(rule.name)} has invalid Priority. Value provided: ${String(properties.priority)} Allowed range 100-4096.`);
    }
    delete properties.provisioningState;
    const id = `${nsgId}/securityRules/${String(rule.name)}`;
    return { id, name: rule.name, etag: newEtag(), type: RULE_TYPE, properties };
  });
}

const defaultRules = (nsgId: string) =>
  DEFAULT_RULES.map(([name, direction, priority, access, source, destination]) => ({
    id: `${nsgId}/defaultSecurityRules/${name}`,
    name,
    etag: newEtag(),
    type: "Microsoft.Network/networkSecurityGroups/defaultSecurityRules",
    properties: {
      description: `Default ${direction.toLowerCase()} rule`, protocol: "*", sourcePortRange: "*", destinationPortRange: "*",
      sourceAddressPrefix: source, destinationAddressPrefix: destination, access, priority, direction,
    },
  }));

export function putNsg(sim: Sim, req: ArmRequest): ArmResponse {
  const { body, id, location, requested } = parseTrackedPut(sim, req, "NetworkSecurityGroups_CreateOrUpdate");
  const existing = live(sim, id);
  const name = req.params.networkSecurityGroupName;
  const properties = {
    resourceGuid: (existing?.body.properties as { resourceGuid?: string } | undefined)?.resourceGuid ?? randomUUID(),
    securityRules: securityRules(id, requested.securityRules),
    defaultSecurityRules: defaultRules(id),
  };
  const record = putRecord(sim, { id, type: TYPES.nsg, name, body: { id, name, type: TYPES.nsg, location, tags: tagsOf(body), etag: newEtag(), properties } });
  return putResponse(sim, NETWORK, record, nsgView(sim, record), PUT_HEADERS);
}

/** NICs and subnets that reference the NSG. */
function nsgUsers(sim: Sim, nsgId: string): { nics: string[]; subnets: string[] } {
  const uses = (r: ResourceRecord) => refId((r.body.properties as Record<string, unknown>).networkSecurityGroup)?.toLowerCase() === nsgId.toLowerCase();
  return {
    nics: liveOfType(sim, TYPES.nic).filter(uses).map((r) => r.id),
    subnets: liveOfType(sim, TYPES.subnet).filter(uses).map((r) => r.id),
  };
}

export function nsgView(sim: Sim, record: ResourceRecord): Record<string, unknown> {
  const { nics, subnets } = nsgUsers(sim, record.id);
  const ids = (list: string[]) => list.map((id) => ({ id }));
  return view(sim, record, { ...(nics.length ? { networkInterfaces: ids(nics) } : {}), ...(subnets.length ? { subnets: ids(subnets) } : {}) });
}

export function deleteNsg(sim: Sim, req: ArmRequest): ArmResponse {
  const id = requestResourceId(req);
  const { nics, subnets } = nsgUsers(sim, id);
  if (nics.length || subnets.length) throw errors.inUseNetworkSecurityGroupCannotBeDeleted(id, [...nics, ...subnets]);
  return startDelete(sim, NETWORK, id, DELETE_HEADERS);
}
