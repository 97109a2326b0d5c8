// validateDefinition: the one gate every image definition passes (loader, HTTP API, tests). It lists
// every problem by field path: the schema walk (check-schema.ts) plus the cross-field rules below,
// which need more than one field. Each rule guards its inputs' types so that one bad field never
// hides another.
import { checkAgainstSchema, childPath, isPlainObject } from "./check-schema.js";
import { checkLayerLimit, DEFAULT_MAX_GENERALIZATIONS } from "./layers.js";
import { findMarketplaceSku } from "./marketplace.js";
import { isKnownRegion } from "./regions.js";
import { IMAGE_DEFINITION_SCHEMA } from "./schema.js";
import type { FieldError, ImageDefinition } from "./types.js";

export { checkLayerLimit, sourceGeneralizations, maxGeneralizationsFromEnv, GENERALIZATIONS_TAG } from "./layers.js";

export interface ValidateOptions {
  /** the app setting AZURE_SUBSCRIPTION_ID, used when the definition names none */
  defaultSubscriptionId?: string;
  /** the app setting MAX_GENERALIZATIONS (default 8) */
  maxGeneralizations?: number;
}

export type ValidationResult = { ok: true; definition: ImageDefinition } | { ok: false; errors: FieldError[] };

/** Tag names Azure reserves, and the ones the factory sets itself. */
const RESERVED_TAG_PREFIXES = ["microsoft", "azure", "windows", "aibfactory"];
const FACTORY_TAGS = ["imagebuilderTemplate", "userIdentity"];
const WINDOWS_ONLY_CUSTOMIZERS = ["PowerShell", "WindowsRestart", "WindowsUpdate"];
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function validateDefinition(input: unknown, options: ValidateOptions = {}): ValidationResult {
  const errors = checkAgainstSchema(IMAGE_DEFINITION_SCHEMA, input);
  if (!isPlainObject(input)) return { ok: false, errors };
  const report = (path: string, message: string) => errors.push({ path, message });

  const subscriptionId = input.subscriptionId ?? options.defaultSubscriptionId;
  if (input.subscriptionId === undefined) {
    if (subscriptionId === undefined) report("subscriptionId", "is required when the app setting AZURE_SUBSCRIPTION_ID is not set");
    else if (typeof subscriptionId !== "string" || !GUID.test(subscriptionId)) report("subscriptionId", "the app setting AZURE_SUBSCRIPTION_ID is not a GUID");
  }
  checkRegions(input, report);
  checkGeneration(input, report);
  checkCustomizers(input, report);
  checkTags(input, report);
  if (isPlainObject(input.source) && input.source.type === "PlatformImage") {
    const layer = checkLayerLimit(0, options.maxGeneralizations ?? DEFAULT_MAX_GENERALIZATIONS);
    if (!layer.ok) report("source", layer.message);
  }

  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, definition: { ...(input as unknown as ImageDefinition), subscriptionId: subscriptionId as string } };
}

type Report = (path: string, message: string) => void;
type Input = Record<string, unknown>;

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);

function checkRegions(input: Input, report: Report): void {
  const regions = strings(input.replicationRegions);
  // An unknown location is already reported; repeating it here would only echo the bad value.
  const location = typeof input.location === "string" && isKnownRegion(input.location) ? input.location : undefined;
  if (location && Array.isArray(input.replicationRegions) && !regions.includes(location)) {
    report("replicationRegions", `must include the gallery's region (location = ${location})`);
  }
  const verification = input.verification;
  if (!isPlainObject(verification) || verification.enabled !== true) return;
  const region = verification.region ?? location;
  if (typeof region === "string" && isKnownRegion(region) && Array.isArray(input.replicationRegions) && !regions.includes(region)) {
    report("verification.region", `must be one of the replication regions (${regions.join(", ")}): the new version is only there`);
  }
  if (verification.paths === undefined && verification.script === undefined) {
    report("verification", "needs paths or script when enabled");
  }
  if (verification.paths !== undefined && isPlainObject(input.gallery) && input.gallery.osType === "Linux") {
    report("verification.paths", "are Windows paths: use script for a Linux image");
  }
}

/** A source's Hyper-V generation must equal the definition's, or AIB fails the template ("cross-generation"). */
function checkGeneration(input: Input, report: Report): void {
  const { source, gallery } = input;
  if (!isPlainObject(source) || !isPlainObject(gallery) || source.type !== "PlatformImage") return;
  const [publisher, offer, sku] = [source.publisher, source.offer, source.sku];
  if (typeof publisher !== "string" || typeof offer !== "string" || typeof sku !== "string") return;
  const known = findMarketplaceSku(publisher, offer, sku);
  const generation = known?.hyperVGeneration ?? (/(gen2|-g2|gensecond)$/i.test(sku) ? "V2" : undefined);
  if (generation && typeof gallery.hyperVGeneration === "string" && generation !== gallery.hyperVGeneration) {
    const gen = generation === "V1" ? "Gen1" : "Gen2";
    report("source.sku", `${sku} is a ${gen} (${generation}) image but gallery.hyperVGeneration is ${gallery.hyperVGeneration}`);
  }
  if (known && typeof gallery.osType === "string" && known.osType !== gallery.osType) {
    report("source.sku", `${sku} is a ${known.osType} image but gallery.osType is ${gallery.osType}`);
  }
}

function checkCustomizers(input: Input, report: Report): void {
  if (!Array.isArray(input.customizers)) return;
  const osType = isPlainObject(input.gallery) ? input.gallery.osType : undefined;
  input.customizers.forEach((c: unknown, i) => {
    if (!isPlainObject(c)) return;
    const at = childPath("customizers", i);
    if (osType === "Linux" && typeof c.type === "string" && WINDOWS_ONLY_CUSTOMIZERS.includes(c.type)) {
      report(childPath(at, "type"), `${c.type} runs only on Windows images`);
    }
    if (c.type === "PowerShell" && c.runAsSystem === true && c.runElevated !== true) {
      report(childPath(at, "runAsSystem"), "needs runElevated: true");
    }
    if (c.type === "File" && osType === "Windows" && typeof c.destination === "string" && c.destination.startsWith("/")) {
      report(childPath(at, "destination"), "must be a Windows path (C:\\...) on a Windows image");
    }
  });
}

function checkTags(input: Input, report: Report): void {
  if (!isPlainObject(input.tags)) return;
  for (const key of Object.keys(input.tags)) {
    const lower = key.toLowerCase();
    if (RESERVED_TAG_PREFIXES.some((p) => lower.startsWith(p)) || FACTORY_TAGS.some((t) => t.toLowerCase() === lower)) {
      report(childPath("tags", key), "name is reserved (by Azure or by the factory)");
    }
  }
}
