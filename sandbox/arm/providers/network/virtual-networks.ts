// Virtual networks and their subnets. Subnets are stored as child records, whether they came inline in
// the VNet's PUT or through their own PUT; the VNet's GET lists them. What uses a subnet (NIC ip
// configurations) is derived when read.
import { randomUUID } from "node:crypto";
import type { ArmRequest, ArmResponse, RouteDef, Sim } from "../../types.js";
import type { ResourceRecord } from "../../state.js";
import { errors } from "../../errors.js";
import { assertValidBody } from "../../spec-validation.js";
import {
  asObject, lastSegment, live, liveOfType, parseTrackedPut, putRecord, putResponse, requestResourceId, requireBody, requireResourceGroup, startDelete, tagsOf,
} from "../tracked.js";
import {
  API_VERSIONS, DELETE_HEADERS, NETWORK, PUT_HEADERS, RG_PATH, TYPES, cidrWithin, ipConfigurationsUsing, newEtag, notFound,
  parseCidr, refId, requireReference, view,
} from "./common.js";

const VNET_PATH = `${RG_PATH}/virtualNetworks/{virtualNetworkName}`;
const SUBNET_PATH = `${VNET_PATH}/subnets/{subnetName}`;

const prefixesOf = (vnet: ResourceRecord) =>
  ((vnet.body.properties as { addressSpace?: { addressPrefixes?: string[] } }).addressSpace?.addressPrefixes ?? []);

/** Checks a subnet body against its VNet and stores it. */
function storeSubnet(sim: Sim, vnet: ResourceRecord, name: string, body: Record<string, unknown>): ResourceRecord {
  const id = `${vnet.id}/subnets/${name}`;
  const requested = asObject(body.properties) ?? {};
  const prefixes = [requested.addressPrefix, ...(Array.isArray(requested.addressPrefixes) ? requested.addressPrefixes : [])].filter((p): p is string => typeof p === "string");
  if (!prefixes.length) throw errors.badRequest("InvalidRequestFormat", `Cannot parse the request. Subnet '${name}' needs an addressPrefix.`, "properties.addressPrefix");
  for (const prefix of prefixes) {
    if (!parseCidr(prefix)) throw errors.badRequest("InvalidAddressPrefixFormat", `Address prefix ${prefix} of resource ${id} is not formatted correctly.`);
    if (!prefixesOf(vnet).some((space) => cidrWithin(prefix, space))) {
      throw errors.badRequest("NetcfgSubnetRangeOutsideVnet", `Subnet '${name}' is not valid because its IP address range is outside the IP address range of virtual network '${vnet.name}'.`);
    }
  }
  const nsg = refId(requested.networkSecurityGroup);
  if (nsg) requireReference(sim, nsg, TYPES.nsg, id);
  const properties: Record<string, unknown> = {
    privateEndpointNetworkPolicies: "Disabled",
    privateLinkServiceNetworkPolicies: "Enabled",
    ...requested,
    ...(nsg ? { networkSecurityGroup: { id: nsg } } : {}),
  };
  delete properties.provisioningState;
  delete properties.ipConfigurations;
  return putRecord(
    sim,
    { id, type: TYPES.subnet, name: `${vnet.name}/${name}`, body: { id, name, etag: newEtag(), type: TYPES.subnet, properties } },
    { location: vnet.body.location },
  );
}

export function subnetView(sim: Sim, subnet: ResourceRecord): Record<string, unknown> {
  const users = ipConfigurationsUsing(sim, "subnet", subnet.id).map((c) => ({ id: c.id }));
  return view(sim, subnet, users.length ? { ipConfigurations: users } : {});
}

function vnetView(sim: Sim, vnet: ResourceRecord): Record<string, unknown> {
  return view(sim, vnet, { subnets: liveOfType(sim, TYPES.subnet, vnet.id).map((s) => subnetView(sim, s)) });
}

function assertSubnetUnused(sim: Sim, subnet: ResourceRecord): void {
  const users = ipConfigurationsUsing(sim, "subnet", subnet.id);
  if (users.length) throw errors.inUseSubnetCannotBeDeleted(lastSegment(subnet.id), users[0].id);
}

function putVnet(sim: Sim, req: ArmRequest): ArmResponse {
  const { body, id, location, requested } = parseTrackedPut(sim, req, "VirtualNetworks_CreateOrUpdate");
  const inline = Array.isArray(requested.subnets) ? requested.subnets.map((s) => asObject(s) ?? {}) : [];
  delete requested.subnets;
  delete requested.provisioningState;
  const existing = live(sim, id);
  const resourceGuid = (existing?.body.properties as { resourceGuid?: string } | undefined)?.resourceGuid ?? randomUUID();
  const name = req.params.virtualNetworkName;
  for (const p of asObject(requested.addressSpace)?.addressPrefixes as unknown[] ?? []) {
    if (typeof p !== "string" || !parseCidr(p)) throw errors.badRequest("InvalidAddressPrefixFormat", `Address prefix ${String(p)} of resource ${id} is not formatted correctly.`);
  }
  // A VNet PUT states the whole subnet list: subnets it leaves out are deleted, which fails if one is in use.
  const keep = new Set(inline.map((s) => String(s.name).toLowerCase()));
  const dropped = existing ? liveOfType(sim, TYPES.subnet, id).filter((s) => !keep.has(lastSegment(s.id).toLowerCase())) : [];
  dropped.forEach((s) => assertSubnetUnused(sim, s));
  const vnet = putRecord(sim, {
    id, type: TYPES.vnet, name,
    body: { id, name, type: TYPES.vnet, location, tags: tagsOf(body), etag: newEtag(), properties: { ...requested, resourceGuid } },
  });
  dropped.forEach((s) => sim.state.delete(s.id));
  for (const subnet of inline) storeSubnet(sim, vnet, String(subnet.name), subnet);
  return putResponse(sim, NETWORK, vnet, vnetView(sim, vnet), PUT_HEADERS);
}

function getVnet(sim: Sim, req: ArmRequest): ResourceRecord {
  const vnet = live(sim, requestResourceId(req).replace(/\/subnets(\/.*)?$/i, ""));
  if (!vnet) throw notFound(req, TYPES.vnet, req.params.virtualNetworkName);
  return vnet;
}

function getSubnet(sim: Sim, req: ArmRequest): ResourceRecord {
  getVnet(sim, req);
  const subnet = live(sim, requestResourceId(req));
  if (!subnet) throw notFound(req, TYPES.subnet, `${req.params.virtualNetworkName}/${req.params.subnetName}`);
  return subnet;
}

function deleteVnet(sim: Sim, req: ArmRequest): ArmResponse {
  const id = requestResourceId(req);
  for (const subnet of liveOfType(sim, TYPES.subnet, id)) assertSubnetUnused(sim, subnet);
  return startDelete(sim, NETWORK, id, DELETE_HEADERS);
}

function putSubnet(sim: Sim, req: ArmRequest): ArmResponse {
  const vnet = live(sim, requestResourceId(req).replace(/\/subnets\/[^/]+$/i, ""));
  if (!vnet) throw errors.parentResourceNotFound(req.params.virtualNetworkName);
  const body = requireBody(req);
  assertValidBody("Subnets_CreateOrUpdate", body);
  const subnet = storeSubnet(sim, vnet, req.params.subnetName, body);
  return putResponse(sim, NETWORK, subnet, subnetView(sim, subnet), PUT_HEADERS);
}

function deleteSubnet(sim: Sim, req: ArmRequest): ArmResponse {
  getVnet(sim, req);
  const subnet = live(sim, requestResourceId(req));
  if (subnet) assertSubnetUnused(sim, subnet);
  return startDelete(sim, NETWORK, requestResourceId(req), DELETE_HEADERS);
}

export function virtualNetworkRoutes(sim: Sim): RouteDef[] {
  const apiVersions = API_VERSIONS;
  return [
    { method: "PUT", pattern: VNET_PATH, apiVersions, handler: (req) => putVnet(sim, req) },
    { method: "GET", pattern: VNET_PATH, apiVersions, handler: (req) => ({ status: 200, body: vnetView(sim, getVnet(sim, req)) }) },
    { method: "DELETE", pattern: VNET_PATH, apiVersions, handler: (req) => deleteVnet(sim, req) },
    {
      method: "GET", pattern: `${RG_PATH}/virtualNetworks`, apiVersions,
      handler: (req) => {
        requireResourceGroup(sim, req);
        const scope = requestResourceId(req).replace(/\/providers\/.*$/i, "");
        return { status: 200, body: { value: liveOfType(sim, TYPES.vnet, scope).map((v) => vnetView(sim, v)) } };
      },
    },
    { method: "PUT", pattern: SUBNET_PATH, apiVersions, handler: (req) => putSubnet(sim, req) },
    { method: "GET", pattern: SUBNET_PATH, apiVersions, handler: (req) => ({ status: 200, body: subnetView(sim, getSubnet(sim, req)) }) },
    { method: "DELETE", pattern: SUBNET_PATH, apiVersions, handler: (req) => deleteSubnet(sim, req) },
    {
      method: "GET", pattern: `${VNET_PATH}/subnets`, apiVersions,
      handler: (req) => ({ status: 200, body: { value: liveOfType(sim, TYPES.subnet, getVnet(sim, req).id).map((s) => subnetView(sim, s)) } }),
    },
  ];
}
