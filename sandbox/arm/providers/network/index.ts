// Microsoft.Network: what an image pipeline's verification VM needs (virtual networks and subnets,
// public IP addresses, network security groups, network interfaces).
import type { ArmRequest, Provider, RouteDef, Sim } from "../../types.js";
import type { ResourceRecord } from "../../state.js";
import { lifecycleEvents, lifecycleOperationState, live, liveOfType, purgeDeleted, requestResourceId, requireResourceGroup } from "../tracked.js";
import { API_VERSIONS, NETWORK, RG_PATH, TYPES, notFound, view } from "./common.js";
import { deleteNsg, deletePublicIp, nsgView, publicIpView, putNsg, putPublicIp } from "./addresses.js";
import { deleteNic, nicView, putNic } from "./interfaces.js";
import { subnetView, virtualNetworkRoutes } from "./virtual-networks.js";

const ALL_TYPES = Object.values(TYPES);

type Render = (sim: Sim, record: ResourceRecord) => Record<string, unknown>;

/** PUT/GET/DELETE and list-by-group routes of one top-level resource type. */
function crudRoutes(
  sim: Sim,
  collection: string,
  param: string,
  type: string,
  render: Render,
  put: RouteDef["handler"],
  remove: RouteDef["handler"],
): RouteDef[] {
  const apiVersions = API_VERSIONS;
  const get = (req: ArmRequest) => {
    const record = live(sim, requestResourceId(req));
    if (!record) throw notFound(req, type, req.params[param]);
    return { status: 200, body: render(sim, record) };
  };
  const listByGroup = (req: ArmRequest) => {
    requireResourceGroup(sim, req);
    const scope = requestResourceId(req).replace(/\/providers\/.*$/i, "");
    return { status: 200, body: { value: liveOfType(sim, type, scope).map((r) => render(sim, r)) } };
  };
  const path = `${RG_PATH}/${collection}/{${param}}`;
  return [
    { method: "PUT", pattern: path, apiVersions, handler: put },
    { method: "GET", pattern: path, apiVersions, handler: get },
    { method: "DELETE", pattern: path, apiVersions, handler: remove },
    { method: "GET", pattern: `${RG_PATH}/${collection}`, apiVersions, handler: listByGroup },
  ];
}

/** The view a finished PUT operation returns, by resource type. */
function render(sim: Sim, record: ResourceRecord): Record<string, unknown> {
  const renderers: Record<string, Render> = {
    [TYPES.subnet.toLowerCase()]: subnetView,
    [TYPES.publicIp.toLowerCase()]: publicIpView,
    [TYPES.nsg.toLowerCase()]: nsgView,
    [TYPES.nic.toLowerCase()]: nicView,
  };
  return (renderers[record.type.toLowerCase()] ?? view)(sim, record);
}

export function createNetworkProvider(sim: Sim): Provider {
  return {
    name: NETWORK.provider,
    routes: [
      ...virtualNetworkRoutes(sim),
      ...crudRoutes(sim, "publicIPAddresses", "publicIpAddressName", TYPES.publicIp, publicIpView, (req) => putPublicIp(sim, req), (req) => deletePublicIp(sim, req)),
      ...crudRoutes(sim, "networkSecurityGroups", "networkSecurityGroupName", TYPES.nsg, nsgView, (req) => putNsg(sim, req), (req) => deleteNsg(sim, req)),
      ...crudRoutes(sim, "networkInterfaces", "networkInterfaceName", TYPES.nic, nicView, (req) => putNic(sim, req), (req) => deleteNic(sim, req)),
    ],
    operationState: (op) => lifecycleOperationState(sim, op, (r) => render(sim, r)),
    pendingEvents: () => lifecycleEvents(sim, ALL_TYPES),
    tick: () => purgeDeleted(sim, ALL_TYPES),
  };
}
