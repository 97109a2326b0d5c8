// The slice of the Azure Marketplace (platform images) the simulated AIB knows. A template whose
// PlatformImage source is not here fails provisioning with BadPIRSource, as AIB does for a SKU that
// does not exist. The Hyper-V generation matters: AIB refuses to build a Gen2 source into a Gen1
// gallery definition and the other way round.

export type HyperVGeneration = "V1" | "V2";
export type OsType = "Windows" | "Linux";

export interface PlatformImage {
  publisher: string;
  offer: string;
  sku: string;
  osType: OsType;
  hyperVGeneration: HyperVGeneration;
  /** what `version: "latest"` resolves to */
  latestVersion: string;
}

const image = (publisher: string, offer: string, sku: string, osType: OsType, hyperVGeneration: HyperVGeneration, latestVersion: string): PlatformImage => ({
  publisher,
  offer,
  sku,
  osType,
  hyperVGeneration,
  latestVersion,
});

const PLATFORM_IMAGES: PlatformImage[] = [
  image("MicrosoftWindowsServer", "WindowsServer", "2016-Datacenter", "Windows", "V1", "14393.7785.250210"),
  image("MicrosoftWindowsServer", "WindowsServer", "2019-Datacenter", "Windows", "V1", "17763.6893.250210"),
  image("MicrosoftWindowsServer", "WindowsServer", "2019-datacenter-gensecond", "Windows", "V2", "17763.6893.250210"),
  image("MicrosoftWindowsServer", "WindowsServer", "2022-datacenter", "Windows", "V1", "20348.3207.250210"),
  image("MicrosoftWindowsServer", "WindowsServer", "2022-datacenter-g2", "Windows", "V2", "20348.3207.250210"),
  image("MicrosoftWindowsServer", "WindowsServer", "2022-datacenter-azure-edition", "Windows", "V2", "20348.3207.250210"),
  image("MicrosoftWindowsDesktop", "windows-11", "win11-23h2-avd", "Windows", "V2", "22631.4890.250210"),
  image("Canonical", "0001-com-ubuntu-server-jammy", "22_04-lts", "Linux", "V1", "22.04.202502100"),
  image("Canonical", "0001-com-ubuntu-server-jammy", "22_04-lts-gen2", "Linux", "V2", "22.04.202502100"),
];

/** Marketplace names are case-insensitive. A version other than `latest` must have the form the marketplace uses. */
export function findPlatformImage(publisher: string, offer: string, sku: string, version: string): { image: PlatformImage; exactVersion: string } | undefined {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const found = PLATFORM_IMAGES.find((i) => same(i.publisher, publisher) && same(i.offer, offer) && same(i.sku, sku));
  if (!found) return undefined;
  if (same(version, "latest")) return { image: found, exactVersion: found.latestVersion };
  return /^\d+\.\d+\.\d+$/.test(version) ? { image: found, exactVersion: version } : undefined;
}
