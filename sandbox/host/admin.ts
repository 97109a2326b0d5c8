// The host's admin API (master key only): run a non-HTTP function now, host status, function list.
import type { LoadedApp } from "./app-types.js";
import type { HostHandler, HostRequest, HostResponse } from "./http-types.js";
import { isAuthorized, type HostKeys } from "./keys.js";

export interface AdminOptions {
  app: LoadedApp;
  keys: HostKeys;
  version: string;
  /** the trigger value for an admin-invoked timer function */
  timerInfo: (name: string) => unknown;
  print: (line: string) => void;
}

const json = (status: number, body: unknown): HostResponse => ({ status, headers: { "content-type": "application/json; charset=utf-8" }, body });

/** `{"input": "..."}`: the host passes the string as the trigger data, which the worker JSON-parses when it can. */
function adminInput(req: HostRequest): unknown {
  const text = req.body.toString("utf8").trim();
  const input = text === "" ? undefined : (JSON.parse(text) as { input?: unknown }).input;
  if (typeof input !== "string") return input;
  try {
    return JSON.parse(input);
  } catch {
    return input;
  }
}

export function createAdminApi({ app, keys, version, timerInfo, print }: AdminOptions): HostHandler {
  const started = Date.now();
  return async (req: HostRequest): Promise<HostResponse> => {
    if (!isAuthorized("admin", req, keys)) return { status: 401 };
    const path = req.url.pathname.replace(/\/+$/, "").toLowerCase();
    const method = req.method.toUpperCase();
    if (path === "/admin/host/status" && method === "GET") {
      return json(200, { id: "sandbox-host", state: "Running", version, versionDetails: `${version} (sandbox)`, processUptime: Date.now() - started });
    }
    if (path === "/admin/functions" && method === "GET") {
      return json(200, [...app.functions.values()].map((f) => ({ name: f.name, config: { bindings: Object.entries(f.bindings).map(([name, b]) => ({ name, ...b })) } })));
    }
    const m = /^\/admin\/functions\/([^/]+)$/.exec(path);
    if (m && method === "POST") {
      const fn = [...app.functions.values()].find((f) => f.name.toLowerCase() === decodeURIComponent(m[1]));
      if (!fn) return { status: 404 };
      if (fn.trigger.type.toLowerCase() === "httptrigger") return json(400, { message: "HTTP-triggered functions are invoked through their own route" });
      let input: unknown;
      try {
        input = fn.trigger.type.toLowerCase() === "timertrigger" ? timerInfo(fn.name) : adminInput(req);
      } catch {
        return json(400, { message: 'the body must be JSON like {"input": "..."}' });
      }
      // The host accepts the request and runs the function in the background.
      app.invoke(fn.name, input).then(
        (r) => { if (!r.ok) print(`[${fn.name}] admin invocation failed: ${r.error.message}`); },
        (e: unknown) => print(`[${fn.name}] admin invocation failed: ${String(e)}`),
      );
      return { status: 202 };
    }
    return { status: 404 };
  };
}
