// Gallery image versions. Only image builds create them (through the Compute backend); replication
// to the target regions runs one region after another and is derived from the clock when read.
import type { ArmRequest, ComputeBackend, ImageVersionFacts, ImageVersionSpec, RouteDef, Sim } from "../../types.js";
import type { ResourceRecord } from "../../state.js";
import { errors } from "../../errors.js";
import { live, liveOfType, normaliseLocation, provisioningState, requestResourceId, startDelete } from "../tracked.js";
import { COMPUTE, GALLERY_API_VERSIONS, IMAGE_PATH, TYPES, VERSION_PATH } from "./common.js";
import { getImage } from "./galleries.js";

type ReplicationStatus = ReturnType<ComputeBackend["replicationStatus"]>;

interface VersionFacts {
  galleryImageId: string;
  regions: string[];
  replicationStartsAt: number;
  /** snapshot of scenario.replicationMsPerRegion at creation */
  msPerRegion: number;
  /** regions of scenario.failingRegions at creation */
  failingRegions: string[];
  generalizations: number;
  paths: string[];
}

const factsOf = (record: ResourceRecord) => record.internal.version as VersionFacts;

/** Version names sort by their numeric parts. */
const versionKey = (name: string) => name.split(".").map(Number);
const compareVersions = (a: string, b: string) => {
  const [x, y] = [versionKey(a), versionKey(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
};

/** AIB's legacy automatic name `0.<yyddd>.<n>`: from the simulated date, n the second of the day, kept increasing. */
function nextVersionName(sim: Sim, imageId: string): string {
  const now = sim.clock.date();
  const startOfYear = Date.UTC(now.getUTCFullYear(), 0, 1);
  const day = Math.floor((now.getTime() - startOfYear) / 86_400_000) + 1;
  const minor = `${String(now.getUTCFullYear() % 100).padStart(2, "0")}${String(day).padStart(3, "0")}`;
  const secondOfDay = Math.floor((now.getTime() % 86_400_000) / 1000);
  const taken = sim.state
    .ofType(TYPES.version, imageId)
    .map((r) => versionKey(r.body.name as string))
    .filter(([, m]) => String(m) === String(Number(minor)))
    .map(([, , n]) => n);
  return `0.${minor}.${Math.max(secondOfDay, ...taken.map((n) => n + 1))}`;
}

export function replicationStatus(sim: Sim, record: ResourceRecord, at = sim.clock.now()): ReplicationStatus {
  const f = factsOf(record);
  const summary = f.regions.map((region, i) => {
    const start = f.replicationStartsAt + i * f.msPerRegion;
    const end = start + f.msPerRegion;
    if (at >= end) {
      return f.failingRegions.includes(region)
        ? { region, state: "Failed", details: `Replication to region '${region}' failed: the image copy did not complete (simulated failure).`, progress: 0 }
        : { region, state: "Completed", details: "", progress: 100 };
    }
    const progress = at <= start ? 0 : Math.floor(((at - start) / f.msPerRegion) * 100);
    return { region, state: "Replicating", details: "", progress };
  });
  const aggregatedState = summary.some((s) => s.state === "Replicating")
    ? "InProgress"
    : summary.some((s) => s.state === "Failed") ? "Failed" : "Completed";
  return { aggregatedState, summary };
}

/** A version is Creating until replication ends, then Succeeded, or Failed if a region failed. */
function versionView(sim: Sim, record: ResourceRecord, expandReplication: boolean): Record<string, unknown> {
  const status = replicationStatus(sim, record);
  const lifecycle = provisioningState(sim, record);
  const state = lifecycle === "Deleting" ? lifecycle : { InProgress: "Creating", Completed: "Succeeded", Failed: "Failed" }[status.aggregatedState];
  const properties: Record<string, unknown> = { ...(record.body.properties as Record<string, unknown>), provisioningState: state };
  if (expandReplication) properties.replicationStatus = status;
  return { ...record.body, properties };
}

function createImageVersion(sim: Sim, spec: ImageVersionSpec): ResourceRecord {
  const image = live(sim, spec.galleryImageId);
  if (!image || image.type !== TYPES.image) throw errors.notFound("NotFound", `The gallery image ${spec.galleryImageId} was not found.`);
  const name = nextVersionName(sim, image.id);
  const id = `${image.id}/versions/${name}`;
  const location = normaliseLocation(spec.location);
  const regions = spec.regions.map(normaliseLocation);
  const scenario = sim.scenario();
  const facts: VersionFacts = {
    galleryImageId: image.id,
    regions,
    replicationStartsAt: spec.replicationStartsAt,
    msPerRegion: scenario.replicationMsPerRegion,
    failingRegions: regions.filter((r) => scenario.failingRegions.map(normaliseLocation).includes(r)),
    generalizations: spec.generalizations,
    paths: [...spec.paths],
  };
  const storageAccountType = "Standard_LRS";
  const body = {
    id,
    name,
    type: TYPES.version,
    location,
    tags: spec.tags,
    properties: {
      publishingProfile: {
        targetRegions: regions.map((r) => ({ name: r, regionalReplicaCount: 1, storageAccountType })),
        replicaCount: 1,
        publishedDate: sim.clock.date().toISOString(),
        excludeFromLatest: false,
        storageAccountType,
      },
      storageProfile: { osDiskImage: { sizeInGB: 127, hostCaching: "ReadWrite" } },
    },
  };
  const now = sim.clock.now();
  return sim.state.put({
    id, type: TYPES.version, name: `${image.name}/${name}`, body, createdAt: now,
    internal: { version: facts, lifecycle: { readyAt: now, creating: true } },
  });
}

/** The version an id names: a version id, `.../versions/latest`, or a definition id (its latest version). */
export function resolveVersion(sim: Sim, id: string): ResourceRecord | undefined {
  const trimmed = id.replace(/\/+$/, "").replace(/\/versions\/latest$/i, "");
  const record = live(sim, trimmed);
  if (!record || record.type === TYPES.version) return record;
  if (record.type !== TYPES.image) return undefined;
  return liveOfType(sim, TYPES.version, record.id)
    .filter((v) => !(v.body.properties as { publishingProfile: { excludeFromLatest?: boolean } }).publishingProfile.excludeFromLatest)
    .sort((a, b) => compareVersions(a.body.name as string, b.body.name as string))
    .at(-1);
}

function imageVersionFacts(sim: Sim, id: string): ImageVersionFacts | undefined {
  const version = resolveVersion(sim, id);
  const image = version && live(sim, factsOf(version).galleryImageId);
  if (!version || !image) return undefined;
  const f = factsOf(version);
  const definition = image.body.properties as Pick<ImageVersionFacts, "osType" | "osState" | "hyperVGeneration">;
  return {
    id: version.id,
    location: String(version.body.location),
    regions: f.regions,
    generalizations: f.generalizations,
    paths: f.paths,
    osType: definition.osType,
    osState: definition.osState,
    hyperVGeneration: definition.hyperVGeneration,
  };
}

export function imageVersionBackend(sim: Sim): ComputeBackend {
  return {
    createImageVersion: (spec) => createImageVersion(sim, spec),
    replicationStatus: (versionId, at) => {
      const record = live(sim, versionId);
      if (!record || record.type !== TYPES.version) throw errors.notFound("NotFound", `The gallery image version ${versionId} was not found.`);
      return replicationStatus(sim, record, at);
    },
    imageVersion: (id) => imageVersionFacts(sim, id),
  };
}

/** Simulated times at which a region finishes replicating. */
export function replicationEvents(sim: Sim): number[] {
  const now = sim.clock.now();
  return sim.state.ofType(TYPES.version).flatMap((r) => {
    const f = factsOf(r);
    return f.regions.map((_, i) => f.replicationStartsAt + (i + 1) * f.msPerRegion).filter((t) => t > now);
  });
}

const expandsReplication = (req: ArmRequest) => (req.query.get("$expand") ?? "").toLowerCase() === "replicationstatus";

function getVersion(sim: Sim, req: ArmRequest): ResourceRecord {
  getImage(sim, req);
  const record = live(sim, requestResourceId(req));
  if (!record) {
    const { galleryName, galleryImageName, galleryImageVersionName } = req.params;
    throw errors.resourceNotFound(TYPES.version, `${galleryName}/${galleryImageName}/${galleryImageVersionName}`, req.params.resourceGroupName);
  }
  return record;
}

export function imageVersionRoutes(sim: Sim): RouteDef[] {
  const apiVersions = GALLERY_API_VERSIONS;
  return [
    {
      method: "PUT", pattern: VERSION_PATH, apiVersions,
      handler: () => {
        throw errors.operationNotAllowed("The simulator creates gallery image versions only through image builds (Azure VM Image Builder distribution).");
      },
    },
    {
      method: "GET", pattern: VERSION_PATH, apiVersions,
      handler: (req) => ({ status: 200, body: versionView(sim, getVersion(sim, req), expandsReplication(req)) }),
    },
    {
      method: "DELETE", pattern: VERSION_PATH, apiVersions,
      handler: (req) => {
        getImage(sim, req);
        return startDelete(sim, COMPUTE, requestResourceId(req), ["location"]);
      },
    },
    {
      method: "GET", pattern: `${IMAGE_PATH}/versions`, apiVersions,
      handler: (req) => ({
        status: 200,
        body: { value: liveOfType(sim, TYPES.version, getImage(sim, req).id).map((r) => versionView(sim, r, false)) },
      }),
    },
  ];
}
