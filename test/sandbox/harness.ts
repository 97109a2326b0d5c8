// Test harness: a fresh ARM simulator in a temp directory, real SDK clients that trust its CA, and a
// typed wrapper of its control API. LRO pollers finish quickly because the clock runs fast by default
// (override `scale`, or use `control.jump()`), never because a test waits on wall time.
import { mkdtempSync, rmSync } from "node:fs";
import { get as httpGet } from "node:http";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClients, type AzureClients } from "../../src/azure/clients.js";
import { startArmSimulator, type ArmSimulator, type ArmSimulatorOptions } from "../../sandbox/arm/index.js";
import type { FaultRule } from "../../sandbox/arm/faults.js";
import type { LoggedRequest } from "../../sandbox/arm/request-log.js";
import type { ResourceRecord } from "../../sandbox/arm/state.js";
import type { Scenario } from "../../sandbox/arm/types.js";

/** Fast enough that a 20 s simulated LRO is done by the SDK's first 1 s poll. */
export const TEST_SCALE = 1000;

/**
 * One app identity for every simulator this test process starts: @azure/identity caches tokens per
 * process, so a second simulator must accept the first one's tokens.
 */
const processIdentityFile = join(mkdtempSync(join(tmpdir(), "arm-identity-")), "identity.json");

export interface ClockView {
  now: string;
  nowMs: number;
  scale: number;
  nextEvent?: string;
  nextEventMs?: number;
}

export type FaultInput = Partial<Omit<FaultRule, "id" | "remaining">> & { path: string };

export interface ControlClient {
  clock(): Promise<ClockView>;
  advance(ms: number): Promise<ClockView>;
  /** jump to the next pending event */
  jump(): Promise<ClockView>;
  setScale(scale: number): Promise<ClockView>;
  scenario(patch?: Record<string, unknown>): Promise<Scenario>;
  fault(rule: FaultInput): Promise<FaultRule>;
  clearFaults(): Promise<void>;
  requests(): Promise<LoggedRequest[]>;
  clearRequests(): Promise<void>;
  resources(): Promise<ResourceRecord[]>;
  reset(): Promise<void>;
}

/** Calls the control API over HTTPS (trusting only the sandbox CA), as a developer's tool would. */
export function controlClient(controlUrl: string, ca: string): ControlClient {
  const call = <T>(method: string, path: string, body?: unknown) =>
    new Promise<T>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(`${controlUrl}/${path}`, { method, ca, headers: payload ? { "content-type": "application/json" } : {} }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if ((res.statusCode ?? 500) >= 300) reject(new Error(`${method} /_sandbox/${path} → ${res.statusCode}: ${text}`));
          else resolve(JSON.parse(text) as T);
        });
      });
      req.on("error", reject);
      req.end(payload);
    });
  return {
    clock: () => call("GET", "clock"),
    advance: (ms) => call("POST", "clock", { advanceMs: ms }),
    jump: () => call("POST", "clock", { jump: "next" }),
    setScale: (scale) => call("POST", "clock", { scale }),
    scenario: (patch) => (patch ? call("PATCH", "scenario", patch) : call("GET", "scenario")),
    fault: (rule) => call("POST", "faults", rule),
    clearFaults: async () => void (await call("DELETE", "faults")),
    requests: () => call("GET", "requests"),
    clearRequests: async () => void (await call("DELETE", "requests")),
    resources: () => call("GET", "resources"),
    reset: async () => void (await call("POST", "reset")),
  };
}

export interface RawResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** parsed JSON, or the text when it is not JSON, or undefined when empty */
  body: unknown;
}

export interface RawOptions {
  body?: unknown;
  /** bearer token to send; default a fresh app token, null sends none */
  token?: string | null;
  headers?: Record<string, string>;
}

export interface TestArm {
  arm: ArmSimulator;
  clients: AzureClients;
  control: ControlClient;
  dataDir: string;
  /** an access token for the app principal, from the identity endpoint */
  token(): Promise<string>;
  /** a hand-made ARM request (path with query), for what the SDKs never send */
  raw(method: string, path: string, options?: RawOptions): Promise<RawResult>;
  close(): Promise<void>;
}

/** Asks the App Service style identity endpoint for an ARM token, as the credential does. */
export function fetchToken(arm: ArmSimulator): Promise<string> {
  const url = `${arm.identityEndpoint}?api-version=2019-08-01&resource=${encodeURIComponent("https://management.azure.com")}`;
  return new Promise((resolve, reject) => {
    httpGet(url, { headers: { "x-identity-header": arm.identityHeader } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        if (res.statusCode !== 200) reject(new Error(`identity endpoint → ${res.statusCode}: ${text}`));
        else resolve((JSON.parse(text) as { access_token: string }).access_token);
      });
    }).on("error", reject);
  });
}

export async function rawArmRequest(arm: ArmSimulator, method: string, path: string, options: RawOptions = {}): Promise<RawResult> {
  const token = options.token === undefined ? await fetchToken(arm) : options.token;
  const payload = options.body === undefined ? undefined : typeof options.body === "string" ? options.body : JSON.stringify(options.body);
  const headers: Record<string, string> = { ...(payload ? { "content-type": "application/json" } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}), ...options.headers };
  return new Promise((resolve, reject) => {
    const req = request(`${arm.endpoint}${path}`, { method, ca: arm.caCert, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown = text || undefined;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    req.on("error", reject);
    req.end(payload);
  });
}

export interface TestArmOptions extends ArmSimulatorOptions {
  /** keep the data directory on close (for a restart in the same test) */
  keepDataDir?: boolean;
}

/**
 * Starts a simulator on a free port in a temp data dir (or `opts.dataDir`), points the managed identity
 * variables at it, and builds the app's real clients against it.
 */
export async function startTestArm(opts: TestArmOptions = {}): Promise<TestArm> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "arm-sim-"));
  const arm = await startArmSimulator({
    ...opts,
    port: opts.port ?? 0,
    dataDir,
    identityFile: opts.identityFile ?? processIdentityFile,
    scale: opts.scale ?? TEST_SCALE,
  });
  process.env.IDENTITY_ENDPOINT = arm.identityEndpoint;
  process.env.IDENTITY_HEADER = arm.identityHeader;
  const clients = createClients(arm.subscriptionId, { armEndpoint: arm.endpoint, caCertPath: arm.caCertPath });
  return {
    arm,
    clients,
    control: controlClient(arm.controlUrl, arm.caCert),
    dataDir,
    token: () => fetchToken(arm),
    raw: (method, path, options) => rawArmRequest(arm, method, path, options),
    async close() {
      await arm.close();
      if (!opts.keepDataDir && !opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
