// Image definition → the ImageTemplate body of @azure/arm-imagebuilder 5. That SDK type is flattened
// (source, customize, distribute… sit next to location; its serializer nests them under
// `properties`), and the values reproduce the how-to's armTemplateWinSIG.json.
import { createHash } from "node:crypto";
import type {
  ImageTemplate,
  ImageTemplateCustomizerUnion,
  ImageTemplateSharedImageDistributor,
  ImageTemplateSourceUnion,
} from "@azure/arm-imagebuilder";
import { GENERALIZATIONS_TAG } from "./layers.js";
import { findMarketplaceSku } from "./marketplace.js";
import type { Customizer, ImageDefinition, ImageSource } from "./types.js";

/** Artifact tag naming the definition a version was built from. */
export const IMAGE_TAG = "aibFactoryImage";

export interface TemplateInputs {
  /** resource id of the user-assigned identity AIB acts as */
  identityId: string;
  /** the gallery image definition's resource id (no /versions/: AIB picks the version) */
  galleryImageId: string;
  /** the new version's generalization count (checkLayerLimit(...).generalizations) */
  generalizations: number;
  /** `baseosimg` of a SharedImageVersion source, read from its tags */
  sourceBaseOs?: string;
}

function templateSource(source: ImageSource): ImageTemplateSourceUnion {
  return source.type === "PlatformImage"
    ? { type: "PlatformImage", publisher: source.publisher, offer: source.offer, sku: source.sku, version: source.version }
    : { type: "SharedImageVersion", imageVersionId: source.imageVersionId };
}

/** Our customizer types use the SDK's field names, so a copy is enough (validation forbids extras). */
function templateCustomizer(customizer: Customizer): ImageTemplateCustomizerUnion {
  return { ...customizer };
}

function baseOs(source: ImageSource, inputs: TemplateInputs): string {
  if (source.type === "SharedImageVersion") return inputs.sourceBaseOs ?? "sharedImageVersion";
  return findMarketplaceSku(source.publisher, source.offer, source.sku)?.baseOs ?? `${source.offer}-${source.sku}`.toLowerCase();
}

export function buildImageTemplate(def: ImageDefinition, inputs: TemplateInputs): ImageTemplate {
  const distributor: ImageTemplateSharedImageDistributor = {
    type: "SharedImage",
    galleryImageId: inputs.galleryImageId,
    runOutputName: def.runOutputName,
    artifactTags: {
      source: "azureVmImageBuilder",
      baseosimg: baseOs(def.source, inputs),
      [IMAGE_TAG]: def.name,
      [GENERALIZATIONS_TAG]: String(inputs.generalizations),
    },
    replicationRegions: [...def.replicationRegions],
  };
  return {
    location: def.location,
    tags: {
      ...def.tags,
      // The how-to's tags; the gallery-on-gallery variant names itself differently.
      imagebuilderTemplate: def.source.type === "SharedImageVersion" ? "AzureVMImageBuilderSIGonSIG" : "AzureImageBuilderSIG",
      userIdentity: "enabled",
    },
    identity: { type: "UserAssigned", userAssignedIdentities: { [inputs.identityId]: {} } },
    buildTimeoutInMinutes: def.buildTimeoutInMinutes,
    vmProfile: { vmSize: def.buildVm.size, osDiskSizeGB: def.buildVm.osDiskSizeGB },
    source: templateSource(def.source),
    customize: def.customizers.map(templateCustomizer),
    distribute: [distributor],
  };
}

/** JSON with keys sorted at every level, so equal templates hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 (hex) of the template body: names the template (names.ts templateName) and detects change. */
export function templateContentHash(template: ImageTemplate): string {
  return createHash("sha256").update(canonicalJson(template)).digest("hex");
}
