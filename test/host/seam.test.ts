// The worker seam, in process: the fixture app registers through our @azure/functions-core and every
// invocation goes through the library's own programming model.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { HostRequest } from "../../sandbox/host/http-types.js";
import { loadApp, type SandboxApp } from "../../sandbox/host/worker-seam.js";

const appDir = path.resolve(__dirname, "../fixtures/host-app");
const printed: string[] = [];
const warnings: string[] = [];
let app: SandboxApp;

function request(method: string, url: string, body = ""): HostRequest {
  return { method, url: new URL(url), headers: { "content-type": "text/plain" }, body: Buffer.from(body) };
}

beforeAll(async () => {
  vi.spyOn(console, "warn").mockImplementation((...args: unknown[]) => void warnings.push(args.join(" ")));
  app = await loadApp(appDir, {
    settings: { GREETING: "hi from settings", PATH: "must not override" },
    extraInputs: { durableClient: () => ({ taskHubName: "SeamHub", creationUrls: {}, managementUrls: {}, baseUrl: "http://127.0.0.1:1/runtime/webhooks/durabletask", requiredQueryStringParameters: "code=x" }) },
    print: (line) => printed.push(line),
  });
});

afterAll(() => vi.restoreAllMocks());

describe("loadApp", () => {
  it("captures every registration with its trigger and prints no test-mode warning", () => {
    const triggers = Object.fromEntries([...app.functions.values()].map((f) => [f.name, f.trigger.type]));
    expect(triggers).toMatchObject({
      hello: "httpTrigger",
      items: "httpTrigger",
      tick: "timerTrigger",
      nightly: "timerTrigger",
      sayHelloOrchestration: "orchestrationTrigger",
      sayHello: "activityTrigger",
    });
    expect(app.functions.get("tick")?.trigger.schedule).toBe("%TICK_SCHEDULE%");
    expect(warnings.filter((w) => /test mode/.test(w))).toEqual([]);
  });

  it("sets app settings without overriding the environment", () => {
    expect(process.env.GREETING).toBe("hi from settings");
    expect(process.env.PATH).not.toBe("must not override");
  });

  it("runs an activity with its JSON input", async () => {
    const result = await app.invoke("sayHello", "Ann");
    expect(result).toMatchObject({ ok: true, value: "Hello, Ann!" });
  });

  it("runs an orchestrator episode from the host payload and returns its OrchestratorState", async () => {
    const now = "2024-01-01T00:00:00.000Z";
    const result = await app.invoke("sayHelloOrchestration", {
      history: [
        { EventType: 12, EventId: -1, IsPlayed: false, Timestamp: now },
        { EventType: 0, EventId: -1, IsPlayed: false, Timestamp: now, Name: "sayHelloOrchestration", Input: JSON.stringify("Ann") },
      ],
      input: "Ann",
      instanceId: "seam-1",
      isReplaying: false,
      parentInstanceId: null,
      upperSchemaVersion: 1,
      upperSchemaVersionNew: 2,
    });
    expect(result.ok).toBe(true);
    expect(result.ok && result.value).toMatchObject({ isDone: false, actions: [[{ actionType: 0, functionName: "sayHello" }]] });
  });

  it("serves an HTTP trigger through the library's request and response conversion", async () => {
    const res = await app.invokeHttp("hello", request("POST", "http://127.0.0.1:7071/api/hello/ann?q=1", "payload"), { name: "ann" });
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({ "x-fixture": "yes", "content-type": "application/json" });
    expect(JSON.parse(String(res.body))).toEqual({ name: "ann", q: "1", method: "POST", body: "payload", greeting: "hi from settings" });
    expect(res.setCookies).toEqual(["session=abc; Path=/; HttpOnly"]);
    expect(printed).toContain("[hello] hello ann");
  });

  it("hands the durableClient extra input to df.getClient", async () => {
    const res = await app.invokeHttp("clientInfo", request("GET", "http://127.0.0.1:7071/api/clientInfo"), {});
    expect(JSON.parse(String(res.body))).toEqual({ taskHubName: "SeamHub" });
  });

  it("runs appStart, preInvocation and postInvocation hooks around the handler", async () => {
    const res = await app.invokeHttp("hooked", request("GET", "http://127.0.0.1:7071/api/hooked"), {});
    expect(JSON.parse(String(res.body))).toEqual({ started: true, pre: true, original: "original" });
  });

  it("answers 204 when the function returns no response, 500 when it throws", async () => {
    expect((await app.invokeHttp("noContent", request("POST", "http://127.0.0.1:7071/api/noContent"), {})).status).toBe(204);
    expect((await app.invokeHttp("boom", request("GET", "http://127.0.0.1:7071/api/boom"), {})).status).toBe(500);
    const failed = await app.invoke("boom", {});
    expect(failed.ok).toBe(false);
    expect(await app.invoke("noSuchFunction", {})).toMatchObject({ ok: false, error: { name: "FunctionNotFound" } });
  });

  it("returns the same app for the same directory and refuses a second app", async () => {
    expect(await loadApp(appDir, { settings: {}, extraInputs: {} })).toBe(app);
    expect(() => loadApp(path.join(appDir, ".."), { settings: {}, extraInputs: {} })).toThrow(/another process/);
  });
});
