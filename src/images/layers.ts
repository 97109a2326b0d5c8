// Windows allows only a limited number of Sysprep runs on one image lineage ("可以在单个 Windows 映像上
// 运行 Sysprep 命令最多8次"), so each published version records its lineage's count in a tag and a
// build on top of a gallery version is refused before anything is created when it would pass the limit.

/** Artifact tag holding how many times a version's lineage has been generalized. */
export const GENERALIZATIONS_TAG = "aibFactoryGeneralizations";
export const DEFAULT_MAX_GENERALIZATIONS = 8;

export type LayerCheck =
  | { ok: true; generalizations: number }
  | { ok: false; generalizations: number; message: string };

/** Reads the app setting MAX_GENERALIZATIONS; anything but a positive integer means the default. */
export function maxGeneralizationsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.MAX_GENERALIZATIONS;
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_MAX_GENERALIZATIONS;
}

/**
 * The source's count from its version tags. A version we did not build (no tag) has still been
 * generalized at least once, so it counts as 1 rather than 0.
 */
export function sourceGeneralizations(tags: Record<string, string> | undefined): number {
  const n = Number(tags?.[GENERALIZATIONS_TAG]);
  return Number.isInteger(n) && n >= 0 ? n : 1;
}

/** The new version's count is the source's plus one (0 for a marketplace source). */
export function checkLayerLimit(sourceGeneralizationCount: number, limit: number): LayerCheck {
  const generalizations = sourceGeneralizationCount + 1;
  if (generalizations <= limit) return { ok: true, generalizations };
  return {
    ok: false,
    generalizations,
    message:
      `the source image has been generalized ${sourceGeneralizationCount} time(s); building on it would make ${generalizations}, ` +
      `over the limit of ${limit} (Sysprep can run at most ${limit} times on one Windows image). Build from a marketplace image instead.`,
  };
}
