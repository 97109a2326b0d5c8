// The app's configuration as func reads it: host.json (route prefix, task hub, concurrency) and
// local.settings.json `Values` (app settings, overridden by the environment), plus `%NAME%` binding
// expressions resolved from those settings.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

export interface HostConfig {
  routePrefix: string;
  hubName: string;
  maxConcurrentActivityFunctions: number;
  maxConcurrentOrchestratorFunctions: number;
  /** host.json as read, for settings this module does not interpret */
  raw: Record<string, unknown>;
}

function readJson(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  // local.settings.json and host.json are often hand-edited; strip a BOM like func does.
  return JSON.parse(readFileSync(file, "utf8").replace(/^\uFEFF/, "")) as Record<string, unknown>;
}

function objectAt(value: unknown, key: string): Record<string, unknown> {
  const inner = value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  return inner && typeof inner === "object" ? (inner as Record<string, unknown>) : {};
}

export function readHostConfig(appDir: string): HostConfig {
  const raw = readJson(path.join(appDir, "host.json"));
  const extensions = objectAt(raw, "extensions");
  const http = objectAt(extensions, "http");
  const durable = objectAt(extensions, "durableTask");
  const prefix = typeof http.routePrefix === "string" ? http.routePrefix : "api";
  const number = (value: unknown, fallback: number): number => (typeof value === "number" && value > 0 ? value : fallback);
  return {
    routePrefix: prefix.replace(/^\/+|\/+$/g, ""),
    // The extension's default hub name for Functions v4 is "TestHubName" when none is configured.
    hubName: typeof durable.hubName === "string" && durable.hubName ? durable.hubName : "TestHubName",
    maxConcurrentActivityFunctions: number(durable.maxConcurrentActivityFunctions, 10),
    maxConcurrentOrchestratorFunctions: number(durable.maxConcurrentOrchestratorFunctions, 10),
    raw,
  };
}

/** local.settings.json `Values`, with non-string values turned into strings as func does. */
export function readLocalSettings(appDir: string): Record<string, string> {
  const values = objectAt(readJson(path.join(appDir, "local.settings.json")), "Values");
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

/** Replaces `%NAME%` with the app setting (the environment wins, as for the app itself). */
export function resolveSettingExpression(expression: string, settings: Record<string, string>): string {
  return expression.replace(/%([^%]+)%/g, (_match, name: string) => {
    const value = process.env[name] ?? settings[name];
    if (value === undefined) throw new Error(`app setting "${name}" referenced by "${expression}" is not set`);
    return value;
  });
}

/** `AzureWebJobs.<name>.Disabled` = true stops a function's trigger (its HTTP route 404s, its timer never fires). */
export function isFunctionDisabled(name: string, settings: Record<string, string>): boolean {
  const key = `AzureWebJobs.${name}.Disabled`;
  const value = process.env[key] ?? settings[key];
  return value !== undefined && /^(true|1)$/i.test(value.trim());
}
