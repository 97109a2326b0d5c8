// The Durable Functions runtime of the local host: task hub on disk, episodes with replay, the
// Durable HTTP API and the durableClient binding data.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Clock } from "../../arm/clock.js";
import type { LoadedApp } from "../app-types.js";
import type { HostHandler } from "../http-types.js";
import { createDurableApi } from "./api.js";
import { clientBindingData } from "./client-binding.js";
import { inputText } from "./episode.js";
import { Orchestrations } from "./runtime.js";
import type { DurableStats } from "./stats.js";
import { statusJson, type StatusOptions } from "./status.js";

export interface DurableRuntimeOptions {
  app: LoadedApp;
  clock: Clock;
  dataDir: string;
  hubName: string;
  hostJson: unknown;
  log?: (line: string) => void;
  /** keys the API accepts; without them, `<dataDir>/keys.json` (masterKey, systemKey) is read */
  keys?: { systemKey: string; masterKey?: string };
}

export interface DurableRuntime {
  readonly hubName: string;
  /** orchestrator invocation timings (measurement only) */
  readonly stats: DurableStats;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** resolves once no episode or activity is running */
  idle(): Promise<void>;
  clientBindingData(baseUrl: string, systemKey: string): unknown;
  api: HostHandler;
  startNew(name: string, options?: { instanceId?: string; input?: unknown }): string;
  getStatus(instanceId: string, options?: Partial<StatusOptions>): Record<string, unknown> | undefined;
  raiseEvent(instanceId: string, eventName: string, data?: unknown): void;
  terminate(instanceId: string, reason?: string): void;
  suspend(instanceId: string, reason?: string): void;
  resume(instanceId: string, reason?: string): void;
  purge(instanceId: string): boolean;
}

const DAY = 24 * 3600_000;

export function createDurableRuntime(options: DurableRuntimeOptions): DurableRuntime {
  const durableTask = durableTaskSettings(options.hostJson);
  const orchestrations = new Orchestrations({
    app: options.app,
    clock: options.clock,
    dataDir: options.dataDir,
    hubName: options.hubName,
    maxConcurrentActivities: durableTask.maxConcurrentActivityFunctions,
    log: options.log ?? (() => undefined),
    episode: {
      maximumShortTimerMs: 6 * DAY,
      longRunningTimerIntervalMs: 3 * DAY,
      maximumShortTimerDuration: "6.00:00:00",
      longRunningTimerIntervalDuration: "3.00:00:00",
    },
  });
  const bindingKeys = new Set<string>();
  const keys = () => {
    const file = readKeysFile(options.dataDir);
    const systemKey = options.keys?.systemKey ?? file.systemKey ?? [...bindingKeys][0];
    const accepted = [options.keys?.systemKey, options.keys?.masterKey, file.systemKey, file.masterKey, ...bindingKeys];
    return { systemKey, accepted: accepted.filter((k): k is string => !!k) };
  };

  return {
    hubName: options.hubName,
    stats: orchestrations.stats,
    start: async () => orchestrations.start(),
    stop: () => orchestrations.stop(),
    idle: () => orchestrations.idle(),
    clientBindingData(baseUrl, systemKey) {
      bindingKeys.add(systemKey);
      return clientBindingData(baseUrl, options.hubName, systemKey);
    },
    api: createDurableApi(orchestrations, options.hubName, keys),
    startNew(name, { instanceId, input } = {}) {
      return orchestrations.startNew(name, instanceId ?? crypto.randomUUID().replace(/-/g, ""), inputText(input)).meta.instanceId;
    },
    getStatus(instanceId, flags = {}) {
      const inst = orchestrations.instances.get(instanceId);
      return inst && statusJson(inst, { showInput: true, showHistory: false, showHistoryOutput: false, ...flags });
    },
    raiseEvent: (id, eventName, data) => orchestrations.raiseEvent(id, eventName, inputText(data)),
    terminate: (id, reason) => orchestrations.control(id, "terminate", reason),
    suspend: (id, reason) => orchestrations.control(id, "suspend", reason),
    resume: (id, reason) => orchestrations.control(id, "resume", reason),
    purge: (id) => orchestrations.purge(id),
  };
}

function durableTaskSettings(hostJson: unknown): { maxConcurrentActivityFunctions: number } {
  const ext = (hostJson as { extensions?: { durableTask?: { maxConcurrentActivityFunctions?: unknown } } } | undefined)?.extensions?.durableTask;
  const max = Number(ext?.maxConcurrentActivityFunctions);
  // The extension's default is 10 × the processor count; the sandbox keeps it small and predictable.
  return { maxConcurrentActivityFunctions: Number.isInteger(max) && max > 0 ? max : 10 };
}

function readKeysFile(dataDir: string): { systemKey?: string; masterKey?: string } {
  const file = join(dataDir, "keys.json");
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, "utf8")) as { systemKey?: string; masterKey?: string };
  } catch {
    return {};
  }
}
