// The bench's sandbox: the ARM simulator and the local host running the BUILT app (dist/), in this
// process, on one fast clock, with the app's settings pointing at the simulator (as the e2e test does).
// One scenario per process: the worker seam hosts one app per process and settings stick to process.env.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { startArmSimulator, type ArmSimulator } from "../sandbox/arm/index.js";
import type { LoggedRequest } from "../sandbox/arm/request-log.js";
import type { Scenario } from "../sandbox/arm/types.js";
import { startHost, type RunningHost } from "../sandbox/host/index.js";
import { startLatencyProxy } from "./latency-proxy.js";

/** The repository root (this file runs as dist/bench/harness.js). */
export const REPO = path.resolve(__dirname, "../..");
export const HOW_TO_IMAGE = "win2019-gallery";

export type JsonObject = Record<string, unknown>;

export interface BenchSandbox {
  arm: ArmSimulator;
  host: RunningHost;
  /** the host's data directory (task hub, keys) */
  hostDataDir: string;
  /** the app's own API under /api, with the function key */
  api(method: string, route: string, body?: unknown): Promise<{ status: number; body: JsonObject }>;
  /** POST /admin/functions/<name> with the master key, as `func` or the portal's "Test/Run" does */
  runFunction(name: string): Promise<number>;
  /** the simulator's log of ARM requests, through its control API */
  requests(): Promise<LoggedRequest[]>;
  close(): Promise<void>;
}

export interface BenchSandboxOptions {
  scale: number;
  scenario: Partial<Scenario>;
  imagesDir: string;
  /** added to every request the app sends to ARM (not to LRO status URLs, which name the simulator itself) */
  armLatencyMs?: number;
}

export async function startBenchSandbox(options: BenchSandboxOptions): Promise<BenchSandbox> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "bench-"));
  const hostDataDir = path.join(dataDir, "host");
  const arm = await startArmSimulator({ port: 0, dataDir, scale: options.scale, scenario: options.scenario });
  const proxy = options.armLatencyMs ? await startLatencyProxy(Number(new URL(arm.endpoint).port), options.armLatencyMs) : undefined;
  Object.assign(process.env, {
    IDENTITY_ENDPOINT: arm.identityEndpoint,
    IDENTITY_HEADER: arm.identityHeader,
    ARM_ENDPOINT: proxy ? `https://127.0.0.1:${proxy.port}` : arm.endpoint,
    ARM_CA_CERT_PATH: arm.caCertPath,
    AZURE_SUBSCRIPTION_ID: arm.subscriptionId,
    IMAGES_DIR: options.imagesDir,
  });
  const host = await startHost({ appDir: REPO, port: 0, dataDir: hostDataDir, clock: arm.clock, print: () => undefined });

  async function call(url: string, key: string, method: string, body?: unknown) {
    const res = await fetch(url, { method, headers: { "x-functions-key": key }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as JsonObject };
  }
  return {
    arm,
    host,
    hostDataDir,
    api: (method, route, body) => call(`${host.baseUrl}/api/${route}`, host.keys.functionKey, method, body),
    runFunction: async (name) => (await fetch(`${host.baseUrl}/admin/functions/${name}`, { method: "POST", headers: { "x-functions-key": host.keys.masterKey }, body: "{}" })).status,
    // Token requests are not ARM: they go to the identity endpoint, which this log never sees; the filter guards that.
    requests: async () => (await controlGet<LoggedRequest[]>(arm, "requests")).filter((r) => !/\/oauth2\/|\/token\b/i.test(r.path)),
    async close() {
      await host.close();
      await proxy?.close();
      await arm.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** GET on the simulator's control API over HTTPS, trusting only the sandbox CA. */
function controlGet<T>(arm: ArmSimulator, name: string): Promise<T> {
  return new Promise((resolve, reject) => {
    request(`${arm.controlUrl}/${name}`, { ca: arm.caCert }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        if (res.statusCode !== 200) reject(new Error(`GET /_sandbox/${name} → ${res.statusCode}: ${text}`));
        else resolve(JSON.parse(text) as T);
      });
    })
      .on("error", reject)
      .end();
  });
}

/** The how-to's definition with changes, as `<dir>/<name>.json`. */
export function writeDefinition(dir: string, name: string, changes: JsonObject): void {
  const base = JSON.parse(readFileSync(path.join(REPO, "images", `${HOW_TO_IMAGE}.json`), "utf8")) as JsonObject;
  delete base.$schema;
  writeFileSync(path.join(dir, `${name}.json`), JSON.stringify({ ...base, ...changes, name }, null, 2));
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every `everyMs` real ms until it returns a value; gives up after `limitMs`. */
export async function until<T>(what: string, everyMs: number, limitMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await sleep(everyMs);
  }
  throw new Error(`${what}: not done after ${limitMs / 1000} real seconds`);
}

export const MINUTE = 60_000;
export const isRead = (method: string) => method === "GET" || method === "HEAD";

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
