// How-to step "check replication": per-region state of the new image version. The orchestrator waits
// until every region is Completed and names the region that failed.
import { getClients, parseImageVersionId } from "./deps.js";

export const getReplicationStatusName = "getReplicationStatus";

export interface Input {
  imageVersionId: string;
}

export interface RegionState {
  region: string;
  /** Unknown, Replicating, Completed, Failed */
  state: string;
  progress?: number;
  details?: string;
}

export interface Output {
  /** Unknown, InProgress, Completed, Failed */
  aggregatedState: string;
  provisioningState?: string;
  regions: RegionState[];
}

export async function getReplicationStatus(input: Input): Promise<Output> {
  const ref = parseImageVersionId(input.imageVersionId);
  const { galleryImageVersions } = getClients(ref.subscriptionId).compute;
  const version = await galleryImageVersions.get(ref.resourceGroup, ref.gallery, ref.imageDefinition, ref.version, {
    expand: "ReplicationStatus",
  });
  const status = version.replicationStatus;
  return {
    aggregatedState: status?.aggregatedState ?? "Unknown",
    provisioningState: version.provisioningState,
    regions: (status?.summary ?? []).map((r) => ({
      region: r.region ?? "",
      state: r.state ?? "Unknown",
      progress: r.progress,
      details: r.details || undefined,
    })),
  };
}
