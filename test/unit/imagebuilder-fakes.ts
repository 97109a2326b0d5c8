// A Sim for image builder unit tests: real state and clock (frozen; tests move it), with small
// in-memory stand-ins for the Resources, Authorization and Compute backends AIB calls.
import { Clock } from "../../sandbox/arm/clock.js";
import { ArmError } from "../../sandbox/arm/errors.js";
import { ArmState, type ResourceRecord } from "../../sandbox/arm/state.js";
import type { TemplateWire } from "../../sandbox/arm/providers/imagebuilder/model.js";
import { howToWireTemplate } from "../fixtures/how-to.js";
import { defaultScenario, type ImageVersionFacts, type ImageVersionSpec, type Operation, type Scenario, type Sim } from "../../sandbox/arm/types.js";

export const SUB = "00000000-0000-0000-0000-000000000001";
export const RG = "aibwinsig01";
export const T0 = Date.UTC(2025, 2, 1);
export const rgId = (name: string) => `/subscriptions/${SUB}/resourceGroups/${name}`;
export const IDENTITY_ID = `${rgId(RG)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aibIdentity`;
export const GALLERY_IMAGE_ID = `${rgId(RG)}/providers/Microsoft.Compute/galleries/myaibsig01/images/winSvrimages`;
export const PRINCIPAL = "11111111-1111-1111-1111-111111111111";

export interface Fakes {
  sim: Sim;
  clock: Clock;
  scenario: Scenario;
  operations: Map<string, Operation>;
  /** grants: principal, action, scope prefix, effective from */
  grants: { principalId: string; action: string; scope: string; from: number }[];
  versions: (ImageVersionSpec & { id: string })[];
  grantGalleryRole(from: number): void;
  addImageDefinition(id: string, hyperVGeneration?: "V1" | "V2", osType?: "Windows" | "Linux"): void;
}

export function fakeSim(): Fakes {
  // a near-zero scale freezes simulated time; tests move it with advance()
  const clock = new Clock({ now: T0, scale: 1e-9 });
  const state = new ArmState();
  const scenario: Scenario = { ...defaultScenario(), replicationMsPerRegion: 10 * 60_000 };
  const operations = new Map<string, Operation>();
  const grants: Fakes["grants"] = [];
  const versions: Fakes["versions"] = [];
  const put = (id: string, type: string, body: Record<string, unknown>, internal: Record<string, unknown> = {}): ResourceRecord =>
    state.put({ id, type, name: id.split("/").pop()!, body: { id, ...body }, internal, createdAt: clock.now() });

  const replicationStatus = (id: string, at = clock.now()) => {
    const v = versions.find((x) => x.id.toLowerCase() === id.toLowerCase())!;
    const summary = v.regions.map((region, i) => {
      const end = v.replicationStartsAt + (i + 1) * scenario.replicationMsPerRegion;
      const failed = scenario.failingRegions.includes(region);
      const state = at < end ? "Replicating" : failed ? "Failed" : "Completed";
      return { region, state, details: "", progress: at < end ? 50 : 100 };
    });
    const aggregatedState: "InProgress" | "Completed" | "Failed" = summary.some((s) => s.state === "Replicating")
      ? "InProgress"
      : summary.some((s) => s.state === "Failed") ? "Failed" : "Completed";
    return { aggregatedState, summary };
  };

  const sim: Sim = {
    state,
    clock,
    subscriptionId: SUB,
    tenantId: "t",
    scenario: () => scenario,
    baseUrl: () => "https://127.0.0.1:1",
    operations: {
      start(op, kinds) {
        const operation = { ...op, id: `op${operations.size + 1}`, startedAt: clock.now() };
        operations.set(operation.id, operation);
        return { operation, headers: Object.fromEntries(kinds.map((k) => [k, `https://127.0.0.1:1/ops/${operation.id}`])) };
      },
      get: (id) => operations.get(id),
    },
    backends: {
      resources: {
        resourceGroup: (_s, name) => state.get(rgId(name)),
        createResourceGroup: (_s, name, location, tags) => put(rgId(name), "Microsoft.Resources/resourceGroups", { name, location, tags }),
        removeResourceGroup(_s, name) {
          for (const r of state.descendants(rgId(name))) state.delete(r.id);
          state.delete(rgId(name));
        },
        isProviderRegistered: () => true,
      },
      authorization: {
        checkAccess: (principalId, action, scope, at = clock.now()) =>
          grants.some((g) => g.principalId === principalId && (g.action === "*" || g.action === action) && scope.toLowerCase().startsWith(g.scope.toLowerCase()) && g.from <= at),
        registerPrincipal: () => undefined,
        removePrincipal: () => undefined,
        assignBuiltInRole: (principalId, _role, scope) => void grants.push({ principalId, action: "*", scope, from: clock.now() }),
      },
      compute: {
        createImageVersion(spec) {
          if (!state.get(spec.galleryImageId)) throw new ArmError(404, "NotFound", `The gallery image ${spec.galleryImageId} was not found.`);
          const id = `${spec.galleryImageId}/versions/0.25060.${versions.length + 1}`;
          versions.push({ ...spec, id });
          return put(id, "Microsoft.Compute/galleries/images/versions", { location: spec.location, tags: spec.tags, properties: {} });
        },
        replicationStatus,
        imageVersion(id): ImageVersionFacts | undefined {
          const v = versions.find((x) => x.id.toLowerCase() === id.toLowerCase());
          const definition = v && state.get(v.galleryImageId);
          if (!v || !definition) return undefined;
          const p = definition.body.properties as { osType: "Windows" | "Linux"; hyperVGeneration: "V1" | "V2" };
          return { id: v.id, location: v.location, regions: v.regions, generalizations: v.generalizations, paths: v.paths, osType: p.osType, osState: "Generalized", hyperVGeneration: p.hyperVGeneration };
        },
      },
    },
  };

  put(rgId(RG), "Microsoft.Resources/resourceGroups", { name: RG, location: "westus" });
  put(IDENTITY_ID, "Microsoft.ManagedIdentity/userAssignedIdentities", { location: "westus", properties: { principalId: PRINCIPAL, clientId: "c1" } });
  const addImageDefinition: Fakes["addImageDefinition"] = (id, hyperVGeneration = "V1", osType = "Windows") =>
    void put(id, "Microsoft.Compute/galleries/images", { location: "westus", properties: { osType, osState: "Generalized", hyperVGeneration } });
  addImageDefinition(GALLERY_IMAGE_ID);
  return {
    sim,
    clock,
    scenario,
    operations,
    grants,
    versions,
    grantGalleryRole: (from) => void grants.push({ principalId: PRINCIPAL, action: "*", scope: rgId(RG), from }),
    addImageDefinition,
  };
}

/** The how-to's template (armTemplateWinSIG.json), as the wire body of the PUT. */
export function howToTemplate(): TemplateWire {
  return howToWireTemplate(IDENTITY_ID, GALLERY_IMAGE_ID);
}
