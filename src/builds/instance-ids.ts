// Orchestration instance ids. They name the image, so "is this image already building?" is a lookup by
// prefix, and a nightly id is fixed per image per UTC day, so the timer cannot start the same night twice.
export type NumberedKind = "build" | "cleanup";

const NUMBERED = /^(build|cleanup)-(.+)-(\d+)$/;
const NIGHTLY = /^nightly-(.+)-(\d{8})$/;

/** The next id of that kind for the image: one past the highest number it has used. */
export function nextInstanceId(kind: NumberedKind, image: string, existingIds: Iterable<string>): string {
  let highest = 0;
  for (const id of existingIds) {
    const match = NUMBERED.exec(id);
    if (match?.[1] === kind && match[2] === image) highest = Math.max(highest, Number(match[3]));
  }
  return `${kind}-${image}-${highest + 1}`;
}

export function nightlyInstanceId(image: string, at: Date): string {
  const day = at.toISOString().slice(0, 10).replaceAll("-", "");
  return `nightly-${image}-${day}`;
}

/** The image a build's instance id (manual or nightly) names; undefined for any other id. */
export function imageOfBuild(instanceId: string): string | undefined {
  const numbered = NUMBERED.exec(instanceId);
  if (numbered) return numbered[1] === "build" ? numbered[2] : undefined;
  return NIGHTLY.exec(instanceId)?.[1];
}

/** The image a cleanup's instance id names ("cleanup-a-b-1" is image "a-b", not "a"). */
export function imageOfCleanup(instanceId: string): string | undefined {
  const numbered = NUMBERED.exec(instanceId);
  return numbered?.[1] === "cleanup" ? numbered[2] : undefined;
}

/** The waitForBuild sub-orchestration of a build: fixed, so a cancel can reach it. */
export function waitInstanceId(buildInstanceId: string): string {
  return `${buildInstanceId}:waitForBuild`;
}
