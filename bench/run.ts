// `npm run bench`: the cost of the pipeline, measured. Each measurement runs in its own Node process,
// one after the other (so they do not compete for the CPU); the table goes to stdout and everything to
// bench/results/<timestamp>.json and latest.json. Knobs (environment): BENCH_SCALE (simulated ms per
// real ms, default 1000), BENCH_LOAD_RUNS (7), BENCH_FANOUT_IMAGES (50), BENCH_FANOUT_SCALE (60),
// BENCH_ARM_LATENCY_MS (100), BENCH_ONLY (comma list of load, pipeline60, pipeline16h, fanout, fanoutLatency).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FanoutCase } from "./fanout.js";
import { MINUTE, REPO } from "./harness.js";
import { runLoadTime } from "./load-time.js";
import type { PipelineCase } from "./pipeline.js";
import { formatTable, rows, type BenchResults } from "./report.js";

const CHILD = path.join(__dirname, "child.js");
const num = (name: string, fallback: number) => (Number(process.env[name]) > 0 ? Number(process.env[name]) : fallback);
const only = new Set((process.env.BENCH_ONLY ?? "load,pipeline60,pipeline16h,fanout,fanoutLatency").split(",").map((s) => s.trim()));
const scale = num("BENCH_SCALE", 1000);

/** 60 simulated minutes of phases; replication (2 regions × 10 min) runs inside Distributing and extends it. */
const pipeline60: PipelineCase = {
  label: "60-min build",
  scale,
  build: { queuedMs: 1 * MINUTE, buildingMs: 5 * MINUTE, customizingMs: 44 * MINUTE, distributingMs: 10 * MINUTE },
  replicationMsPerRegion: 10 * MINUTE,
  buildTimeoutInMinutes: 100,
};

/** Customizing stretched so the run (with replication) ends just inside AIB's 960-minute maximum timeout. */
const pipeline16h: PipelineCase = {
  ...pipeline60,
  label: "16-h build",
  build: { ...pipeline60.build, customizingMs: 924 * MINUTE },
  buildTimeoutInMinutes: 960,
};

const fanout: FanoutCase = {
  label: "sandbox speed",
  armLatencyMs: 0,
  images: num("BENCH_FANOUT_IMAGES", 50),
  scale: num("BENCH_FANOUT_SCALE", 60),
  build: { queuedMs: 1 * MINUTE, buildingMs: 2 * MINUTE, customizingMs: 10 * MINUTE, distributingMs: 2 * MINUTE },
  replicationMsPerRegion: 2 * MINUTE,
};
/** The same with an Azure-like answer time, since a burst's real-time rate depends on it. */
const fanoutLatency: FanoutCase = { ...fanout, armLatencyMs: num("BENCH_ARM_LATENCY_MS", 100), label: `+${num("BENCH_ARM_LATENCY_MS", 100)} ms per ARM request` };

function inChild<T>(kind: string, input: unknown): T {
  const dir = mkdtempSync(path.join(tmpdir(), "bench-out-"));
  const out = path.join(dir, "result.json");
  try {
    const child = spawnSync(process.execPath, [CHILD, kind, JSON.stringify(input), out], { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8", timeout: 30 * MINUTE });
    if (child.status !== 0) throw new Error(child.stderr || `exit ${child.status ?? child.signal}`);
    return JSON.parse(readFileSync(out, "utf8")) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function main(): void {
  const results: BenchResults = { startedAt: new Date().toISOString(), node: process.version, fanouts: [], errors: {} };
  const step = (name: string, fn: () => void) => {
    if (!only.has(name)) return;
    const started = Date.now();
    process.stderr.write(`bench: ${name}…\n`);
    try {
      fn();
    } catch (error) {
      results.errors[name] = error instanceof Error ? error.message : String(error);
    }
    process.stderr.write(`bench: ${name} took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  };
  step("load", () => (results.loadTime = runLoadTime(CHILD, num("BENCH_LOAD_RUNS", 7))));
  step("pipeline60", () => (results.pipeline60 = inChild("pipeline", pipeline60)));
  step("pipeline16h", () => (results.pipeline16h = inChild("pipeline", pipeline16h)));
  step("fanout", () => results.fanouts.push(inChild("fanout", fanout)));
  step("fanoutLatency", () => results.fanouts.push(inChild("fanout", fanoutLatency)));

  const table = formatTable(rows(results));
  process.stdout.write(`\nCost, measured (${results.startedAt}, Node ${results.node})\n\n${table}\n`);
  const dir = path.join(REPO, "bench/results");
  mkdirSync(dir, { recursive: true });
  const json = `${JSON.stringify({ ...results, table }, null, 2)}\n`;
  writeFileSync(path.join(dir, `${results.startedAt.replace(/[:.]/g, "-")}.json`), json);
  writeFileSync(path.join(dir, "latest.json"), json);
  if (Object.keys(results.errors).length > 0) process.exitCode = 1;
}

main();
