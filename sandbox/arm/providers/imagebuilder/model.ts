// Shapes of an image template: the wire JSON (nested under `properties`, as AIB's REST API has it;
// the SDK flattens it) and the simulator-only facts kept in the record's `internal`.
import type { ResourceRecord } from "../../state.js";
import type { Scenario } from "../../types.js";
import type { CustomizerWire } from "./customizer-paths.js";

export const NAMESPACE = "Microsoft.VirtualMachineImages";
export const TEMPLATE_TYPE = `${NAMESPACE}/imageTemplates`;
export const RUN_OUTPUT_TYPE = `${TEMPLATE_TYPE}/runOutputs`;
export const PROVIDER_NAME = "imagebuilder";

export interface SourceWire {
  type: string;
  publisher?: string;
  offer?: string;
  sku?: string;
  version?: string;
  imageVersionId?: string;
  imageId?: string;
  [other: string]: unknown;
}

export interface DistributorWire {
  type: string;
  runOutputName: string;
  artifactTags?: Record<string, string>;
  galleryImageId?: string;
  replicationRegions?: string[];
  targetRegions?: { name: string }[];
  imageId?: string;
  uri?: string;
  [other: string]: unknown;
}

export interface TemplatePropertiesWire {
  source: SourceWire;
  customize?: CustomizerWire[];
  distribute: DistributorWire[];
  buildTimeoutInMinutes?: number;
  vmProfile?: Record<string, unknown>;
  stagingResourceGroup?: string;
  [other: string]: unknown;
}

export interface TemplateWire {
  location: string;
  tags?: Record<string, string>;
  identity?: { type?: string; userAssignedIdentities?: Record<string, unknown> };
  properties: TemplatePropertiesWire;
}

/** A failure as both the template (`provisioningError`) and its PUT operation (`error`) report it. */
export interface ProvisioningFailure {
  /** the operation's error code */
  code: string;
  provisioningErrorCode: string;
  message: string;
}

export interface ProvisioningFacts {
  startedAt: number;
  durationMs: number;
  /** known at submission (bad source, cross-generation, injected) */
  failure?: ProvisioningFailure;
  /** settled when provisioning ends: the permission check belongs to that moment */
  outcome?: { state: "Succeeded" | "Failed"; failure?: ProvisioningFailure };
}

export type RunSubState = "Queued" | "Building" | "Customizing" | "Distributing";
export type RunEnd = { state: "Succeeded" | "Failed" | "Canceled"; at: number; subState: RunSubState; message: string };

export interface RunFacts {
  id: string;
  startedAt: number;
  phases: Scenario["build"];
  timeoutMs: number;
  failure?: Scenario["buildFailure"];
  cancelMs: number;
  canceledAt?: number;
  /** set when distribution starts: the artifacts it created, by run output name */
  distributed?: Record<string, { artifactId?: string; artifactUri?: string }>;
  end?: RunEnd;
}

export interface TemplateInternal {
  /** the body as submitted, to tell an identical re-PUT from an update */
  submitted: TemplateWire;
  principalId: string;
  clientId: string;
  subscriptionId: string;
  resourceGroup: string;
  stagingResourceGroup: string;
  /** AIB deletes the staging group with the template only when it created the group */
  stagingCreatedByAib: boolean;
  /** the staging storage account, named in build log URLs */
  storageAccount: string;
  /** what the source resolved to (`source.exactVersion`) */
  exactVersion?: string;
  /** by run output name: the gallery image definition and regions of each SharedImage target */
  galleryTargets: Record<string, { galleryImageId: string; regions: string[] }>;
  /** how often the source lineage has been generalized already */
  sourceGeneralizations: number;
  /** lower-cased Windows path → display path, inherited from the source and added by customizers */
  paths: Record<string, string>;
  provisioning: ProvisioningFacts;
  run?: RunFacts;
  /** outcomes of earlier runs, for their async operations */
  finishedRuns: Record<string, RunEnd>;
  runOutputs: Record<string, { artifactId?: string; artifactUri?: string }>;
  deletingAt?: number;
  deleteMs?: number;
}

export interface TemplateRecord extends ResourceRecord {
  body: Record<string, unknown> & TemplateWire;
  internal: TemplateInternal & Record<string, unknown>;
}

export const templateId = (subscriptionId: string, resourceGroup: string, name: string) =>
  `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${TEMPLATE_TYPE}/${name}`;

/** ARM region names compare without case and spaces ("East US" is "eastus"). */
export const sameRegion = (a: string, b: string) => a.replace(/\s/g, "").toLowerCase() === b.replace(/\s/g, "").toLowerCase();
