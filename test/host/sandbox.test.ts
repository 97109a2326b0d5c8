// startSandbox (what `npm start` runs), in process: the host's app settings point at the ARM simulator,
// connection facts are written, a durable orchestration runs end to end through the host's listener,
// and the clock carries on from its snapshot after a restart.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../sandbox/sandbox.js";

const appDir = path.resolve(__dirname, "../fixtures/host-app");
const dataDir = mkdtempSync(path.join(tmpdir(), "sandbox-start-"));
let sandbox: Sandbox | undefined;

const start = () => startSandbox({ appDir, dataDir, port: 0, scale: 1, print: () => undefined });

afterAll(async () => {
  await sandbox?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("startSandbox", () => {
  it("points the app at the simulator and writes the connection facts", async () => {
    sandbox = await start();
    const { arm, host } = sandbox;
    expect(process.env.ARM_ENDPOINT).toBe(arm.endpoint);
    expect(process.env.ARM_CA_CERT_PATH).toBe(arm.caCertPath);
    expect(process.env.IDENTITY_ENDPOINT).toBe(arm.identityEndpoint);
    expect(process.env.AZURE_SUBSCRIPTION_ID).toBe(arm.subscriptionId);
    expect(`http://${process.env.WEBSITE_HOSTNAME}`).toBe(host.baseUrl);
    const facts = JSON.parse(readFileSync(path.join(dataDir, "host.json"), "utf8")) as Record<string, unknown>;
    expect(facts).toMatchObject({ baseUrl: host.baseUrl, ...host.keys, taskHub: "FixtureHub", pid: process.pid, armEndpoint: arm.endpoint });
  });

  it("runs an orchestration started through the Durable HTTP API", async () => {
    const { host } = sandbox!;
    const started = await fetch(`${host.baseUrl}/runtime/webhooks/durabletask/orchestrators/sayHelloOrchestration?code=${host.keys.systemKey}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify("Ann"),
    });
    expect(started.status).toBe(202);
    const { statusQueryGetUri } = (await started.json()) as { statusQueryGetUri: string };
    expect(statusQueryGetUri.startsWith(host.baseUrl)).toBe(true);
    let status: { runtimeStatus?: string; output?: unknown } = {};
    for (let i = 0; i < 500 && status.runtimeStatus !== "Completed"; i++) {
      status = (await (await fetch(statusQueryGetUri)).json()) as typeof status;
      if (status.runtimeStatus !== "Completed") await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toMatchObject({ runtimeStatus: "Completed", output: ["Hello, Ann!"] });
  });

  it("restores the simulated clock after a restart", async () => {
    sandbox!.clock.advance(3 * 3600_000);
    const before = sandbox!.clock.now();
    await sandbox!.close();
    sandbox = undefined;
    const saved = JSON.parse(readFileSync(path.join(dataDir, "clock.json"), "utf8")) as { now: number };
    expect(saved.now).toBeGreaterThanOrEqual(before);
    sandbox = await start();
    expect(sandbox.clock.now()).toBeGreaterThanOrEqual(saved.now);
    // Keys survive too, so URLs handed out before the restart keep working.
    expect(JSON.parse(readFileSync(path.join(dataDir, "keys.json"), "utf8"))).toEqual(sandbox.host.keys);
  });
});
