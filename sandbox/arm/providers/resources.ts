// Microsoft.Resources: resource groups and resource provider registration (api-version 2025-04-01, which
// @azure/arm-resources 8 and 7 both send). A group's deletion and a provider's registration take
// simulated time; both are derived from their start time when read and settled in tick().
import { errors } from "../errors.js";
import type { ResourceRecord } from "../state.js";
import type { ArmRequest, ArmResponse, OperationState, Provider, ResourcesBackend, RouteDef, Sim } from "../types.js";

export const API_VERSIONS = ["2025-04-01"];

/** Public regions the simulator accepts, in ARM's normalised spelling. */
export const REGIONS = [
  "eastus", "eastus2", "westus", "westus2", "westus3", "centralus", "northcentralus", "southcentralus", "westcentralus",
  "canadacentral", "canadaeast", "brazilsouth", "northeurope", "westeurope", "uksouth", "ukwest", "francecentral",
  "germanywestcentral", "norwayeast", "swedencentral", "switzerlandnorth", "polandcentral", "italynorth",
  "eastasia", "southeastasia", "japaneast", "japanwest", "koreacentral", "australiaeast", "australiasoutheast",
  "centralindia", "southindia", "uaenorth", "southafricanorth", "qatarcentral", "israelcentral",
];

export const normalizeLocation = (location: string) => location.toLowerCase().replace(/\s+/g, "");

/** Namespaces ARM knows, with the resource types they list. */
const NAMESPACES: Record<string, string[]> = {
  "Microsoft.Resources": ["resourceGroups", "subscriptions", "deployments"],
  "Microsoft.Authorization": ["roleAssignments", "roleDefinitions"],
  "Microsoft.ManagedIdentity": ["userAssignedIdentities"],
  "Microsoft.Compute": ["galleries", "galleries/images", "galleries/images/versions", "virtualMachines", "locations/operations"],
  "Microsoft.Network": ["virtualNetworks", "networkSecurityGroups", "publicIPAddresses", "networkInterfaces"],
  "Microsoft.Features": ["features", "providers"],
  "Microsoft.VirtualMachineImages": ["imageTemplates", "locations/operations"],
  "Microsoft.Storage": ["storageAccounts"],
  "Microsoft.KeyVault": ["vaults"],
  "Microsoft.ContainerInstance": ["containerGroups"],
};

type RegistrationState = "NotRegistered" | "Registering" | "Registered" | "Unregistering";
interface Registration {
  state: RegistrationState;
  /** simulated ms the last register/unregister started */
  since: number;
}

const GROUP_TYPE = "Microsoft.Resources/resourceGroups";
const GROUP_NAME = /^[-\w.()\p{L}\p{N}]{1,90}$/u;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function tagsOf(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value) || Object.values(value).some((v) => typeof v !== "string")) {
    throw errors.invalidRequestContent("The 'tags' property must be an object of string values.");
  }
  return value as Record<string, string>;
}

export function createResourcesProvider(sim: Sim): Provider & { backend: ResourcesBackend } {
  const groupId = (subscriptionId: string, name: string) => `/subscriptions/${subscriptionId}/resourceGroups/${name}`;
  const registrations = () => sim.state.bag<Record<string, Registration>>("resources.providers", () => ({}));
  const knownNamespace = (ns: string) => Object.keys(NAMESPACES).find((k) => k.toLowerCase() === ns.toLowerCase());

  const deletionDue = (g: ResourceRecord) =>
    typeof g.internal.deletingSince === "number" ? g.internal.deletingSince + sim.scenario().defaultLroMs : undefined;

  /** Removes the groups whose deletion has finished, with everything inside them. */
  function settleDeletions(): void {
    const now = sim.clock.now();
    for (const g of sim.state.ofType(GROUP_TYPE)) {
      const due = deletionDue(g);
      if (due !== undefined && due <= now) removeGroup(g.id);
    }
  }

  function removeGroup(id: string): void {
    for (const r of sim.state.descendants(id)) sim.state.delete(r.id);
    sim.state.delete(id);
  }

  function registrationState(ns: string): RegistrationState {
    const reg = registrations()[ns.toLowerCase()];
    if (!reg) return sim.scenario().registeredNamespaces.some((n) => n.toLowerCase() === ns.toLowerCase()) ? "Registered" : "NotRegistered";
    const done = sim.clock.now() >= reg.since + sim.scenario().providerRegistrationMs;
    if (reg.state === "Registering" && done) return "Registered";
    if (reg.state === "Unregistering" && done) return "NotRegistered";
    return reg.state;
  }

  const backend: ResourcesBackend = {
    resourceGroup(subscriptionId, name) {
      settleDeletions();
      return sim.state.get(groupId(subscriptionId, name));
    },
    createResourceGroup(subscriptionId, name, location, tags, managedBy) {
      const id = groupId(subscriptionId, name);
      const body: Record<string, unknown> = { id, name, type: GROUP_TYPE, location: normalizeLocation(location) };
      if (tags) body.tags = tags;
      if (managedBy) body.managedBy = managedBy;
      return sim.state.put({ id, type: GROUP_TYPE, name, body, internal: {}, createdAt: sim.clock.now() });
    },
    removeResourceGroup(subscriptionId, name) {
      removeGroup(groupId(subscriptionId, name));
    },
    isProviderRegistered: (_subscriptionId, namespace) => registrationState(namespace) === "Registered",
  };

  const view = (g: ResourceRecord) => ({ ...g.body, properties: { provisioningState: g.internal.deletingSince === undefined ? "Succeeded" : "Deleting" } });

  function existing(req: ArmRequest): ResourceRecord {
    const group = backend.resourceGroup(req.params.subscriptionId, req.params.resourceGroupName);
    if (!group) throw errors.resourceGroupNotFound(req.params.resourceGroupName);
    return group;
  }

  function putGroup(req: ArmRequest): ArmResponse {
    const name = req.params.resourceGroupName;
    if (!GROUP_NAME.test(name) || name.endsWith(".")) throw errors.invalidResourceGroupName(name);
    const body = isRecord(req.body) ? req.body : {};
    if (typeof body.location !== "string" || !body.location) throw errors.locationRequired();
    const location = normalizeLocation(body.location);
    if (!REGIONS.includes(location)) throw errors.locationNotAvailableForResourceGroup(body.location, REGIONS);
    const tags = tagsOf(body.tags);
    const managedBy = typeof body.managedBy === "string" ? body.managedBy : undefined;
    const current = backend.resourceGroup(sim.subscriptionId, name);
    if (current) {
      if (current.internal.deletingSince !== undefined) throw errors.resourceGroupBeingDeleted(current.name);
      if (current.body.location !== location) throw errors.invalidResourceGroupLocation(String(current.body.location), location);
      const next = { ...current.body };
      if (tags) next.tags = tags; else delete next.tags;
      if (managedBy) next.managedBy = managedBy;
      return { status: 200, body: view(sim.state.put({ ...current, body: next })) };
    }
    return { status: 201, body: view(backend.createResourceGroup(sim.subscriptionId, name, location, tags, managedBy)) };
  }

  function patchGroup(req: ArmRequest): ArmResponse {
    const group = existing(req);
    if (group.internal.deletingSince !== undefined) throw errors.resourceGroupBeingDeleted(group.name);
    const body = isRecord(req.body) ? req.body : {};
    const next = { ...group.body };
    if (body.tags !== undefined) next.tags = tagsOf(body.tags) ?? {};
    if (typeof body.managedBy === "string") next.managedBy = body.managedBy;
    return { status: 200, body: view(sim.state.put({ ...group, body: next })) };
  }

  function deleteGroup(req: ArmRequest): ArmResponse {
    const group = backend.resourceGroup(req.params.subscriptionId, req.params.resourceGroupName);
    if (!group) throw errors.resourceGroupNotFound(req.params.resourceGroupName);
    if (group.internal.deletingSince === undefined) sim.state.put({ ...group, internal: { ...group.internal, deletingSince: sim.clock.now() } });
    const { headers } = sim.operations.start(
      { provider: "resources", namespace: "Microsoft.Resources", location: String(group.body.location), resourceId: group.id, kind: "deleteResourceGroup", data: {} },
      ["location"],
    );
    return { status: 202, headers };
  }

  function providerView(ns: string) {
    const namespace = knownNamespace(ns);
    if (!namespace) throw errors.invalidResourceNamespace(ns);
    return {
      id: `/subscriptions/${sim.subscriptionId}/providers/${namespace}`,
      namespace,
      registrationState: registrationState(namespace),
      registrationPolicy: "RegistrationRequired",
      resourceTypes: NAMESPACES[namespace].map((resourceType) => ({ resourceType, locations: REGIONS })),
    };
  }

  function setRegistration(req: ArmRequest, target: "Registering" | "Unregistering"): ArmResponse {
    const namespace = providerView(req.params.namespace).namespace;
    const settled = target === "Registering" ? "Registered" : "NotRegistered";
    if (registrationState(namespace) !== settled) {
      registrations()[namespace.toLowerCase()] = { state: target, since: sim.clock.now() };
      sim.state.save();
    }
    return { status: 200, body: providerView(namespace) };
  }

  const group = "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}";
  const provider = "/subscriptions/{subscriptionId}/providers/{namespace}";
  const route = (method: RouteDef["method"], pattern: string, handler: RouteDef["handler"]): RouteDef => ({ method, pattern, apiVersions: API_VERSIONS, handler });
  const routes: RouteDef[] = [
    route("PUT", group, putGroup),
    route("GET", group, (req) => ({ status: 200, body: view(existing(req)) })),
    route("HEAD", group, (req) => ({ status: backend.resourceGroup(req.params.subscriptionId, req.params.resourceGroupName) ? 204 : 404 })),
    route("PATCH", group, patchGroup),
    route("DELETE", group, deleteGroup),
    route("GET", "/subscriptions/{subscriptionId}/resourcegroups", () => {
      settleDeletions();
      return { status: 200, body: { value: sim.state.ofType(GROUP_TYPE).map(view) } };
    }),
    route("GET", "/subscriptions/{subscriptionId}/providers", () => ({ status: 200, body: { value: Object.keys(NAMESPACES).map(providerView) } })),
    route("GET", provider, (req) => ({ status: 200, body: providerView(req.params.namespace) })),
    route("POST", `${provider}/register`, (req) => setRegistration(req, "Registering")),
    route("POST", `${provider}/unregister`, (req) => setRegistration(req, "Unregistering")),
  ];

  return {
    name: "resources",
    routes,
    backend,
    tick: settleDeletions,
    operationState(op): OperationState {
      settleDeletions();
      return sim.state.get(op.resourceId) ? { status: "InProgress" } : { status: "Succeeded" };
    },
    *pendingEvents() {
      for (const g of sim.state.ofType(GROUP_TYPE)) {
        const due = deletionDue(g);
        if (due !== undefined) yield due;
      }
      const ms = sim.scenario().providerRegistrationMs;
      for (const reg of Object.values(registrations())) if (reg.state === "Registering" || reg.state === "Unregistering") yield reg.since + ms;
    },
  };
}
