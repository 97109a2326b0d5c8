// Shared end-to-end setup: the ARM simulator and the local Functions host in this process on one fast
// clock, the built app loaded into the host, and small helpers to drive it over its HTTP API and to read
// the simulator's control plane. Needs the app built (`npm test` builds first); E2E_APP_DIR points at
// another build of it.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClients } from "../../src/azure/clients.js";
import { startArmSimulator, type ArmSimulator } from "../../sandbox/arm/index.js";
import type { Scenario } from "../../sandbox/arm/types.js";
import { startHost, type RunningHost } from "../../sandbox/host/index.js";

export const repo = path.resolve(__dirname, "../..");
export const appDir = process.env.E2E_APP_DIR ?? repo;
/** the how-to's image definition in images/ */
export const IMAGE = "win2019-gallery";

export type Json = Record<string, unknown>;

export interface Reply {
  status: number;
  body: Json;
  text: string;
}

export interface E2eOptions {
  /** simulated ms per real ms; default 1000 */
  scale?: number;
  /** deep-merged over the simulator's default scenario */
  scenario?: Partial<Scenario>;
  /** also receives every line the host prints (invocation logs, banner) */
  print?: (line: string) => void;
}

export interface E2e {
  arm: ArmSimulator;
  host: RunningHost;
  /** calls the app's HTTP API with the function key (or the given headers instead) */
  api(method: string, route: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  /** polls a build's summary until `done` holds */
  waitFor(id: string, done: (summary: Json) => boolean): Promise<Json>;
  /** polls an orchestration's Durable status until it is no longer Pending/Running */
  waitForInstance(id: string): Promise<Json>;
  /** calls the simulator's control plane: `control("POST", "faults", rule)` */
  control(method: string, name: string, body?: unknown): Promise<unknown>;
  /** the simulator's resources, as `GET /_sandbox/resources` lists them */
  resources(): Promise<{ id: string; type?: string; body?: Json; internal?: Json }[]>;
  /** the simulator's request log */
  requests(): Promise<{ method: string; path: string; status: number; time: string; body: unknown; responseBody: unknown; query: Record<string, string> }[]>;
  clients(): ReturnType<typeof createClients>;
  close(): Promise<void>;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Parses a reply body; non-JSON text comes back as `{}` with the text kept beside it. */
function parse(text: string): Json {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : { value: v };
  } catch {
    return {};
  }
}

export async function startE2e(options: E2eOptions = {}): Promise<E2e> {
  if (!existsSync(path.join(appDir, "dist/src/functions/orchestrations.js"))) throw new Error(`build the app first (npm run build): ${appDir}`);
  const dataDir = mkdtempSync(path.join(tmpdir(), "e2e-"));
  const arm = await startArmSimulator({ port: 0, dataDir, scale: options.scale ?? 1000, scenario: options.scenario });
  // The app reads its Azure connection from the environment, as on the platform.
  Object.assign(process.env, {
    IDENTITY_ENDPOINT: arm.identityEndpoint,
    IDENTITY_HEADER: arm.identityHeader,
    ARM_ENDPOINT: arm.endpoint,
    ARM_CA_CERT_PATH: arm.caCertPath,
    AZURE_SUBSCRIPTION_ID: arm.subscriptionId,
    IMAGES_DIR: path.join(repo, "images"),
    // The clock starts at the real time and runs fast, so a test that spans simulated hours could meet the
    // nightly timer (02:00 UTC) and gain a build it did not ask for: only leap days' nights are scheduled.
    NIGHTLY_SCHEDULE: process.env.NIGHTLY_SCHEDULE ?? "0 0 2 29 2 *",
  });
  const print = options.print ?? (() => undefined);
  const host = await startHost({ appDir, port: 0, dataDir: path.join(dataDir, "host"), clock: arm.clock, print });

  async function api(method: string, route: string, body?: unknown, headers?: Record<string, string>): Promise<Reply> {
    const res = await fetch(`${host.baseUrl}/api/${route}`, {
      method,
      headers: headers ?? { "x-functions-key": host.keys.functionKey },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, body: parse(text) };
  }

  async function control(method: string, name: string, body?: unknown): Promise<unknown> {
    const reply = await httpsJson(`${arm.controlUrl}/${name}`, method, arm.caCert, body);
    if (reply.status >= 300) throw new Error(`control ${method} ${name}: ${reply.status} ${reply.text}`);
    return reply.text ? JSON.parse(reply.text) : undefined;
  }

  return {
    arm,
    host,
    api,
    async waitFor(id, done) {
      // The clock runs 1000× real time: 1200 polls of 100 ms cover 33 simulated hours.
      for (let i = 0; i < 1200; i++) {
        const summary = (await api("GET", `builds/${id}`)).body;
        if (done(summary)) return summary;
        await sleep(100);
      }
      throw new Error(`build ${id} never reached the expected state`);
    },
    async waitForInstance(id) {
      for (let i = 0; i < 1200; i++) {
        const status = host.runtime.getStatus(id) as Json | undefined;
        if (status && !["Running", "Pending"].includes(status.runtimeStatus as string)) return status;
        await sleep(100);
      }
      throw new Error(`instance ${id} never finished`);
    },
    control,
    resources: async () => (await control("GET", "resources")) as Awaited<ReturnType<E2e["resources"]>>,
    requests: async () => (await control("GET", "requests")) as Awaited<ReturnType<E2e["requests"]>>,
    clients: () => createClients(arm.subscriptionId, { armEndpoint: arm.endpoint, caCertPath: arm.caCertPath }),
    async close() {
      await host.close();
      await arm.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** One HTTPS request that trusts exactly the simulator's CA (TLS verification stays on). */
function httpsJson(url: string, method: string, ca: string, body?: unknown): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, ca, headers: { "content-type": "application/json" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** The how-to's image under another name, with its own resource group: builds of different names run side by side. */
export function definitionFor(name: string, patch: Json = {}): Json {
  const base = JSON.parse(readFileSync(path.join(repo, "images", `${IMAGE}.json`), "utf8")) as Json;
  delete base.$schema;
  return { ...base, name, resourceGroup: `rg-${name}`, nightly: false, verification: { enabled: false }, ...patch };
}

type Dumped = Awaited<ReturnType<E2e["resources"]>>[number];
const isGroup = (r: Dumped) => /^Microsoft\.Resources\/resourceGroups$/i.test(r.type ?? "");
/** Things only a running build or verification may hold: VMs, disks and every network piece. */
const TRANSIENT = /^(Microsoft\.Network\/|Microsoft\.Compute\/(virtualMachines|disks))/i;

/**
 * What nobody owns once builds and clean-ups have finished: an AIB staging (IT_) group whose template
 * is gone, a VM, disk or network piece anywhere, or a template other than `keepTemplates`.
 */
export function leftovers(resources: Dumped[], keepTemplates: string[] = []): string[] {
  const templates = resources.filter((r) => /imageTemplates$/i.test(r.type ?? ""));
  const staging = new Set(templates.map((t) => String(t.internal?.stagingResourceGroup ?? "").toLowerCase()));
  const keep = new Set(keepTemplates.map((t) => t.toLowerCase()));
  return [
    ...resources.filter((r) => isGroup(r) && /^IT_/i.test(r.id.split("/").pop() ?? "") && !staging.has((r.id.split("/").pop() ?? "").toLowerCase())),
    ...resources.filter((r) => TRANSIENT.test(r.type ?? "")),
    ...templates.filter((t) => !keep.has((t.id.split("/").pop() ?? "").toLowerCase())),
  ].map((r) => r.id);
}
