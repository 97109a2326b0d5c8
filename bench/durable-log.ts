// Billed work, read from the task hub on disk: every episode record holds the history events it
// appended, so the whole life of an instance (all continueAsNew generations) can be counted afterwards.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { HistoryEventType as T } from "../sandbox/host/durable/history.js";
import type { LogRecord } from "../sandbox/host/durable/store.js";

export interface InstanceWork {
  instanceId: string;
  name: string;
  /** orchestrator episodes (OrchestratorStarted), each one billed execution */
  episodes: number;
  /** activity executions (TaskScheduled) */
  activities: number;
  timers: number;
  generations: number;
  /** history events written over the instance's whole life */
  eventsWritten: number;
  /** the longest history one generation reached: what an episode replays at most */
  maxHistory: number;
}

export function readTaskHub(hostDataDir: string, hubName: string): InstanceWork[] {
  const dir = path.join(hostDataDir, hubName, "instances");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".jsonl"))
    .map((f) => countInstance(readFileSync(path.join(dir, f), "utf8")));
}

function countInstance(text: string): InstanceWork {
  const work: InstanceWork = { instanceId: "", name: "", episodes: 0, activities: 0, timers: 0, generations: 1, eventsWritten: 0, maxHistory: 0 };
  let history = 0;
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const record = JSON.parse(line) as LogRecord;
    if (record.t === "created") Object.assign(work, { instanceId: record.meta.instanceId, name: record.meta.name });
    if (record.t !== "episode") continue;
    for (const e of record.events) {
      if (e.EventType === T.OrchestratorStarted) work.episodes++;
      if (e.EventType === T.TaskScheduled) work.activities++;
      if (e.EventType === T.TimerCreated) work.timers++;
    }
    work.eventsWritten += record.events.length;
    history += record.events.length;
    work.maxHistory = Math.max(work.maxHistory, history);
    if (record.nextGeneration) {
      work.generations++;
      history = 0;
    }
  }
  return work;
}

export interface WorkTotals {
  instances: number;
  episodes: number;
  activities: number;
  timers: number;
  /** largest per-generation history of any instance */
  maxHistory: number;
  byName: Record<string, { instances: number; episodes: number; activities: number; maxHistory: number; eventsWritten: number; generations: number }>;
}

export function totals(work: InstanceWork[]): WorkTotals {
  const byName: WorkTotals["byName"] = {};
  for (const w of work) {
    const n = (byName[w.name] ??= { instances: 0, episodes: 0, activities: 0, maxHistory: 0, eventsWritten: 0, generations: 0 });
    n.instances++;
    n.episodes += w.episodes;
    n.activities += w.activities;
    n.eventsWritten += w.eventsWritten;
    n.generations += w.generations;
    n.maxHistory = Math.max(n.maxHistory, w.maxHistory);
  }
  const sum = (k: "episodes" | "activities" | "timers") => work.reduce((s, w) => s + w[k], 0);
  return {
    instances: work.length,
    episodes: sum("episodes"),
    activities: sum("activities"),
    timers: sum("timers"),
    maxHistory: Math.max(0, ...work.map((w) => w.maxHistory)),
    byName,
  };
}
