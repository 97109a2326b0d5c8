// Names shared by the Compute modules: resource types, api-versions, the LRO target and the view
// that adds the derived provisioningState to a stored body.
import type { Sim } from "../../types.js";
import type { ResourceRecord } from "../../state.js";
import { provisioningState, type LroTarget } from "../tracked.js";

export const COMPUTE: LroTarget = { provider: "compute", namespace: "Microsoft.Compute" };

export const TYPES = {
  gallery: "Microsoft.Compute/galleries",
  image: "Microsoft.Compute/galleries/images",
  version: "Microsoft.Compute/galleries/images/versions",
  vm: "Microsoft.Compute/virtualMachines",
  disk: "Microsoft.Compute/disks",
} as const;

// The current @azure/arm-compute (25.x) and the previous major (24.x).
export const GALLERY_API_VERSIONS = ["2025-12-03", "2025-03-03"];
export const VM_API_VERSIONS = ["2026-04-01", "2026-03-01"];

export const RG_PATH = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute";
export const GALLERY_PATH = `${RG_PATH}/galleries/{galleryName}`;
export const IMAGE_PATH = `${GALLERY_PATH}/images/{galleryImageName}`;
export const VERSION_PATH = `${IMAGE_PATH}/versions/{galleryImageVersionName}`;
export const VM_PATH = `${RG_PATH}/virtualMachines/{vmName}`;

/** The resource as GET returns it: the stored body plus the derived provisioningState. */
export function view(sim: Sim, record: ResourceRecord, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const properties = { ...(record.body.properties as Record<string, unknown>), ...extra, provisioningState: provisioningState(sim, record) };
  return { ...record.body, properties };
}

export const list = (sim: Sim, records: ResourceRecord[]) => ({ value: records.map((r) => view(sim, r)) });
