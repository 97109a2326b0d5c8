// What func prints at start-up: every function with its trigger, HTTP routes as URLs with their key.
import type { RunningHost } from "./index.js";
import { authLevelOf } from "./keys.js";

export function describeHost(host: RunningHost): string[] {
  const lines = ["", "Functions:", ""];
  const prefix = host.config.routePrefix ? `/${host.config.routePrefix}` : "";
  for (const fn of host.app.functions.values()) {
    const type = fn.trigger.type;
    if (type.toLowerCase() === "httptrigger") {
      const route = typeof fn.trigger.route === "string" ? fn.trigger.route : fn.name;
      const methods = Array.isArray(fn.trigger.methods) ? fn.trigger.methods.join(",") : "*";
      const level = authLevelOf(fn.trigger.authLevel);
      const key = level === "anonymous" ? "" : `?code=${level === "admin" ? host.keys.masterKey : host.keys.functionKey}`;
      lines.push(`        ${fn.name}: [${methods}] ${host.baseUrl}${prefix}/${route}${key}`);
    } else {
      const detail = typeof fn.trigger.schedule === "string" ? ` (${fn.trigger.schedule})` : "";
      lines.push(`        ${fn.name}: ${type}${detail}`);
    }
  }
  lines.push("", `Host ${host.baseUrl}, task hub ${host.runtime.hubName}`, "");
  return lines;
}
