// The host CLI as a child process: HTTP triggers with route templates, methods and auth levels,
// the admin API, and a clean start (no "test mode" fallback of @azure/functions).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startChildHost, type ChildHost } from "./child-host.js";

const appDir = path.resolve(__dirname, "../fixtures/host-app");
const dataDir = mkdtempSync(path.join(tmpdir(), "host-http-"));
let host: ChildHost;

beforeAll(async () => {
  host = await startChildHost(appDir, dataDir);
});

afterAll(async () => {
  await host?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const call = (pathAndQuery: string, init?: RequestInit) => fetch(`${host.baseUrl}${pathAndQuery}`, init);

describe("HTTP triggers", () => {
  it("serves an anonymous route with an optional parameter, query and body", async () => {
    const res = await call("/api/hello/ann?q=x", { method: "POST", body: "hi" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-fixture")).toBe("yes");
    expect(res.headers.getSetCookie()).toEqual(["session=abc; Path=/; HttpOnly"]);
    expect(await res.json()).toEqual({ name: "ann", q: "x", method: "POST", body: "hi", greeting: "hello from local.settings.json" });
    expect(await (await call("/API/Hello")).json()).toMatchObject({ name: null, method: "GET" });
  });

  it("requires a function or master key for authLevel function, in the query or the header", async () => {
    expect((await call("/api/items/7")).status).toBe(401);
    expect((await call("/api/items/7?code=wrong")).status).toBe(401);
    const withQuery = await call(`/api/items/7?code=${host.keys.functionKey}`);
    expect(withQuery.status).toBe(200);
    expect(await withQuery.json()).toEqual({ id: "7" });
    const withHeader = await call("/api/items/8", { method: "DELETE", headers: { "x-functions-key": host.keys.masterKey } });
    expect(withHeader.status).toBe(202);
    // The system key belongs to the Durable extension only.
    expect((await call(`/api/items/7?code=${host.keys.systemKey}`)).status).toBe(401);
  });

  it("requires the master key for authLevel admin", async () => {
    expect((await call(`/api/adminOnly?code=${host.keys.functionKey}`)).status).toBe(401);
    const res = await call(`/api/adminOnly?code=${host.keys.masterKey}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("admin ok");
  });

  it("answers 404 for unknown routes, unmatched constraints, other methods and paths outside the prefix", async () => {
    const key = `?code=${host.keys.functionKey}`;
    expect((await call(`/api/items/seven${key}`)).status).toBe(404);
    expect((await call(`/api/items/7${key}`, { method: "PUT" })).status).toBe(404);
    expect((await call("/api/nothing-here")).status).toBe(404);
    expect((await call("/hello/ann")).status).toBe(404);
    // AzureWebJobs.disabledHello.Disabled = true in local.settings.json
    expect((await call("/api/disabledHello")).status).toBe(404);
  });

  it("maps a missing response to 204 and a thrown error to 500", async () => {
    expect((await call("/api/noContent", { method: "POST" })).status).toBe(204);
    expect((await call("/api/boom")).status).toBe(500);
    expect(host.output()).toMatch(/kaboom/);
  });
});

describe("admin API", () => {
  it("reports host status and lists functions for the master key only", async () => {
    expect((await call("/admin/host/status")).status).toBe(401);
    expect((await call(`/admin/host/status?code=${host.keys.functionKey}`)).status).toBe(401);
    const status = await call("/admin/host/status", { headers: { "x-functions-key": host.keys.masterKey } });
    expect(await status.json()).toMatchObject({ state: "Running" });
    const list = (await (await call(`/admin/functions?code=${host.keys.masterKey}`)).json()) as { name: string }[];
    expect(list.map((f) => f.name)).toContain("tick");
  });

  it("runs a non-HTTP function on POST /admin/functions/{name}", async () => {
    const admin = { "x-functions-key": host.keys.masterKey, "content-type": "application/json" };
    const res = await call("/admin/functions/sayHello", { method: "POST", headers: admin, body: JSON.stringify({ input: "Bob" }) });
    expect(res.status).toBe(202);
    expect((await call("/admin/functions/hello", { method: "POST", headers: admin, body: "{}" })).status).toBe(400);
    expect((await call("/admin/functions/nope", { method: "POST", headers: admin, body: "{}" })).status).toBe(404);
    expect((await call("/admin/functions/sayHello", { method: "POST", body: "{}" })).status).toBe(401);
  });
});

describe("start-up", () => {
  it("loads the app through the core API: no test-mode warning", () => {
    expect(host.output()).toContain("Host http://127.0.0.1:");
    expect(host.output()).not.toMatch(/test mode|Failed to detect the Azure Functions runtime/);
  });
});
