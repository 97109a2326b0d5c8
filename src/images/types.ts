// The image definition: one JSON file per image in images/. Shared contract between validation,
// the template builder and the pipeline (activities/orchestrators).

export type Region = string; // ARM short names: "westus", "eastus", ...

export interface PowerShellCustomizer {
  type: "PowerShell";
  name?: string;
  inline?: string[];
  scriptUri?: string;
  sha256Checksum?: string;
  runElevated?: boolean;
  runAsSystem?: boolean;
  validExitCodes?: number[];
}

export interface FileCustomizer {
  type: "File";
  name?: string;
  sourceUri: string;
  destination: string;
  sha256Checksum?: string;
}

export interface WindowsRestartCustomizer {
  type: "WindowsRestart";
  name?: string;
  restartCommand?: string;
  restartCheckCommand?: string;
  restartTimeout?: string;
}

export interface WindowsUpdateCustomizer {
  type: "WindowsUpdate";
  name?: string;
  searchCriteria?: string;
  filters?: string[];
  updateLimit?: number;
}

export type Customizer = PowerShellCustomizer | FileCustomizer | WindowsRestartCustomizer | WindowsUpdateCustomizer;

export type ImageSource =
  | { type: "PlatformImage"; publisher: string; offer: string; sku: string; version: string }
  | { type: "SharedImageVersion"; imageVersionId: string };

export interface ImageDefinition {
  $schema?: string;
  /** the image's name: its file name in images/ without .json; [a-z0-9-], 1–40 */
  name: string;
  /** defaults to the app setting AZURE_SUBSCRIPTION_ID when omitted */
  subscriptionId?: string;
  location: Region;
  resourceGroup: string;
  gallery: {
    name: string;
    imageDefinition: string;
    publisher: string;
    offer: string;
    sku: string;
    osType: "Windows" | "Linux";
    osState: "Generalized" | "Specialized";
    hyperVGeneration: "V1" | "V2";
  };
  source: ImageSource;
  customizers: Customizer[];
  replicationRegions: Region[];
  buildVm: { size: string; osDiskSizeGB: number };
  buildTimeoutInMinutes: number;
  runOutputName: string;
  verification: { enabled: boolean; region?: Region; vmSize?: string; paths?: string[]; script?: string[] };
  nightly: boolean;
  tags?: Record<string, string>;
  /** preview features to register first, e.g. {namespace: "Microsoft.VirtualMachineImages", name: "VirtualMachineTemplatePreview"} */
  features?: { namespace: string; name: string }[];
}

/** A validation problem, by JSON path: e.g. { path: "gallery.name", message: "..." } */
export interface FieldError {
  path: string;
  message: string;
}
