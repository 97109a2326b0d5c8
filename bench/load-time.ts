// Cold start: the time the worker seam takes to load an app's entry points (all registrations), each
// in a fresh Node process, the product next to a minimal Durable app that loads the same libraries.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import Module from "node:module";
import path from "node:path";
import { loadApp } from "../sandbox/host/worker-seam.js";
import { REPO, median } from "./harness.js";

export const MINIMAL_APP = path.join(REPO, "bench/fixtures/minimal-app");

export interface LoadSample {
  /** real ms of loadApp */
  loadMs: number;
  /** of which importing the Azure SDK packages */
  sdkMs: number;
  functions: number;
}

export interface LoadTimeResult {
  runs: number;
  app: { medianMs: number; functions: number; samples: number[] };
  minimal: { medianMs: number; functions: number; samples: number[] };
  ratio: number;
  /** the app's load spent importing the Azure SDK packages */
  sdkImport: { medianMs: number; packages: string[] };
  /** the rest of the app's load, against the minimal app */
  ratioWithoutSdks: number;
}

/** The app's Azure SDK dependencies (management clients and identity). */
export function sdkPackages(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")) as { dependencies: Record<string, string> };
  return Object.keys(pkg.dependencies).filter((d) => /^@azure\/(arm-|identity$)/.test(d));
}

type ModuleLoad = (request: string, ...rest: unknown[]) => unknown;

/**
 * Times, inside one load, the outermost imports of the SDK packages: what importing them lazily (on an
 * activity's first call) would take off the app's start. Wraps Node's module loader in this process only.
 */
function timeSdkImports(): { stop(): number } {
  const loader = Module as unknown as { _load: ModuleLoad };
  const original = loader._load;
  const sdks = new Set(sdkPackages());
  let total = 0;
  let inside = false;
  loader._load = function (this: unknown, request: string, ...rest: unknown[]) {
    if (inside || !sdks.has(request)) return original.call(this, request, ...rest);
    inside = true;
    const started = performance.now();
    try {
      return original.call(this, request, ...rest);
    } finally {
      total += performance.now() - started;
      inside = false;
    }
  };
  return {
    stop() {
      loader._load = original;
      return total;
    },
  };
}

/** In the fresh process: load the app once and report. */
export async function measureLoad(appDir: string): Promise<LoadSample> {
  const sdk = timeSdkImports();
  const started = performance.now();
  const app = await loadApp(appDir, { settings: {}, extraInputs: {}, print: () => undefined });
  const loadMs = performance.now() - started;
  return { loadMs, sdkMs: sdk.stop(), functions: app.functions.size };
}

function sampleInFreshProcess(childScript: string, appDir: string): LoadSample {
  const out = spawnSync(process.execPath, [childScript, "load", appDir], { encoding: "utf8", timeout: 60_000 });
  if (out.status !== 0) throw new Error(`loading ${appDir} failed: ${out.stderr}`);
  return JSON.parse(out.stdout.trim().split("\n").at(-1) ?? "") as LoadSample;
}

/** Alternates the two apps so that machine noise hits both alike. */
export function runLoadTime(childScript: string, runs: number): LoadTimeResult {
  const app: LoadSample[] = [];
  const minimal: LoadSample[] = [];
  for (let i = 0; i < runs; i++) {
    app.push(sampleInFreshProcess(childScript, REPO));
    minimal.push(sampleInFreshProcess(childScript, MINIMAL_APP));
  }
  const summary = (s: LoadSample[]) => ({ medianMs: median(s.map((x) => x.loadMs)), functions: s[0].functions, samples: s.map((x) => Math.round(x.loadMs)) });
  const a = summary(app);
  const m = summary(minimal);
  return {
    runs,
    app: a,
    minimal: m,
    ratio: a.medianMs / m.medianMs,
    sdkImport: { medianMs: median(app.map((x) => x.sdkMs)), packages: sdkPackages() },
    ratioWithoutSdks: median(app.map((x) => x.loadMs - x.sdkMs)) / m.medianMs,
  };
}
