// Hyper-V generation and OS of well-known marketplace images. AIB refuses a build whose source
// generation differs from the gallery definition's ("cross-generation ... is not supported") only after
// the template PUT; knowing the common SKUs lets validation refuse it up front.
export interface MarketplaceSku {
  publisher: string;
  offer: string;
  sku: string;
  hyperVGeneration: "V1" | "V2";
  osType: "Windows" | "Linux";
  /** the `baseosimg` artifact tag of versions built from it */
  baseOs: string;
}

const windowsServer = (sku: string, hyperVGeneration: "V1" | "V2", baseOs: string): MarketplaceSku => ({
  publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku, hyperVGeneration, osType: "Windows", baseOs,
});

export const MARKETPLACE_SKUS: readonly MarketplaceSku[] = [
  windowsServer("2016-Datacenter", "V1", "windows2016"),
  windowsServer("2016-datacenter-gensecond", "V2", "windows2016"),
  windowsServer("2019-Datacenter", "V1", "windows2019"),
  windowsServer("2019-datacenter-gensecond", "V2", "windows2019"),
  windowsServer("2022-datacenter", "V1", "windows2022"),
  windowsServer("2022-datacenter-g2", "V2", "windows2022"),
  windowsServer("2022-datacenter-azure-edition", "V2", "windows2022"),
  windowsServer("2025-datacenter", "V1", "windows2025"),
  windowsServer("2025-datacenter-g2", "V2", "windows2025"),
  { publisher: "MicrosoftWindowsDesktop", offer: "windows-11", sku: "win11-23h2-avd", hyperVGeneration: "V2", osType: "Windows", baseOs: "windows11" },
  { publisher: "MicrosoftWindowsDesktop", offer: "windows-11", sku: "win11-23h2-ent", hyperVGeneration: "V2", osType: "Windows", baseOs: "windows11" },
  { publisher: "Canonical", offer: "0001-com-ubuntu-server-jammy", sku: "22_04-lts", hyperVGeneration: "V1", osType: "Linux", baseOs: "ubuntu2204" },
  { publisher: "Canonical", offer: "0001-com-ubuntu-server-jammy", sku: "22_04-lts-gen2", hyperVGeneration: "V2", osType: "Linux", baseOs: "ubuntu2204" },
];

/** Marketplace names are case-insensitive in ARM, so "2019-datacenter" finds "2019-Datacenter". */
export function findMarketplaceSku(publisher: string, offer: string, sku: string): MarketplaceSku | undefined {
  const key = (s: string) => s.toLowerCase();
  return MARKETPLACE_SKUS.find(
    (m) => key(m.publisher) === key(publisher) && key(m.offer) === key(offer) && key(m.sku) === key(sku),
  );
}
