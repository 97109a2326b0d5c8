// What AIB checks when a template is submitted. Some problems reject the PUT at once (400
// ValidationFailed); others (an unknown marketplace image, a Gen1/Gen2 mismatch) only surface when
// provisioning fails, as they do in Azure, so they are returned as a failure to report later.
import { errors } from "../../errors.js";
import type { Sim } from "../../types.js";
import { findPlatformImage, type HyperVGeneration, type OsType } from "./catalogue.js";
import type { DistributorWire, ProvisioningFailure, SourceWire, TemplateWire } from "./model.js";
import { sameRegion } from "./model.js";

const IDENTITY_TYPE = "Microsoft.ManagedIdentity/userAssignedIdentities";
const GALLERY_IMAGE_TYPE = "Microsoft.Compute/galleries/images";
const WINDOWS_ONLY = new Set(["PowerShell", "WindowsRestart", "WindowsUpdate"]);

export interface ResolvedSource {
  osType?: OsType;
  hyperVGeneration?: HyperVGeneration;
  exactVersion?: string;
  generalizations: number;
  paths: string[];
}

export interface ResolvedTemplate {
  principalId: string;
  clientId: string;
  source: ResolvedSource;
  /** by run output name: the gallery image definition and the regions a SharedImage target replicates to */
  galleryTargets: Record<string, { galleryImageId: string; regions: string[] }>;
  /** a problem that fails provisioning rather than the request */
  failure?: ProvisioningFailure;
}

const invalid = errors.imageTemplateValidationFailed;

export function validateTemplate(sim: Sim, body: TemplateWire): ResolvedTemplate {
  const { principalId, clientId } = identityOf(sim, body);
  const props = body.properties;
  const timeout = props.buildTimeoutInMinutes ?? 0;
  if (timeout !== 0 && (timeout < 6 || timeout > 960)) {
    throw invalid(`'buildTimeoutInMinutes' must be 0 (the default, 240) or between 6 and 960, not ${timeout}: client_jwt will expire within 5 minutes.`);
  }
  const { source, failure: sourceFailure } = resolveSource(sim, props.source, body.location);
  checkCustomizers(props.customize ?? [], source.osType);
  const galleryTargets = resolveDistribution(sim, props.distribute, body.location);
  const failure = sourceFailure ?? crossGeneration(sim, source, galleryTargets);
  return { principalId, clientId, source, galleryTargets, failure };
}

/** AIB requires exactly one user-assigned identity, and it must exist. */
function identityOf(sim: Sim, body: TemplateWire): { principalId: string; clientId: string } {
  const ids = Object.keys(body.identity?.userAssignedIdentities ?? {});
  if (body.identity?.type !== "UserAssigned" || ids.length !== 1) {
    throw invalid("an image template needs 'identity' of type 'UserAssigned' with exactly one user-assigned identity in 'userAssignedIdentities'.");
  }
  const record = sim.state.get(ids[0]);
  const properties = record?.body.properties as { principalId?: string; clientId?: string } | undefined;
  if (!record || record.type.toLowerCase() !== IDENTITY_TYPE.toLowerCase() || !properties?.principalId) {
    throw invalid(`the user-assigned identity '${ids[0]}' was not found.`);
  }
  return { principalId: properties.principalId, clientId: properties.clientId ?? "" };
}

function resolveSource(sim: Sim, source: SourceWire, location: string): { source: ResolvedSource; failure?: ProvisioningFailure } {
  switch (source.type) {
    case "PlatformImage": {
      const { publisher = "", offer = "", sku = "", version = "" } = source;
      const found = findPlatformImage(publisher, offer, sku, version);
      if (!found) {
        const message = `Failed to get the platform image '${publisher}:${offer}:${sku}:${version}' in location '${location}': the image was not found. Check the publisher, offer, sku and version.`;
        return { source: { generalizations: 0, paths: [] }, failure: { code: "BadPIRSource", provisioningErrorCode: "BadPIRSource", message } };
      }
      const { osType, hyperVGeneration } = found.image;
      return { source: { osType, hyperVGeneration, exactVersion: found.exactVersion, generalizations: 0, paths: [] } };
    }
    case "SharedImageVersion": {
      const id = source.imageVersionId ?? "";
      const version = sim.backends.compute.imageVersion(id);
      if (!version) throw invalid(`the source image version '${id}' was not found.`);
      const replicated = sim.backends.compute
        .replicationStatus(version.id)
        .summary.some((r) => sameRegion(r.region, location) && r.state === "Completed");
      if (!replicated) {
        throw invalid(`the source image version '${version.id}' is not replicated to the template's region '${location}'. Replicate it there, or submit the template in one of its regions.`);
      }
      const { osType, hyperVGeneration, generalizations, paths } = version;
      return { source: { osType, hyperVGeneration, exactVersion: version.id, generalizations, paths } };
    }
    default:
      // ManagedImage: the simulator keeps no managed images, so it knows nothing to check
      return { source: { generalizations: 0, paths: [] } };
  }
}

function checkCustomizers(customizers: { type: string; scriptUri?: string; inline?: string[] }[], osType: OsType | undefined): void {
  customizers.forEach((c, i) => {
    if (c.type === "PowerShell" && !!c.scriptUri === !!c.inline?.length) {
      throw invalid(`'customize[${i}]': a PowerShell customizer needs exactly one of 'scriptUri' and 'inline'.`);
    }
    if (osType === "Linux" && WINDOWS_ONLY.has(c.type)) {
      throw invalid(`'customize[${i}]': the ${c.type} customizer is only supported for Windows images, and the source image is Linux.`);
    }
    if (osType === "Windows" && c.type === "Shell") {
      throw invalid(`'customize[${i}]': the Shell customizer is only supported for Linux images, and the source image is Windows.`);
    }
  });
}

function resolveDistribution(sim: Sim, distribute: DistributorWire[], location: string): ResolvedTemplate["galleryTargets"] {
  const seen = new Set<string>();
  const targets: ResolvedTemplate["galleryTargets"] = {};
  distribute.forEach((d, i) => {
    if (seen.has(d.runOutputName.toLowerCase())) throw invalid(`'distribute[${i}]': runOutputName '${d.runOutputName}' is used by more than one distribution target.`);
    seen.add(d.runOutputName.toLowerCase());
    if (d.type !== "SharedImage") return;
    if (d.replicationRegions?.length && d.targetRegions?.length) {
      throw invalid(`'distribute[${i}]': set either 'targetRegions' or the deprecated 'replicationRegions', not both.`);
    }
    const galleryImageId = d.galleryImageId ?? "";
    if (/\/versions\/[^/]+$/i.test(galleryImageId)) {
      throw invalid(`'distribute[${i}]': the simulator only supports automatic versioning: give the image definition id, without '/versions/...'.`);
    }
    const definition = sim.state.get(galleryImageId);
    if (!definition || definition.type.toLowerCase() !== GALLERY_IMAGE_TYPE.toLowerCase()) {
      throw invalid(`'distribute[${i}]': the gallery image definition '${galleryImageId}' was not found.`);
    }
    const regions = d.targetRegions?.map((r) => r.name) ?? d.replicationRegions ?? [];
    targets[d.runOutputName] = { galleryImageId: definition.id, regions: regions.length ? regions : [location] };
  });
  return targets;
}

/** AIB cannot build a Gen1 source into a Gen2 definition or the other way round. */
function crossGeneration(sim: Sim, source: ResolvedSource, targets: ResolvedTemplate["galleryTargets"]): ProvisioningFailure | undefined {
  if (!source.hyperVGeneration) return undefined;
  for (const { galleryImageId } of Object.values(targets)) {
    const properties = sim.state.get(galleryImageId)?.body.properties as { hyperVGeneration?: string } | undefined;
    const generation = properties?.hyperVGeneration ?? "V1";
    if (generation !== source.hyperVGeneration) {
      const message = `Validation failed: Error with Hyper-V Version validation (cross-generation for multiple Hyper-V Versions is not supported). The provided SIG: ${galleryImageId}, has a different Hyper-V Generation: ${generation}, than source image: ${source.hyperVGeneration}.`;
      return { code: "ValidationFailed", provisioningErrorCode: "Other", message };
    }
  }
  return undefined;
}
