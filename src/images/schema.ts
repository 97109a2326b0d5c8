// The image definition's shape, written once as data. validate.ts walks it to list every problem by
// field path, and json-schema.ts turns it into images/image.schema.json for editors, so the two
// can never disagree. Cross-field rules that JSON Schema cannot say well live in validate.ts.
import { KNOWN_REGIONS } from "./regions.js";

interface Described {
  description?: string;
}
export interface StringNode extends Described {
  kind: "string";
  pattern?: string;
  /** said instead of the bare pattern when a value does not match */
  patternMessage?: string;
  minLength?: number;
  maxLength?: number;
  enum?: readonly string[];
  /** for long enums: "unknown <label>" instead of listing every value */
  enumLabel?: string;
  /** shared in the JSON Schema's $defs under this name instead of repeated */
  defName?: string;
}
export interface IntegerNode extends Described {
  kind: "integer";
  minimum?: number;
  maximum?: number;
}
export interface BooleanNode extends Described {
  kind: "boolean";
}
export interface ArrayNode extends Described {
  kind: "array";
  items: SchemaNode;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
}
export interface ObjectNode extends Described {
  kind: "object";
  properties: Record<string, SchemaNode>;
  required?: readonly string[];
  /** exactly one of these properties must be present */
  exactlyOneOf?: readonly string[];
  /** property → properties it needs next to it */
  dependentRequired?: Record<string, readonly string[]>;
}
/** A string-keyed map such as tags. */
export interface RecordNode extends Described {
  kind: "record";
  keys: StringNode;
  values: SchemaNode;
  maxProperties?: number;
}
/** Objects told apart by their `type` property, as AIB's customizers and sources are. */
export interface UnionNode extends Described {
  kind: "union";
  variants: Record<string, ObjectNode>;
}
export type SchemaNode = StringNode | IntegerNode | BooleanNode | ArrayNode | ObjectNode | RecordNode | UnionNode;

const anchored = (body: string) => `^${body}$`;
const NAME_BODY = "[a-z0-9][a-z0-9-]{0,39}";
const GUID_BODY = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
const RESOURCE_GROUP_BODY = "[-\\w._()]{0,89}[-\\w_()]";
const GALLERY_BODY = "[A-Za-z0-9_.]{1,80}";
const IMAGE_DEFINITION_BODY = "[A-Za-z0-9][A-Za-z0-9_.-]{0,78}[A-Za-z0-9]";
const VERSION_BODY = "(latest|[0-9]+\\.[0-9]+\\.[0-9]+)";

/** The image's name; also its file name, so it is checked before any path is built from it. */
export const IMAGE_NAME_PATTERN = anchored(NAME_BODY);

const str = (pattern: string, patternMessage: string, description: string, maxLength?: number): StringNode => ({
  kind: "string", pattern, patternMessage, description, ...(maxLength ? { maxLength } : {}),
});
const text = (description: string, maxLength = 8192): StringNode => ({ kind: "string", minLength: 1, maxLength, description });
const bool = (description: string): BooleanNode => ({ kind: "boolean", description });
const int = (minimum: number, maximum: number, description: string): IntegerNode => ({ kind: "integer", minimum, maximum, description });
const list = (items: SchemaNode, description: string, extra: Partial<ArrayNode> = {}): ArrayNode => ({ kind: "array", items, description, ...extra });
const obj = (properties: Record<string, SchemaNode>, required: readonly string[], extra: Partial<ObjectNode> = {}): ObjectNode => ({
  kind: "object", properties, required, ...extra,
});

const region = (description: string): StringNode => ({
  kind: "string", enum: KNOWN_REGIONS, enumLabel: "Azure region", defName: "region", description,
});
const identifierPart = (description: string) =>
  str("^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$", "letters, digits, '_', '.', '-'; starts with a letter or digit; at most 128", description);
const httpsUri = (description: string) =>
  str("^https://[^\\s\"'<>`]+$", "must be an https:// URL without spaces or quotes", description, 2048);
const sha256 = str("^[0-9a-fA-F]{64}$", "must be 64 hexadecimal characters (SHA-256)", "SHA-256 of the downloaded file");
const customizerName = str("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", "letters, digits, '_', '.', '-'; at most 64", "friendly name shown in the build log");
const commandLines = (description: string) => list(text("one line"), description, { minItems: 1, maxItems: 200 });

const powerShell = obj(
  {
    type: { kind: "string", enum: ["PowerShell"] },
    name: customizerName,
    inline: commandLines("PowerShell lines run on the build VM (visible in the template: no secrets)"),
    scriptUri: httpsUri("script to download and run"),
    sha256Checksum: sha256,
    runElevated: bool("run with elevated privileges"),
    runAsSystem: bool("run as Local System; needs runElevated"),
    validExitCodes: list(int(0, 2147483647, "exit code"), "exit codes that count as success (default [0])", { minItems: 1, maxItems: 32 }),
  },
  ["type"],
  { exactlyOneOf: ["inline", "scriptUri"], dependentRequired: { sha256Checksum: ["scriptUri"], runAsSystem: ["runElevated"] } },
);
const file = obj(
  {
    type: { kind: "string", enum: ["File"] },
    name: customizerName,
    sourceUri: httpsUri("file to download (under 20 MB)"),
    destination: str("^([A-Za-z]:\\\\|/)[^<>\"|?*\\r\\n]*$", "must be an absolute path on the build VM", "absolute path on the build VM", 260),
    sha256Checksum: sha256,
  },
  ["type", "sourceUri", "destination"],
);
const windowsRestart = obj(
  {
    type: { kind: "string", enum: ["WindowsRestart"] },
    name: customizerName,
    restartCommand: text("command that restarts the VM"),
    restartCheckCommand: text("command that checks the restart succeeded"),
    restartTimeout: str("^([0-9]+[hms])+$", "a duration such as 5m, 30m or 1h", "how long to wait for the restart", 16),
  },
  ["type"],
);
const windowsUpdate = obj(
  {
    type: { kind: "string", enum: ["WindowsUpdate"] },
    name: customizerName,
    searchCriteria: text("Windows Update search criteria, e.g. IsInstalled=0", 1024),
    filters: list(text("filter", 1024), "include:/exclude: filters", { maxItems: 50 }),
    updateLimit: int(0, 1000, "updates applied at a time (0 = 1000)"),
  },
  ["type"],
);

const platformImage = obj(
  {
    type: { kind: "string", enum: ["PlatformImage"] },
    publisher: identifierPart("marketplace publisher, e.g. MicrosoftWindowsServer"),
    offer: identifierPart("marketplace offer, e.g. WindowsServer"),
    sku: identifierPart("marketplace SKU, e.g. 2019-Datacenter"),
    version: str(anchored(VERSION_BODY), "must be 'latest' or major.minor.patch", "marketplace version or 'latest'", 64),
  },
  ["type", "publisher", "offer", "sku", "version"],
);
const sharedImageVersion = obj(
  {
    type: { kind: "string", enum: ["SharedImageVersion"] },
    imageVersionId: str(
      anchored(
        `/subscriptions/${GUID_BODY}/resourceGroups/${RESOURCE_GROUP_BODY}/providers/Microsoft\\.Compute/galleries/${GALLERY_BODY}/images/${IMAGE_DEFINITION_BODY}/versions/${VERSION_BODY}`,
      ),
      "must be a gallery image version resource id (…/galleries/{g}/images/{d}/versions/{x.y.z|latest})",
      "an earlier version of a gallery image, to layer on",
      1024,
    ),
  },
  ["type", "imageVersionId"],
);

export const IMAGE_DEFINITION_SCHEMA: ObjectNode = obj(
  {
    $schema: { kind: "string", maxLength: 2048, description: "path of this JSON Schema, for editors" },
    name: str(IMAGE_NAME_PATTERN, "lower-case letters, digits and '-', starting with a letter or digit, at most 40", "the image's name = its file name without .json"),
    subscriptionId: str(anchored(GUID_BODY), "must be a GUID", "subscription; defaults to the app setting AZURE_SUBSCRIPTION_ID"),
    location: region("region of the resource group, gallery and template"),
    resourceGroup: str(anchored(RESOURCE_GROUP_BODY), "1–90 letters, digits, '-', '_', '.', '(', ')'; not ending in '.'", "resource group holding the gallery and template"),
    gallery: obj(
      {
        name: str(anchored(GALLERY_BODY), "1–80 letters, digits, '_' and '.' (no '-')", "Azure Compute Gallery name"),
        imageDefinition: str(anchored(IMAGE_DEFINITION_BODY), "2–80 letters, digits, '_', '.', '-', starting and ending with a letter or digit", "gallery image definition name"),
        publisher: identifierPart("image definition publisher"),
        offer: identifierPart("image definition offer"),
        sku: identifierPart("image definition SKU"),
        osType: { kind: "string", enum: ["Windows", "Linux"] },
        osState: { kind: "string", enum: ["Generalized", "Specialized"] },
        hyperVGeneration: { kind: "string", enum: ["V1", "V2"], description: "must match the source image's generation" },
      },
      ["name", "imageDefinition", "publisher", "offer", "sku", "osType", "osState", "hyperVGeneration"],
    ),
    source: { kind: "union", variants: { PlatformImage: platformImage, SharedImageVersion: sharedImageVersion }, description: "the image to start from" },
    customizers: list(
      { kind: "union", variants: { PowerShell: powerShell, File: file, WindowsRestart: windowsRestart, WindowsUpdate: windowsUpdate } },
      "customization steps, in order",
      { maxItems: 100 },
    ),
    replicationRegions: list(region("replica region"), "regions to replicate each version to; must include location", { minItems: 1, maxItems: 50, uniqueItems: true }),
    buildVm: obj(
      {
        size: str("^Standard_[A-Za-z0-9_-]{1,60}$", "must be a VM size such as Standard_D2_v2", "build VM size"),
        osDiskSizeGB: int(0, 4095, "OS disk size in GB (0 keeps the source's size)"),
      },
      ["size", "osDiskSizeGB"],
    ),
    buildTimeoutInMinutes: int(6, 960, "build timeout, including customizing and replication"),
    runOutputName: str("^[A-Za-z0-9_.-]{1,64}$", "1–64 letters, digits, '-', '_' and '.'", "name of the template's run output"),
    verification: obj(
      {
        enabled: bool("boot a VM from each new version and check it"),
        region: region("where to boot it; must be a replication region (default: location)"),
        vmSize: str("^Standard_[A-Za-z0-9_-]{1,60}$", "must be a VM size such as Standard_D2s_v3", "verification VM size"),
        paths: list(
          str("^[A-Za-z]:\\\\[A-Za-z0-9 _.\\\\()-]*$", "must be a plain Windows path such as C:\\buildActions (no quotes, $, ; or `)", "path that must exist", 260),
          "paths that must exist on the new image",
          { minItems: 1, maxItems: 50 },
        ),
        script: commandLines("PowerShell lines that must exit 0 on the new image"),
      },
      ["enabled"],
    ),
    nightly: bool("rebuild every night"),
    tags: {
      kind: "record",
      keys: str("^[^<>%&\\\\?/]{1,512}$", "1–512 characters, none of < > % & \\ ? /", "tag name"),
      values: { kind: "string", maxLength: 256, description: "tag value" },
      maxProperties: 40,
      description: "tags for the template (and so the build's resources)",
    },
    features: list(
      obj(
        {
          namespace: str("^[A-Za-z][A-Za-z0-9]*(\\.[A-Za-z][A-Za-z0-9]*)+$", "must be a resource provider namespace such as Microsoft.VirtualMachineImages", "provider namespace"),
          name: identifierPart("feature name"),
        },
        ["namespace", "name"],
      ),
      "preview features to register first",
      { maxItems: 20 },
    ),
  },
  ["name", "location", "resourceGroup", "gallery", "source", "customizers", "replicationRegions", "buildVm", "buildTimeoutInMinutes", "runOutputName", "verification", "nightly"],
  { description: "An image built by the AIB image factory: one file per image in images/." },
);
