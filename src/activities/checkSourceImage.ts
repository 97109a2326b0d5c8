// Before anything is created: how many times the source's lineage has been generalized. Building on a
// gallery version that would pass the Sysprep limit is refused here, with the how-to's warning.
import type { ImageSource } from "../images/types.js";
import { checkLayerLimit, maxGeneralizationsFromEnv, sourceGeneralizations } from "../images/layers.js";
import { getClients, refusal, parseImageVersionId } from "./deps.js";

export const checkSourceImageName = "checkSourceImage";

export interface Input {
  source: ImageSource;
}

export interface Output {
  /** the new version's count, for its aibFactoryGeneralizations tag */
  generalizations: number;
  /** the source version's `baseosimg` tag, carried over to the new version */
  sourceBaseOs?: string;
}

export async function checkSourceImage(input: Input): Promise<Output> {
  let count = 0;
  let sourceBaseOs: string | undefined;
  if (input.source.type === "SharedImageVersion") {
    const ref = parseImageVersionId(input.source.imageVersionId);
    const { galleryImageVersions } = getClients(ref.subscriptionId).compute;
    const version = await galleryImageVersions.get(ref.resourceGroup, ref.gallery, ref.imageDefinition, ref.version);
    count = sourceGeneralizations(version.tags);
    sourceBaseOs = version.tags?.baseosimg;
  }
  const check = checkLayerLimit(count, maxGeneralizationsFromEnv());
  if (!check.ok) throw refusal("GeneralizationLimitReached", check.message, "build from a marketplace image to start a new lineage");
  return { generalizations: check.generalizations, sourceBaseOs };
}
