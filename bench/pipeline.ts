// One full pipeline of the how-to's image through the app's HTTP API, then what it cost: ARM requests
// (from the simulator's log), how soon the build's end was noticed, billed Durable work (from the task
// hub) and orchestrator replay time per episode (from the runtime's stats).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { LoggedRequest } from "../sandbox/arm/request-log.js";
import type { Scenario } from "../sandbox/arm/types.js";
import type { EpisodeInvoke } from "../sandbox/host/durable/stats.js";
import { readTaskHub, totals, type WorkTotals } from "./durable-log.js";
import { HOW_TO_IMAGE, MINUTE, isRead, median, startBenchSandbox, until, writeDefinition } from "./harness.js";

export interface PipelineCase {
  label: string;
  scale: number;
  build: Scenario["build"];
  replicationMsPerRegion: number;
  buildTimeoutInMinutes: number;
}

export interface ReplayProfile {
  instanceId: string;
  episodes: number;
  /** median real ms of the first / last few orchestrator invocations */
  firstMs: number;
  lastMs: number;
  ratio: number;
  firstHistory: number;
  lastHistory: number;
}

export interface PipelineResult {
  case: PipelineCase;
  outcome: string;
  wallSeconds: number;
  run: { startTime: string; endTime: string; minutes: number };
  arm: {
    total: number;
    reads: number;
    writes: number;
    readsDuringRun: number;
    /** requests before the run started, while it ran, after it ended */
    byStage: { beforeRun: number; duringRun: number; afterRun: number };
    byKind: Record<string, { reads: number; writes: number }>;
    /** every request, in order: "<sim minute from the first> <status> <METHOD> <path>" */
    sequence: string[];
  };
  /** simulated minutes from the run's end to the first template GET that showed it */
  noticeMinutes: number;
  /** simulated minutes between that GET and the one before it: the worst the notice could have been */
  finalPollGapMinutes: number;
  /** reads a client polling the template at a fixed interval makes over the same run (computed) */
  polling: { every30s: number; every15s: number };
  work: WorkTotals;
  /** the root build (longest-lived) and the instance with the most episodes */
  replay: ReplayProfile[];
}

const FEW = 5;
const TERMINAL = new Set(["Succeeded", "PartiallySucceeded", "Failed", "Canceled"]);
const TEMPLATE_PATH = /\/providers\/Microsoft\.VirtualMachineImages\/imageTemplates\/[^/]+$/i;

export async function runPipeline(c: PipelineCase): Promise<PipelineResult> {
  const imagesDir = mkdtempSync(path.join(tmpdir(), "bench-images-"));
  writeDefinition(imagesDir, HOW_TO_IMAGE, { buildTimeoutInMinutes: c.buildTimeoutInMinutes });
  const sandbox = await startBenchSandbox({ scale: c.scale, imagesDir, scenario: { build: c.build, replicationMsPerRegion: c.replicationMsPerRegion } });
  try {
    const wallStart = Date.now();
    const start = await sandbox.api("POST", "builds", { image: HOW_TO_IMAGE });
    if (start.status !== 202) throw new Error(`POST /api/builds → ${start.status} ${JSON.stringify(start.body)}`);
    const id = String(start.body.id);
    const summary = await until(`build ${id}`, 200, 15 * MINUTE, async () => {
      const s = (await sandbox.api("GET", `builds/${id}`)).body;
      return s.outcome !== "running" ? s : undefined;
    });
    const wallSeconds = (Date.now() - wallStart) / 1000;
    await sandbox.host.runtime.idle();
    const log = await sandbox.requests();
    const run = runTimes(log);
    const work = totals(readTaskHub(sandbox.hostDataDir, sandbox.host.runtime.hubName));
    const durationMs = Date.parse(run.endTime) - Date.parse(run.startTime);
    return {
      case: c,
      outcome: String(summary.outcome) + (summary.error ? `: ${String(summary.error)}` : ""),
      wallSeconds,
      run: { ...run, minutes: durationMs / MINUTE },
      arm: armCounts(log, run),
      ...notice(log, run.endTime),
      polling: { every30s: Math.ceil(durationMs / 30_000), every15s: Math.ceil(durationMs / 15_000) },
      work,
      replay: replayProfiles(sandbox.host.runtime.stats.episodes(), id),
    };
  } finally {
    await sandbox.close();
    rmSync(imagesDir, { recursive: true, force: true });
  }
}

const runStatusOf = (r: LoggedRequest) =>
  (r.responseBody as { properties?: { lastRunStatus?: { runState?: string; startTime?: string; endTime?: string } } } | undefined)?.properties?.lastRunStatus;

const templateGets = (log: LoggedRequest[]) => log.filter((r) => r.method === "GET" && r.status === 200 && TEMPLATE_PATH.test(r.path));

/** The run's start and end as the simulator reported them on the last template read. */
function runTimes(log: LoggedRequest[]): { startTime: string; endTime: string } {
  const last = templateGets(log).map(runStatusOf).findLast((s) => s?.runState && TERMINAL.has(s.runState));
  if (!last?.startTime || !last.endTime) throw new Error("no template read showed the run's end");
  return { startTime: last.startTime, endTime: last.endTime };
}

function notice(log: LoggedRequest[], endTime: string): { noticeMinutes: number; finalPollGapMinutes: number } {
  const gets = templateGets(log);
  const i = gets.findIndex((r) => TERMINAL.has(runStatusOf(r)?.runState ?? ""));
  if (i < 0) return { noticeMinutes: NaN, finalPollGapMinutes: NaN };
  const at = Date.parse(gets[i].time);
  return {
    noticeMinutes: (at - Date.parse(endTime)) / MINUTE,
    finalPollGapMinutes: i > 0 ? (at - Date.parse(gets[i - 1].time)) / MINUTE : NaN,
  };
}

/** Requests by provider type; LRO status polls count apart. */
export function kindOf(p: string): string {
  if (/\/operations\/|\/operationresults\/|\/operationstatuses\//i.test(p)) return "LRO status";
  const types = [...p.matchAll(/\/providers\/([^/]+)\/([^/]+)/gi)];
  const last = types.at(-1);
  if (last) return `${last[1]}/${last[2]}`;
  return /\/resourcegroups\//i.test(p) ? "resourceGroups" : "subscription";
}

function armCounts(log: LoggedRequest[], run: { startTime: string; endTime: string }): PipelineResult["arm"] {
  const byKind: PipelineResult["arm"]["byKind"] = {};
  for (const r of log) {
    const k = (byKind[kindOf(r.path)] ??= { reads: 0, writes: 0 });
    if (isRead(r.method)) k.reads++;
    else k.writes++;
  }
  const start = Date.parse(run.startTime);
  const end = Date.parse(run.endTime);
  const stage = (r: LoggedRequest) => (Date.parse(r.time) < start ? "beforeRun" : Date.parse(r.time) <= end ? "duringRun" : "afterRun");
  const byStage = { beforeRun: 0, duringRun: 0, afterRun: 0 };
  for (const r of log) byStage[stage(r)]++;
  const reads = log.filter((r) => isRead(r.method));
  const t0 = log.length > 0 ? Date.parse(log[0].time) : 0;
  const sequence = log.map((r) => `${((Date.parse(r.time) - t0) / MINUTE).toFixed(2)} ${r.status} ${r.method} ${r.path}`);
  return {
    total: log.length,
    reads: reads.length,
    writes: log.length - reads.length,
    readsDuringRun: reads.filter((r) => stage(r) === "duringRun").length,
    byStage,
    byKind,
    sequence,
  };
}

function profile(instanceId: string, episodes: EpisodeInvoke[]): ReplayProfile {
  const first = episodes.slice(0, FEW);
  const last = episodes.slice(-FEW);
  const firstMs = median(first.map((e) => e.invokeMs));
  const lastMs = median(last.map((e) => e.invokeMs));
  return {
    instanceId,
    episodes: episodes.length,
    firstMs,
    lastMs,
    ratio: lastMs / firstMs,
    firstHistory: median(first.map((e) => e.historyLength)),
    lastHistory: median(last.map((e) => e.historyLength)),
  };
}

function replayProfiles(all: EpisodeInvoke[], rootId: string): ReplayProfile[] {
  const byInstance = new Map<string, EpisodeInvoke[]>();
  for (const e of all) byInstance.set(e.instanceId, [...(byInstance.get(e.instanceId) ?? []), e]);
  const busiest = [...byInstance.entries()].reduce((a, b) => (b[1].length > a[1].length ? b : a));
  const ids = busiest[0] === rootId ? [rootId] : [rootId, busiest[0]];
  return ids.map((id) => profile(id, byInstance.get(id) ?? []));
}
