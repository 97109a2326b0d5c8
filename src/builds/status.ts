// What a build tells the outside world: its custom status while it runs, its result when done, and
// the readable summary GET /api/builds returns. Pure, shared by orchestrators and HTTP triggers.

/** Region state as getReplicationStatus reports it. */
export interface RegionSummary {
  region: string;
  state: string;
  progress?: number;
  details?: string;
}

export interface PhaseTiming {
  phase: string;
  startedAt: string;
  minutes?: number;
}

/** setCustomStatus of buildImage; waitForBuild sets the run fields on its own instance. */
export interface BuildProgress {
  image: string;
  phase: string;
  runState?: string;
  runSubState?: string;
  elapsedMinutes?: number;
  templateName?: string;
  imageVersionId?: string;
  regions?: RegionSummary[];
  /** the failed step's error, as the activity reported it ("[kind] Code: message — hint") */
  error?: string;
  phases: PhaseTiming[];
}

export interface BuildResult {
  outcome: "succeeded" | "canceled";
  image: string;
  templateName?: string;
  imageVersionId?: string;
  regions: RegionSummary[];
  /** null when verification is disabled (or the build was canceled before it) */
  verificationPassed: boolean | null;
  phases: PhaseTiming[];
}

/** Starts a phase: the previous one gets its duration. Returns a new list (custom status is replaced whole). */
export function enterPhase(phases: PhaseTiming[], phase: string, now: Date): PhaseTiming[] {
  const done = phases.map((p, i) =>
    i === phases.length - 1 && p.minutes === undefined ? { ...p, minutes: minutesSince(p.startedAt, now) } : p,
  );
  return [...done, { phase, startedAt: now.toISOString() }];
}

function minutesSince(iso: string, now: Date): number {
  return Math.round(((now.getTime() - new Date(iso).getTime()) / 60_000) * 10) / 10;
}

export const TERMINAL_RUN_STATES = new Set(["Succeeded", "PartiallySucceeded", "Failed", "Canceled"]);

/**
 * Minutes until the next build poll, by what the run is doing. Customizing takes most of a build and
 * its end is not the build's end, so it is polled rarely, and more rarely once the run has gone on for
 * a quarter of an hour (a 16-hour build would otherwise make hundreds of reads): Distributing, which
 * includes replicating the version to every region, is then seen at most 10 minutes late. A build
 * succeeds only at the end of Distributing, which is polled every 1.5 minutes so the end is noticed
 * within 2 minutes even with the poll's own time added; the other short phases every 2.
 */
export function buildPollMinutes(runState: string, runSubState?: string, elapsedMinutes = 0): number {
  if (runState === "Queued") return 1;
  switch (runSubState) {
    case "Customizing":
      return elapsedMinutes < 15 ? 5 : 10;
    case "Queued":
      return 1;
    case "Distributing":
      return 1.5;
    default:
      return 2;
  }
}
