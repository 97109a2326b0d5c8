// The contract between the simulator's pipeline (server.ts) and its resource providers.
// A provider module exports a `Provider`: a backend that never sees HTTP, plus a short route list
// whose handlers only parse the request, call the backend and shape the response (moto's
// models.py / responses.py / urls.py, Azurite's handlers / persistence).
import type { Clock } from "./clock.js";
import type { ArmState } from "./state.js";
import type { Params } from "./router.js";
import type { ResourceRecord } from "./state.js";

export interface Principal {
  /** object id of the caller (from its token) */
  objectId: string;
  /** application (client) id of the caller */
  clientId: string;
  tenantId: string;
}

export interface ArmRequest {
  method: string;
  /** normalised path: no duplicate slashes, no query */
  path: string;
  params: Params;
  query: URLSearchParams;
  /** lower-cased header names */
  headers: Record<string, string>;
  /** parsed JSON body, or undefined */
  body: unknown;
  apiVersion: string;
  principal: Principal;
}

export interface ArmResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (req: ArmRequest) => ArmResponse | Promise<ArmResponse>;

export interface RouteDef {
  method: "GET" | "PUT" | "POST" | "PATCH" | "DELETE" | "HEAD";
  /** ARM path pattern, see router.ts: `{name}` one segment, `{*scope}` several */
  pattern: string;
  /** api-versions accepted: the current and previous major of the SDK package that calls it */
  apiVersions: string[];
  handler: Handler;
}

/** Result of reading an asynchronous operation; computed when read, from stored facts and the clock. */
export interface OperationState {
  status: "InProgress" | "Succeeded" | "Failed" | "Canceled";
  error?: { code: string; message: string };
  /** for a Location poll that finished: the body to return with 200 (omitted: 204 for deletes) */
  resource?: unknown;
  percentComplete?: number;
}

/** A persisted async operation; `provider` names who computes its state. */
export interface Operation {
  id: string;
  provider: string;
  namespace: string;
  location: string;
  /** what the operation acts on */
  resourceId: string;
  kind: string;
  startedAt: number;
  data: Record<string, unknown>;
}

export interface Provider {
  /** key used in Operation.provider */
  name: string;
  routes: RouteDef[];
  /** state of one of this provider's async operations, derived from state and clock */
  operationState?(op: Operation): OperationState;
  /** simulated times at which this provider's state will next change (for "jump to next event") */
  pendingEvents?(): Iterable<number>;
  /** materialises events that fell due (e.g. a distribution that started creates its image version); the pipeline calls it before serving each request */
  tick?(): void;
}

/** Tunable behaviour, changed through the control API (moto's state manager). Durations are simulated ms. */
export interface Scenario {
  /** provider registration: Registering → Registered */
  providerRegistrationMs: number;
  featureRegistrationMs: number;
  /** a new identity's principal is unknown to role assignments (without principalType) this long */
  principalReplicationMs: number;
  /** a new custom role is unknown to role assignments this long */
  roleReplicationMs: number;
  /** a new role assignment grants nothing for this long */
  roleAssignmentPropagationMs: number;
  customRoleLimit: number;
  /** ordinary LROs (gallery PUT, VM PUT, deletes) complete after this long */
  defaultLroMs: number;
  /** image template PUT (download artifacts, validate) */
  templateProvisioningMs: number;
  /** image build phases */
  build: { queuedMs: number; buildingMs: number; customizingMs: number; distributingMs: number };
  /** replication time per region */
  replicationMsPerRegion: number;
  /** build failure injection: the run fails when it reaches `phase` */
  buildFailure?: { phase: "Building" | "Customizing" | "Distributing"; message: string };
  /** template provisioning failure injection */
  provisioningFailure?: { code: string; message: string };
  /** regions whose replication fails */
  failingRegions: string[];
  runCommandMs: number;
  /** resource provider namespaces the subscription has registered from the start */
  registeredNamespaces: string[];
  /** Retry-After (real seconds) on 201/202 and operation polls; the SDK sleeps this long, and ignores 0 */
  retryAfterSeconds: number;
}

export const defaultScenario = (): Scenario => ({
  providerRegistrationMs: 60_000,
  featureRegistrationMs: 120_000,
  principalReplicationMs: 60_000,
  roleReplicationMs: 30_000,
  roleAssignmentPropagationMs: 0,
  customRoleLimit: 5000,
  defaultLroMs: 20_000,
  templateProvisioningMs: 90_000,
  build: { queuedMs: 60_000, buildingMs: 5 * 60_000, customizingMs: 40 * 60_000, distributingMs: 5 * 60_000 },
  replicationMsPerRegion: 10 * 60_000,
  failingRegions: [],
  runCommandMs: 30_000,
  registeredNamespaces: [
    "Microsoft.Resources",
    "Microsoft.Authorization",
    "Microsoft.ManagedIdentity",
    "Microsoft.Compute",
    "Microsoft.Network",
    "Microsoft.Features",
  ],
  retryAfterSeconds: 1,
});

/**
 * What every provider gets at construction: shared state, the clock, the scenario, async operations,
 * and the other providers' backends (for the few cross-provider facts: AIB checks permissions and
 * writes gallery image versions, a template delete removes its staging group, ...).
 */
export interface Sim {
  state: ArmState;
  clock: Clock;
  subscriptionId: string;
  tenantId: string;
  /** the current scenario (the control API may change it at any time) */
  scenario(): Scenario;
  /** https://127.0.0.1:<port>, for absolute operation URLs */
  baseUrl(): string;
  operations: Operations;
  backends: Backends;
}

export interface Operations {
  /** Stores an operation and returns the 201/202 headers for it (Azure-AsyncOperation and/or Location, Retry-After). */
  start(op: Omit<Operation, "id" | "startedAt">, headers: ("azure-asyncoperation" | "location")[]): { operation: Operation; headers: Record<string, string> };
  get(id: string): Operation | undefined;
}

export interface ResourcesBackend {
  resourceGroup(subscriptionId: string, name: string): ResourceRecord | undefined;
  createResourceGroup(subscriptionId: string, name: string, location: string, tags?: Record<string, string>, managedBy?: string): ResourceRecord;
  /** removes the group and everything inside it at once (used when AIB deletes its staging group) */
  removeResourceGroup(subscriptionId: string, name: string): void;
  isProviderRegistered(subscriptionId: string, namespace: string): boolean;
}

export interface AuthorizationBackend {
  /** true when an assignment at or above `scope` grants `action` to the principal (and has propagated) at simulated time `at` (default: now) */
  checkAccess(principalId: string, action: string, scope: string, at?: number): boolean;
  /** a new principal (a managed identity) in the directory, known to role assignments after the replication delay */
  registerPrincipal(principal: { objectId: string; clientId: string; displayName: string; type: "ServicePrincipal" | "User" }): void;
  removePrincipal(objectId: string): void;
  /** grants a built-in role (e.g. Contributor on AIB's staging group), as a service would */
  assignBuiltInRole(principalId: string, roleName: "Owner" | "Contributor" | "Reader", scope: string): void;
}

export interface ImageVersionSpec {
  /** gallery image definition id */
  galleryImageId: string;
  location: string;
  /** regions to replicate to, in order */
  regions: string[];
  tags?: Record<string, string>;
  /** how many times this lineage has been generalized, including this build */
  generalizations: number;
  /** paths (lower-cased Windows paths) that exist in the image, for Run Command */
  paths: string[];
  /** simulated ms when replication starts */
  replicationStartsAt: number;
}

export interface ComputeBackend {
  /** creates a gallery image version with an auto-generated version number; replication advances with the clock */
  createImageVersion(spec: ImageVersionSpec): ResourceRecord;
  /** the version's replication status as `$expand=ReplicationStatus` shows it, at simulated time `at` (default: now) */
  replicationStatus(versionId: string, at?: number): { aggregatedState: "InProgress" | "Completed" | "Failed"; summary: { region: string; state: string; details: string; progress: number }[] };
  /** facts of an image version, or of a definition's latest version (definition id or `.../versions/latest`); undefined if none */
  imageVersion(id: string): ImageVersionFacts | undefined;
}

/** What Compute knows about an image version that AIB (SharedImageVersion sources) and VMs build on. */
export interface ImageVersionFacts {
  /** the version's own id (also when asked for "latest") */
  id: string;
  location: string;
  /** regions it replicates to, in order */
  regions: string[];
  generalizations: number;
  /** lower-cased Windows paths that exist in the image */
  paths: string[];
  /** of the image definition */
  osType: "Windows" | "Linux";
  osState: "Generalized" | "Specialized";
  hyperVGeneration: "V1" | "V2";
}

export interface Backends {
  resources: ResourcesBackend;
  authorization: AuthorizationBackend;
  compute: ComputeBackend;
}
