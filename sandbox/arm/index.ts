// Composes the ARM simulator: TLS, the app's managed identity endpoint, state (optionally persisted with
// the clock), every resource provider, async operations, the control plane and the HTTPS pipeline.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureTls } from "./cert.js";
import { Clock } from "./clock.js";
import { createControl, deepMerge } from "./control.js";
import { Faults } from "./faults.js";
import { createOperations } from "./operations.js";
import { RequestLog } from "./request-log.js";
import { createPipeline, listenHttps } from "./server.js";
import { ArmState } from "./state.js";
import { loadAppIdentity, startTokenEndpoint, verifyToken } from "./token-endpoint.js";
import { defaultScenario, type Backends, type Provider, type Scenario, type Sim } from "./types.js";
import { createAuthorizationProvider } from "./providers/authorization.js";
import { createComputeProvider } from "./providers/compute.js";
import { createFeaturesProvider } from "./providers/features.js";
import { createImageBuilderProvider } from "./providers/imagebuilder.js";
import { createMsiProvider } from "./providers/msi.js";
import { createNetworkProvider } from "./providers/network.js";
import { createResourcesProvider } from "./providers/resources.js";

export const DEFAULT_SUBSCRIPTION_ID = "6b1f3e51-5b0a-4c8e-9a53-0e3a3c0b2f11";
export const DEFAULT_TENANT_ID = "3f2c8a1e-7d4b-4e0a-9c6f-1b5e2d8a4c70";

export interface ArmSimulatorOptions {
  /** 0 (default) picks a free port */
  port?: number;
  /** TLS material, the app identity and arm.json live here; default `<cwd>/.sandbox` */
  dataDir?: string;
  /** the app identity (ids, token key); default `<dataDir>/identity.json`. Share one per process: token caches outlive a simulator */
  identityFile?: string;
  /** persistence is off without it */
  stateFile?: string;
  /** share one clock with the Functions host */
  clock?: Clock;
  /** simulated ms per real ms; default SANDBOX_TIME_SCALE or 1 */
  scale?: number;
  scenario?: Partial<Scenario>;
  subscriptionId?: string;
  /** write `<dataDir>/arm.json` with the connection facts */
  writeConnectionFile?: boolean;
}

export interface ArmConnection {
  endpoint: string;
  caCertPath: string;
  subscriptionId: string;
  tenantId: string;
  identityEndpoint: string;
  identityHeader: string;
  controlUrl: string;
}

export interface ArmSimulator extends ArmConnection {
  caCert: string;
  clock: Clock;
  sim: Sim;
  /** the function app's identity, Owner of the subscription */
  appPrincipal: { objectId: string; clientId: string };
  close(): Promise<void>;
}

const SANDBOX_BAG = "sandbox";

export async function startArmSimulator(options: ArmSimulatorOptions = {}): Promise<ArmSimulator> {
  const dataDir = options.dataDir ?? join(process.cwd(), ".sandbox");
  mkdirSync(dataDir, { recursive: true });
  const tls = ensureTls(join(dataDir, "tls"));
  const identity = loadAppIdentity(options.identityFile ?? join(dataDir, "identity.json"));
  const subscriptionId = options.subscriptionId ?? DEFAULT_SUBSCRIPTION_ID;
  const tenantId = DEFAULT_TENANT_ID;

  const envScale = Number(process.env.SANDBOX_TIME_SCALE);
  const scale = options.scale ?? (envScale > 0 ? envScale : undefined);
  const clock = options.clock ?? new Clock({ scale: scale ?? 1 });
  const state = new ArmState(options.stateFile);
  const loaded = state.load();
  if (loaded.clock) clock.restore(loaded.clock);
  // An explicitly requested scale wins over the saved one; the saved time always continues.
  if (scale !== undefined) clock.setScale(scale);
  state.extra = () => ({ clock: clock.snapshot() });

  // Kept in a bag so it persists; a reset brings back the configured scenario.
  const scenario = () =>
    state.bag<Scenario>("scenario", () => {
      const s = defaultScenario();
      deepMerge(s as unknown as Record<string, unknown>, (options.scenario ?? {}) as Record<string, unknown>);
      return s;
    });

  // Backends are wired once every provider exists; providers only reach them while serving requests.
  const wired: Partial<Backends> = {};
  const need = <K extends keyof Backends>(k: K): Backends[K] => {
    const b = wired[k];
    if (!b) throw new Error(`the ${k} backend is not wired yet`);
    return b;
  };
  let endpoint = "";
  const baseUrl = () => endpoint;
  const ops = createOperations({ state, clock, subscriptionId, scenario, baseUrl });
  const sim: Sim = {
    state,
    clock,
    subscriptionId,
    tenantId,
    scenario,
    baseUrl,
    operations: ops.operations,
    backends: {
      get resources() { return need("resources"); },
      get authorization() { return need("authorization"); },
      get compute() { return need("compute"); },
    },
  };
  const resources = createResourcesProvider(sim);
  const authorization = createAuthorizationProvider(sim);
  const compute = createComputeProvider(sim);
  Object.assign(wired, { resources: resources.backend, authorization: authorization.backend, compute: compute.backend });
  const providers: Provider[] = [
    resources,
    createFeaturesProvider(sim),
    authorization,
    createMsiProvider(sim),
    compute,
    createNetworkProvider(sim),
    createImageBuilderProvider(sim),
  ];
  const unsubscribe = providers.filter((p) => p.pendingEvents).map((p) => clock.addPendingEventSource(() => p.pendingEvents!()));

  /** The app principal exists in the directory and owns the subscription, once per state. */
  const seed = () => {
    const bag = state.bag<{ seededFor?: string }>(SANDBOX_BAG, () => ({}));
    if (bag.seededFor === identity.objectId) return;
    authorization.backend.registerPrincipal({ objectId: identity.objectId, clientId: identity.clientId, displayName: "aib-image-factory", type: "ServicePrincipal" });
    authorization.backend.assignBuiltInRole(identity.objectId, "Owner", `/subscriptions/${subscriptionId}`);
    bag.seededFor = identity.objectId;
    state.save();
  };
  seed();

  const faults = new Faults();
  // Rules in force before the first request (a JSON array of rules, as POST /_sandbox/faults takes): a
  // restarted sandbox resumes its work at once, sooner than a rule could be added over the control API.
  for (const rule of JSON.parse(process.env.SANDBOX_FAULTS ?? "[]") as unknown[]) faults.add(rule);
  const log = new RequestLog();
  const control = createControl({
    sim,
    faults,
    log,
    patchScenario(patch) {
      if (typeof patch !== "object" || patch === null) return scenario();
      deepMerge(scenario() as unknown as Record<string, unknown>, patch as Record<string, unknown>);
      state.save();
      return scenario();
    },
    reset() {
      state.reset();
      log.clear();
      faults.clear();
      seed();
    },
  });

  const saveOnClockChange = () => state.save();
  clock.on("changed", saveOnClockChange);

  const tokens = await startTokenEndpoint(identity, tenantId);
  const pipeline = createPipeline({
    sim,
    providers,
    routes: ops.routes(providers),
    authenticate: (token) => verifyToken(identity, token),
    faults,
    log,
    control,
  });
  const https = await listenHttps(pipeline, tls, options.port ?? 0);
  endpoint = `https://127.0.0.1:${https.port}`;

  const connection: ArmConnection = {
    endpoint,
    caCertPath: tls.caCertPath,
    subscriptionId,
    tenantId,
    identityEndpoint: tokens.url,
    identityHeader: identity.identityHeader,
    controlUrl: `${endpoint}/_sandbox`,
  };
  if (options.writeConnectionFile) writeFileSync(join(dataDir, "arm.json"), JSON.stringify(connection, null, 2));

  return {
    ...connection,
    caCert: tls.caCert,
    clock,
    sim,
    appPrincipal: { objectId: identity.objectId, clientId: identity.clientId },
    async close() {
      state.save();
      clock.off("changed", saveOnClockChange);
      for (const u of unsubscribe) u();
      await Promise.all([https.close(), tokens.close()]);
    },
  };
}
