// startHost: the local Functions host. Reads the app's host.json and local.settings.json, listens on
// loopback, loads the app through the worker seam, and runs its HTTP triggers, timers, admin API and
// the Durable runtime on the shared simulated clock.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { Clock } from "../arm/clock.js";
import { createAdminApi } from "./admin.js";
import { HOST_VERSION } from "./core-api.js";
import { createDurableRuntime, type DurableRuntime } from "./durable/index.js";
import { createHttpTriggers } from "./http.js";
import type { HostHandler } from "./http-types.js";
import { loadOrCreateKeys, type HostKeys } from "./keys.js";
import { listen, routeRequest } from "./server.js";
import { readHostConfig, readLocalSettings, type HostConfig } from "./settings.js";
import { startTimers } from "./timers.js";
import { loadApp, type SandboxApp } from "./worker-seam.js";

export interface StartHostOptions {
  appDir: string;
  /** default 7071, as func; 0 picks a free port */
  port?: number;
  /** keys, timer status and the task hub; default `<cwd>/.sandbox` */
  dataDir?: string;
  /** share the ARM simulator's clock; default a real-time clock */
  clock?: Clock;
  /** app settings over local.settings.json `Values` (the environment still wins, as with func) */
  settings?: Record<string, string>;
  /** console lines (invocation logs, banner); default stdout */
  print?: (line: string) => void;
}

export interface RunningHost {
  baseUrl: string;
  keys: HostKeys;
  app: SandboxApp;
  runtime: DurableRuntime;
  config: HostConfig;
  clock: Clock;
  /** the app settings in effect (before environment overrides) */
  settings: Record<string, string>;
  close(): Promise<void>;
}

export async function startHost(options: StartHostOptions): Promise<RunningHost> {
  const appDir = path.resolve(options.appDir);
  const dataDir = path.resolve(options.dataDir ?? path.join(process.cwd(), ".sandbox"));
  mkdirSync(dataDir, { recursive: true });
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const clock = options.clock ?? new Clock();
  const config = readHostConfig(appDir);
  const keys = loadOrCreateKeys(dataDir);

  // Listen first: the app's settings carry the host's own address (WEBSITE_HOSTNAME).
  let ready: HostHandler | undefined;
  const listener = await listen((req) => (ready ? ready(req) : Promise.resolve({ status: 503 })), options.port ?? 7071, print);
  const baseUrl = `http://127.0.0.1:${listener.port}`;
  try {
    const settings = { ...readLocalSettings(appDir), ...options.settings };
    // The platform sets WEBSITE_HOSTNAME, not the user; durable-functions builds status URLs from it
    // (and falls back to http://localhost:7071 without it).
    process.env.WEBSITE_HOSTNAME = `127.0.0.1:${listener.port}`;

    // The runtime needs the loaded app, the app's client bindings need the runtime.
    const late: { runtime?: DurableRuntime } = {};
    const app = await loadApp(appDir, {
      settings,
      extraInputs: {
        durableClient: () => {
          if (!late.runtime) throw new Error("the Durable runtime is not running yet");
          return late.runtime.clientBindingData(baseUrl, keys.systemKey);
        },
      },
      print,
    });
    const durable = createDurableRuntime({
      app, clock, dataDir, hubName: config.hubName, hostJson: config.raw, log: print,
      keys: { systemKey: keys.systemKey, masterKey: keys.masterKey },
    });
    late.runtime = durable;
    await durable.start();
    const timers = startTimers({ app, clock, settings, dataDir, print });
    ready = routeRequest({
      triggers: createHttpTriggers(app, { routePrefix: config.routePrefix, keys, settings }),
      admin: createAdminApi({ app, keys, version: HOST_VERSION, timerInfo: (name) => timers.timerInfo(name, false), print }),
      durable: () => durable.api,
    });

    return {
      baseUrl, keys, app, runtime: durable, config, clock, settings,
      async close() {
        ready = undefined;
        timers.stop();
        await durable.stop();
        await app.terminate();
        await listener.close();
      },
    };
  } catch (err) {
    await listener.close();
    throw err;
  }
}
