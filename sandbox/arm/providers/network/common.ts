// Names and helpers shared by the Microsoft.Network modules.
import { createHash, randomUUID } from "node:crypto";
import type { ArmRequest, Sim } from "../../types.js";
import type { ResourceRecord } from "../../state.js";
import { errors } from "../../errors.js";
import { asObject, live, liveOfType, provisioningState, type LroTarget } from "../tracked.js";

export const NETWORK: LroTarget = { provider: "network", namespace: "Microsoft.Network" };

export const TYPES = {
  vnet: "Microsoft.Network/virtualNetworks",
  subnet: "Microsoft.Network/virtualNetworks/subnets",
  publicIp: "Microsoft.Network/publicIPAddresses",
  nsg: "Microsoft.Network/networkSecurityGroups",
  nic: "Microsoft.Network/networkInterfaces",
} as const;

// @azure/arm-network 39.x and the previous major, 38.x.
export const API_VERSIONS = ["2026-01-01", "2025-09-01"];

export const RG_PATH = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network";

/** Network PUTs are tracked by Azure-AsyncOperation; deletes give both headers. */
export const PUT_HEADERS: ("azure-asyncoperation" | "location")[] = ["azure-asyncoperation"];
export const DELETE_HEADERS: ("azure-asyncoperation" | "location")[] = ["azure-asyncoperation", "location"];

export const newEtag = () => `W/"${randomUUID()}"`;

/** A deterministic number from a string (stable private and public addresses across restarts). */
export const hashNumber = (s: string) => createHash("sha256").update(s.toLowerCase()).digest().readUInt32BE(0);

/** `{id}` of a sub-resource reference, or undefined. */
export const refId = (value: unknown): string | undefined => {
  const id = asObject(value)?.id;
  return typeof id === "string" ? id : undefined;
};

/** A referenced resource that must exist (Network answers InvalidResourceReference otherwise). */
export function requireReference(sim: Sim, id: string, type: string, by: string): ResourceRecord {
  const record = live(sim, id);
  if (!record || record.type.toLowerCase() !== type.toLowerCase()) throw errors.invalidResourceReference(id, by);
  return record;
}

/** Adds etag-bearing provisioningState to the resource and to each of its nested sub-resources. */
export function view(sim: Sim, record: ResourceRecord, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const state = provisioningState(sim, record);
  const properties: Record<string, unknown> = { ...(record.body.properties as Record<string, unknown>) };
  for (const [key, value] of Object.entries(properties)) {
    if (!Array.isArray(value)) continue;
    properties[key] = value.map((item) => {
      const sub = asObject(item);
      const subProps = asObject(sub?.properties);
      return sub && subProps && typeof sub.id === "string" ? { ...sub, properties: { ...subProps, provisioningState: state } } : item;
    });
  }
  return { ...record.body, properties: { ...properties, ...extra, provisioningState: state } };
}

export const notFound = (req: ArmRequest, type: string, name: string) => errors.resourceNotFound(type, name, req.params.resourceGroupName);

/** A NIC ip configuration and what it references (kept in the NIC's internal facts). */
export interface IpConfigurationRef {
  id: string;
  subnet: string;
  publicIp?: string;
}

/** NIC ip configurations that reference `id` as their subnet or public IP. */
export function ipConfigurationsUsing(sim: Sim, field: "subnet" | "publicIp", id: string): IpConfigurationRef[] {
  return liveOfType(sim, TYPES.nic)
    .flatMap((nic) => nic.internal.ipConfigurations as IpConfigurationRef[])
    .filter((c) => c[field]?.toLowerCase() === id.toLowerCase());
}

/** IPv4 CIDR as [network address, prefix length]; undefined if it is not one. */
export function parseCidr(cidr: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr.trim());
  if (!m || Number(m[5]) > 32) return undefined;
  const address = m.slice(1, 5).reduce((a, o) => a * 256 + Number(o), 0);
  return [address, Number(m[5])];
}

const mask = (bits: number) => (bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0);

/** True when `inner` lies inside `outer`. */
export function cidrWithin(inner: string, outer: string): boolean {
  const [a, b] = [parseCidr(inner), parseCidr(outer)];
  return !!a && !!b && a[1] >= b[1] && ((a[0] & mask(b[1])) >>> 0) === ((b[0] & mask(b[1])) >>> 0);
}

export const formatIp = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");
