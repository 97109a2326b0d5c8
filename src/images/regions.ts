// Azure public-cloud region short names (the `name` of GET /subscriptions/{s}/locations), so a typo
// such as "west-us" is refused before anything is created instead of failing deep inside a build.
export const KNOWN_REGIONS = [
  "australiacentral", "australiacentral2", "australiaeast", "australiasoutheast", "austriaeast",
  "belgiumcentral", "brazilsouth", "brazilsoutheast", "canadacentral", "canadaeast", "centralindia",
  "centralus", "chilecentral", "eastasia", "eastus", "eastus2", "francecentral", "francesouth",
  "germanynorth", "germanywestcentral", "indonesiacentral", "israelcentral", "italynorth", "japaneast",
  "japanwest", "jioindiacentral", "jioindiawest", "koreacentral", "koreasouth", "malaysiawest",
  "mexicocentral", "newzealandnorth", "northcentralus", "northeurope", "norwayeast", "norwaywest",
  "polandcentral", "qatarcentral", "southafricanorth", "southafricawest", "southcentralus", "southindia",
  "southeastasia", "spaincentral", "swedencentral", "swedensouth", "switzerlandnorth", "switzerlandwest",
  "uaecentral", "uaenorth", "uksouth", "ukwest", "westcentralus", "westeurope", "westindia", "westus",
  "westus2", "westus3",
] as const;

const known: ReadonlySet<string> = new Set(KNOWN_REGIONS);

export function isKnownRegion(region: string): boolean {
  return known.has(region);
}
