// The ARM front door: one ordered pipeline, written as a function from request to response so tests and
// the HTTPS listener share it (Azurite's request listener factory, Hono's compose). The order:
//   1. request ids (x-ms-request-id, x-ms-correlation-request-id)
//   2. control API under /_sandbox (no auth, not logged)
//   3. request log record (completed with the response)
//   4. fault rules (an injected error, or a dropped connection)
//   5. provider ticks (events that fell due are materialised before anything is read)
//   6. bearer authentication
//   7. path normalisation (arm-authorization sends `//subscriptions/...`) and body parsing
//   8. route match (404 InvalidResourceType, 405)
//   9. api-version
//  10. subscription
//  11. provider registration (writes only)
//  12. RBAC for the caller
//  13. handler, then the JSON body; any throw goes to the error writer
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { ArmError, errors } from "./errors.js";
import { ANY_API_VERSION, requestContext } from "./operations.js";
import type { RequestLog } from "./request-log.js";
import { faultError, type Faults } from "./faults.js";
import { Router } from "./router.js";
import type { ArmRequest, Principal, Provider, RouteDef, Sim } from "./types.js";

export interface RawRequest {
  method: string;
  /** path and query, as received */
  url: string;
  /** lower-cased names */
  headers: Record<string, string>;
  body: Buffer;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body?: string;
}

export type Pipeline = (req: RawRequest) => Promise<RawResponse | "drop">;

export interface PipelineDeps {
  sim: Sim;
  providers: Provider[];
  /** routes outside the providers (async operation polls), matched first */
  routes: RouteDef[];
  authenticate(token: string): Principal | undefined;
  faults: Faults;
  log: RequestLog;
  control(req: RawRequest): Promise<RawResponse>;
}

const READS = new Set(["GET", "HEAD"]);
const CONTROL_PREFIX = "/_sandbox";

/** `/providers/A/providers/B/...` (Microsoft.Features) is served by A; otherwise the last `/providers/{ns}` owns the path. */
function providerSegment(segs: string[]): number {
  let i = -1;
  segs.forEach((s, n) => {
    if (s.toLowerCase() === "providers" && n + 1 < segs.length) i = n;
  });
  return i >= 2 && segs[i - 2].toLowerCase() === "providers" ? i - 2 : i;
}

/** The resource provider namespace a path belongs to (Microsoft.Resources for groups and subscriptions). */
export function pathNamespace(path: string): string {
  const segs = path.split("/").filter(Boolean);
  const i = providerSegment(segs);
  return i < 0 ? "Microsoft.Resources" : segs[i + 1];
}

/** The RBAC action and scope of a request, e.g. PUT a gallery → `Microsoft.Compute/galleries/write` on its id. */
export function armAction(method: string, path: string): { action: string; scope: string } {
  const segs = path.split("/").filter(Boolean);
  const i = providerSegment(segs);
  const namespace = i < 0 ? "Microsoft.Resources" : segs[i + 1];
  const nested = i >= 0 && segs[i + 2]?.toLowerCase() === "providers" ? ["providers"] : [];
  const rest = i < 0 ? segs : segs.slice(i + 2 + nested.length * 2);
  const types = rest.filter((_, n) => n % 2 === 0);
  const m = method.toUpperCase();
  if (rest.length % 2 === 1) {
    // An odd tail ends in a collection (read) or, for POST, an action; the scope is what holds it.
    const parent = i >= 0 && segs.length - 1 === i + 2 ? segs.slice(0, i) : segs.slice(0, -1);
    const scope = "/" + parent.join("/");
    if (m === "POST") return { action: [namespace, ...nested, ...types, "action"].join("/"), scope };
    return { action: [namespace, ...nested, ...types, "read"].join("/"), scope };
  }
  const verb = READS.has(m) ? "read" : m === "DELETE" ? "delete" : m === "POST" ? "action" : "write";
  return { action: [namespace, ...nested, ...types, verb].join("/"), scope: "/" + segs.join("/") };
}

const isProviderLevel = (path: string) => /^\/subscriptions\/[^/]+\/providers\/[^/]+(\/(register|unregister))?$/i.test(path);

function json(status: number, body: unknown, headers: Record<string, string> = {}): RawResponse {
  if (body === undefined) return { status, headers };
  return { status, headers: { ...headers, "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(body) };
}

export function createPipeline(deps: PipelineDeps): Pipeline {
  const { sim } = deps;
  const router = new Router<RouteDef>();
  for (const route of [...deps.routes, ...deps.providers.flatMap((p) => p.routes)]) router.add(route.method, route.pattern, route);

  /** Steps 5–13 for an ARM request; throws ArmError for every refusal. */
  async function serve(raw: RawRequest, url: ParsedUrl): Promise<RawResponse> {
    for (const provider of deps.providers) provider.tick?.();

    const auth = raw.headers.authorization;
    if (!auth) throw errors.authenticationFailed();
    const bearer = /^Bearer\s+(\S+)$/i.exec(auth);
    const principal = bearer ? deps.authenticate(bearer[1]) : undefined;
    if (!principal) throw errors.invalidAuthenticationToken();

    const path = url.pathname.replace(/\/{2,}/g, "/").replace(/(.)\/$/, "$1");
    let body: unknown;
    if (raw.body.length > 0) {
      try {
        body = JSON.parse(raw.body.toString("utf8"));
      } catch (e) {
        throw errors.invalidRequestContent(`The request content was invalid and could not be deserialized: '${(e as Error).message}'.`);
      }
    }

    const match = router.match(raw.method, path);
    if (match.kind === "notFound") throw errors.noRoute(raw.method, path);
    if (match.kind === "methodNotAllowed") throw errors.methodNotAllowed(raw.method);
    const route = match.handler;

    const apiVersion = url.searchParams.get("api-version");
    if (!apiVersion) throw errors.missingApiVersion();
    if (!route.apiVersions.includes(ANY_API_VERSION) && !route.apiVersions.includes(apiVersion)) {
      throw errors.invalidApiVersion(apiVersion, route.apiVersions);
    }

    const subscription = /^\/subscriptions\/([^/]+)/i.exec(path)?.[1];
    if (subscription !== undefined && subscription.toLowerCase() !== sim.subscriptionId.toLowerCase()) {
      throw errors.subscriptionNotFound(subscription);
    }

    if (!READS.has(raw.method) && subscription !== undefined && !isProviderLevel(path)) {
      const namespace = pathNamespace(path);
      if (!sim.backends.resources.isProviderRegistered(sim.subscriptionId, namespace)) throw errors.missingSubscriptionRegistration(namespace);
    }

    const { action, scope } = armAction(raw.method, path);
    if (!sim.backends.authorization.checkAccess(principal.objectId, action, scope)) {
      throw errors.authorizationFailed(principal.clientId, principal.objectId, action, scope);
    }

    const req: ArmRequest = { method: raw.method, path, params: match.params, query: url.searchParams, headers: raw.headers, body, apiVersion, principal };
    const res = await requestContext.run({ apiVersion }, () => route.handler(req));
    return json(res.status, raw.method === "HEAD" ? undefined : res.body, res.headers);
  }

  return async (raw) => {
    const ids = {
      "x-ms-request-id": randomUUID(),
      "x-ms-correlation-request-id": raw.headers["x-ms-correlation-request-id"] ?? raw.headers["x-ms-client-request-id"] ?? randomUUID(),
    };
    const url = splitUrl(raw.url);
    if (url.pathname === CONTROL_PREFIX || url.pathname.startsWith(CONTROL_PREFIX + "/")) {
      const res = await deps.control(raw).catch(errorResponse);
      return { ...res, headers: { ...res.headers, ...ids } };
    }

    const record = (status: number, responseBody: unknown) =>
      deps.log.add({
        time: sim.clock.date().toISOString(),
        method: raw.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: raw.headers,
        body: parseForLog(raw.body),
        status,
        responseBody,
      });

    const fault = deps.faults.take(raw.method, url.pathname);
    if (fault?.drop) {
      record(0, undefined);
      return "drop";
    }
    const res = fault && !fault.hold ? errorResponse(faultError(fault)) : await serve(raw, url).catch(errorResponse);
    record(res.status, res.body === undefined ? undefined : parseForLog(Buffer.from(res.body)));
    if (fault?.hold) await deps.faults.released();
    return { ...res, headers: { ...res.headers, ...ids } };
  };
}

interface ParsedUrl {
  pathname: string;
  searchParams: URLSearchParams;
}

/** Path and query as sent; not `new URL`, which reads a leading `//subscriptions/...` as a host name. */
export function splitUrl(url: string): ParsedUrl {
  const q = url.indexOf("?");
  return { pathname: q < 0 ? url : url.slice(0, q), searchParams: new URLSearchParams(q < 0 ? "" : url.slice(q + 1)) };
}

function parseForLog(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return body.toString("utf8");
  }
}

/** The error writer: ArmError as ARM writes it, anything else as a logged 500. */
export function errorResponse(error: unknown): RawResponse {
  const armError = error instanceof ArmError ? error : errors.internal();
  if (!(error instanceof ArmError)) console.error("[arm-sim] unhandled error", error);
  return json(armError.status, armError.toBody(), armError.options.headers);
}

/** The HTTPS listener: a thin adapter from node's http objects to the pipeline. */
export async function listenHttps(pipeline: Pipeline, tls: { key: string; cert: string }, port: number): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
      pipeline({ method: (req.method ?? "GET").toUpperCase(), url: req.url ?? "/", headers, body: Buffer.concat(chunks) })
        .then((result) => {
          if (result === "drop") {
            req.socket.destroy();
            return;
          }
          res.writeHead(result.status, result.headers);
          res.end(result.body);
        })
        .catch((e: unknown) => {
          console.error("[arm-sim] pipeline failure", e);
          req.socket.destroy();
        });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
