// The Durable HTTP API under /runtime/webhooks/durabletask, as the extension serves it: start,
// status (one, or a filtered list with continuation tokens), raise event, terminate, suspend,
// resume, purge. Public paths take the system key (or the master key) as `code=` or
// `x-functions-key`; rpc-mode paths (the binding's rpcBaseUrl) carry the system key in the path.
import type { HostHandler, HostRequest, HostResponse } from "../http-types.js";
import { managementUrls, RPC_SEGMENT, WEBHOOK_PATH } from "./client-binding.js";
import { ManagementError, type Orchestrations } from "./runtime.js";
import { statusJson } from "./status.js";
import { TERMINAL, type InstanceState } from "./store.js";
import { randomUUID } from "node:crypto";

export interface ApiKeys {
  /** the durabletask_extension system key the generated URLs carry */
  systemKey?: string;
  /** keys accepted for the API (the system key and the master key) */
  accepted: string[];
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): HostResponse => ({
  status,
  headers: { "content-type": "application/json; charset=utf-8", ...headers },
  body,
});
const message = (status: number, text: string) => json(status, { Message: text });

export function createDurableApi(orchestrations: Orchestrations, hubName: string, keys: () => ApiKeys): HostHandler {
  return async (req: HostRequest) => {
    const path = req.url.pathname;
    if (!path.toLowerCase().startsWith(WEBHOOK_PATH)) return message(404, "Not Found");
    let segments = path.slice(WEBHOOK_PATH.length).split("/").filter(Boolean).map(decodeURIComponent);
    const known = keys();
    if (segments[0]?.toLowerCase() === RPC_SEGMENT) {
      if (!segments[1] || !known.accepted.includes(segments[1])) return { status: 401 };
      segments = segments.slice(2);
    } else {
      const key = req.url.searchParams.get("code") ?? req.headers["x-functions-key"];
      if (!key || !known.accepted.includes(key)) return { status: 401 };
    }
    try {
      return route(req, segments, known.systemKey ?? known.accepted[0] ?? "");
    } catch (e) {
      if (e instanceof ManagementError) return message(e.status, e.message);
      throw e;
    }
  };

  function route(req: HostRequest, segments: string[], systemKey: string): HostResponse {
    const [head, id, action, eventName] = segments;
    const method = req.method.toUpperCase();
    const q = req.url.searchParams;
    const webhookBase = `${req.url.origin}${WEBHOOK_PATH}`;
    if (head === "orchestrators" && id && method === "POST" && segments.length <= 3) {
      const instanceId = segments[2] ?? randomUUID().replace(/-/g, "");
      const inst = orchestrations.startNew(id, instanceId, bodyText(req));
      const payload = managementUrls(webhookBase, inst.meta.instanceId, hubName, systemKey);
      return json(202, payload, { location: payload.statusQueryGetUri, "retry-after": "10" });
    }
    if (head !== "instances") return message(404, "Not Found");
    if (!id) {
      if (method === "GET") return list(req);
      if (method === "DELETE") return purgeWhere(q);
      return message(405, "Method Not Allowed");
    }
    if (!action) {
      if (method === "GET") return status(id, q);
      if (method === "DELETE") {
        return orchestrations.purge(id) ? json(200, { instancesDeleted: 1 }) : message(404, `No instance with ID '${id}' was found.`);
      }
      return message(405, "Method Not Allowed");
    }
    if (method !== "POST") return message(405, "Method Not Allowed");
    if (action === "raiseEvent" && eventName) orchestrations.raiseEvent(id, eventName, bodyText(req));
    else if (action === "terminate" || action === "suspend" || action === "resume") orchestrations.control(id, action, q.get("reason") ?? "");
    else if (action === "rewind" || action === "restart") return message(501, `${action} is not supported by the sandbox host.`);
    else return message(404, "Not Found");
    return { status: 202 };
  }

  function status(id: string, q: URLSearchParams): HostResponse {
    const inst = orchestrations.instances.get(id);
    if (!inst) return { status: 404 };
    const s = inst.status.runtimeStatus;
    const code = s === "Failed" && q.get("returnInternalServerErrorOnFailure") === "true" ? 500 : TERMINAL.has(s) ? 200 : 202;
    return json(code, statusJson(inst, flags(q)));
  }

  function list(req: HostRequest): HostResponse {
    const q = req.url.searchParams;
    const all = matching(q).sort((a, b) => a.meta.createdTime - b.meta.createdTime);
    const top = Number(q.get("top") ?? 0) || all.length;
    const start = Number(Buffer.from(req.headers["x-ms-continuation-token"] ?? "", "base64").toString() || 0);
    const page = all.slice(start, start + top);
    const next = start + page.length;
    const headers: Record<string, string> = next < all.length ? { "x-ms-continuation-token": Buffer.from(String(next)).toString("base64") } : {};
    return json(200, page.map((inst) => statusJson(inst, flags(q))), headers);
  }

  function purgeWhere(q: URLSearchParams): HostResponse {
    let deleted = 0;
    for (const inst of matching(q)) if (orchestrations.purge(inst.meta.instanceId)) deleted++;
    return deleted > 0 ? json(200, { instancesDeleted: deleted }) : message(404, "No instances matched the filter.");
  }

  function matching(q: URLSearchParams): InstanceState[] {
    const statuses = (q.get("runtimeStatus") ?? "").split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
    const from = q.get("createdTimeFrom") ? Date.parse(q.get("createdTimeFrom")!) : -Infinity;
    const to = q.get("createdTimeTo") ? Date.parse(q.get("createdTimeTo")!) : Infinity;
    const prefix = q.get("instanceIdPrefix") ?? "";
    return [...orchestrations.instances.values()].filter(
      (inst) =>
        (statuses.length === 0 || statuses.includes(inst.status.runtimeStatus.toLowerCase())) &&
        inst.meta.createdTime >= from &&
        inst.meta.createdTime <= to &&
        inst.meta.instanceId.startsWith(prefix),
    );
  }
}

const flags = (q: URLSearchParams) => ({
  showInput: q.get("showInput") !== "false",
  showHistory: q.get("showHistory") === "true",
  showHistoryOutput: q.get("showHistoryOutput") === "true",
});

/** The request body as JSON text (an empty body is no input); anything else is rejected as the extension does. */
function bodyText(req: HostRequest): string | undefined {
  const text = req.body.toString("utf8").trim();
  if (!text) return undefined;
  try {
    JSON.parse(text);
  } catch {
    throw new ManagementError(400, "Only application/json request content is supported");
  }
  return text;
}
