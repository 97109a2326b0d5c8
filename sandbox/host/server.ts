// The host's listener on loopback: /admin and /runtime/webhooks/durabletask go to their APIs,
// everything else to the HTTP triggers (which answer 404 outside the route prefix).
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { HostHandler, HostRequest, HostResponse } from "./http-types.js";

export interface HostRoutes {
  triggers: HostHandler;
  admin: HostHandler;
  /** the Durable API; undefined until the runtime exists */
  durable: () => HostHandler | undefined;
}

const DURABLE_PREFIX = "/runtime/webhooks/durabletask";

export function routeRequest(routes: HostRoutes): HostHandler {
  return async (req) => {
    const path = req.url.pathname.toLowerCase();
    if (path === "/admin" || path.startsWith("/admin/")) return routes.admin(req);
    if (path === DURABLE_PREFIX || path.startsWith(`${DURABLE_PREFIX}/`)) {
      const durable = routes.durable();
      return durable ? durable(req) : { status: 404 };
    }
    return routes.triggers(req);
  };
}

function send(res: http.ServerResponse, response: HostResponse): void {
  const headers: Record<string, string | string[]> = { ...response.headers };
  if (response.setCookies?.length) headers["set-cookie"] = response.setCookies;
  let body: Buffer | string = "";
  if (Buffer.isBuffer(response.body) || typeof response.body === "string") {
    body = response.body;
  } else if (response.body !== undefined) {
    body = JSON.stringify(response.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) headers["content-type"] = "application/json; charset=utf-8";
  }
  res.writeHead(response.status, headers);
  res.end(body);
}

export interface Listener {
  port: number;
  close(): Promise<void>;
}

export async function listen(handler: HostHandler, port: number, log: (line: string) => void): Promise<Listener> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
      const hostHeader = headers.host ?? `127.0.0.1:${(server.address() as AddressInfo).port}`;
      const request: HostRequest = { method: req.method ?? "GET", url: new URL(req.url ?? "/", `http://${hostHeader}`), headers, body: Buffer.concat(chunks) };
      handler(request).then(
        (response) => send(res, response),
        (err: unknown) => {
          log(`[host] ${request.method} ${request.url.pathname} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
          send(res, { status: 500 });
        },
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
