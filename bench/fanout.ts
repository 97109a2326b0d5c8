// The nightly fan-out: N valid definitions (each its own resource group, nightly: true) in a fresh
// IMAGES_DIR, the nightly timer run through the admin API, every build to its end; then how hard the
// app hit ARM per real second. The log stamps simulated time; at a constant scale (checked) real time
// is a linear function of it, which is how each request is put in its real second.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Scenario } from "../sandbox/arm/types.js";
import type { LoggedRequest } from "../sandbox/arm/request-log.js";
import { readTaskHub, totals } from "./durable-log.js";
import { MINUTE, isRead, startBenchSandbox, until, writeDefinition } from "./harness.js";
import { kindOf } from "./pipeline.js";

export interface FanoutCase {
  label: string;
  images: number;
  /** real ms added to each ARM request (0: the sandbox's own speed) */
  armLatencyMs: number;
  scale: number;
  build: Scenario["build"];
  replicationMsPerRegion: number;
}

export interface FanoutResult {
  case: FanoutCase;
  completed: number;
  outcomes: Record<string, number>;
  wallSeconds: number;
  armReads: number;
  armWrites: number;
  /** most ARM reads in one real second, and what they were */
  peakReadsPerRealSecond: number;
  peakSecond: { startsAtRealSecond: number; byKind: Record<string, number> };
  /** most ARM reads in one simulated minute, per second: the polling load at real-time speed */
  peakReadsPerSecondSimulated: number;
  episodes: number;
  activities: number;
}

const NIGHTLY_FUNCTION = "nightlyBuilds";

export async function runFanout(c: FanoutCase): Promise<FanoutResult> {
  const imagesDir = mkdtempSync(path.join(tmpdir(), "bench-fanout-"));
  for (let i = 1; i <= c.images; i++) {
    const n = String(i).padStart(2, "0");
    writeDefinition(imagesDir, `fan-${n}`, { resourceGroup: `aibfan${n}`, nightly: true, verification: { enabled: false } });
  }
  const sandbox = await startBenchSandbox({ scale: c.scale, imagesDir, scenario: { build: c.build, replicationMsPerRegion: c.replicationMsPerRegion }, armLatencyMs: c.armLatencyMs });
  let clockChanges = 0;
  const countChange = () => clockChanges++;
  sandbox.arm.clock.on("changed", countChange);
  try {
    const realStart = Date.now();
    const simStart = sandbox.arm.clock.now();
    const status = await sandbox.runFunction(NIGHTLY_FUNCTION);
    if (status !== 202) throw new Error(`POST /admin/functions/${NIGHTLY_FUNCTION} → ${status}`);
    type Build = { id: string; outcome: string };
    const builds = await until("nightly fan-out", 500, 20 * MINUTE, async () => {
      const list = ((await sandbox.api("GET", "builds")).body.builds ?? []) as Build[];
      return list.length === c.images && list.every((b) => b.outcome !== "running") ? list : undefined;
    });
    const wallSeconds = (Date.now() - realStart) / 1000;
    await sandbox.host.runtime.idle();
    if (clockChanges > 0) throw new Error("the clock was changed during the fan-out: simulated log times no longer map to real time");
    const log = await sandbox.requests();
    const reads = log.filter((r) => isRead(r.method));
    const readTimes = reads.map((r) => Date.parse(r.time) - simStart);
    const perRealSecond = bucket(reads, (r) => Math.floor((Date.parse(r.time) - simStart) / (1000 * c.scale)));
    const [peakAt, peak] = [...perRealSecond.entries()].reduce((a, b) => (b[1].length > a[1].length ? b : a), [0, [] as LoggedRequest[]]);
    const byKind: Record<string, number> = {};
    for (const r of peak) byKind[kindOf(r.path)] = (byKind[kindOf(r.path)] ?? 0) + 1;
    const work = totals(readTaskHub(sandbox.hostDataDir, sandbox.host.runtime.hubName));
    const outcomes: Record<string, number> = {};
    for (const b of builds) outcomes[b.outcome] = (outcomes[b.outcome] ?? 0) + 1;
    return {
      case: c,
      completed: builds.length,
      outcomes,
      wallSeconds,
      armReads: reads.length,
      armWrites: log.length - reads.length,
      peakReadsPerRealSecond: peak.length,
      peakSecond: { startsAtRealSecond: peakAt, byKind },
      peakReadsPerSecondSimulated: Math.max(0, ...[...bucket(readTimes, (t) => Math.floor(t / MINUTE)).values()].map((b) => b.length)) / 60,
      episodes: work.episodes,
      activities: work.activities,
    };
  } finally {
    sandbox.arm.clock.off("changed", countChange);
    await sandbox.close();
    rmSync(imagesDir, { recursive: true, force: true });
  }
}

function bucket<T>(items: T[], key: (item: T) => number): Map<number, T[]> {
  const buckets = new Map<number, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = buckets.get(k);
    if (list) list.push(item);
    else buckets.set(k, [item]);
  }
  return buckets;
}
