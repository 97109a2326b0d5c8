// Crash safety: a host process is SIGKILLed while an activity is in flight and started again on the
// same task hub. The instance completes; every activity's side effect happened once, except the one
// in flight when the process died, which ran again (at-least-once).
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_KEY } from "../fixtures/durable-host.js";

const repo = path.resolve(__dirname, "../..");
const work = mkdtempSync(path.join(tmpdir(), "durable-crash-"));
const dataDir = path.join(work, "data");
const journal = path.join(work, "journal.txt");
const appDir = path.join(repo, "test/fixtures/durable-app");
const children: ChildProcess[] = [];

beforeAll(() => {
  // The child runs compiled JavaScript: compile the entry and what it imports into the work dir.
  execFileSync(
    process.execPath,
    [path.join(repo, "node_modules/typescript/bin/tsc"), "--outDir", path.join(work, "js"), "--rootDir", repo, "--module", "node16",
      "--moduleResolution", "node16", "--target", "es2023", "--types", "node", "--skipLibCheck", "--esModuleInterop", "--ignoreConfig",
      path.join(repo, "test/fixtures/durable-child.ts")],
    { cwd: repo, stdio: "inherit" },
  );
}, 120_000);
afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
});

async function startChild(): Promise<{ child: ChildProcess; api: string }> {
  const child = spawn(process.execPath, [path.join(work, "js/test/fixtures/durable-child.js"), dataDir, appDir], { stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  for await (const line of createInterface({ input: child.stdout! })) {
    if (line.startsWith("{")) return { child, api: `${(JSON.parse(line) as { baseUrl: string }).baseUrl}/runtime/webhooks/durabletask` };
  }
  throw new Error("the host child exited before announcing its URL");
}

const lines = () => (existsSync(journal) ? readFileSync(journal, "utf8").split("\n").filter(Boolean).map(Number) : []);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("crash safety", () => {
  it("resumes after SIGKILL and re-runs only the activity in flight", async () => {
    const first = await startChild();
    const start = await fetch(`${first.api}/orchestrators/Journal/crash-1?code=${SYSTEM_KEY}`, {
      method: "POST",
      body: JSON.stringify({ file: journal, lines: 6, workMs: 1000 }),
    });
    expect(start.status).toBe(202);
    // Kill while activity 2 is working (it wrote its line and has not returned yet).
    for (let i = 0; i < 500 && lines().length < 3; i++) await sleep(10);
    expect(lines()).toEqual([0, 1, 2]);
    first.child.kill("SIGKILL");
    await new Promise((resolve) => first.child.once("exit", resolve));

    const second = await startChild();
    let status: { runtimeStatus?: string; output?: unknown } = {};
    for (let i = 0; i < 300 && status.runtimeStatus !== "Completed"; i++) {
      await sleep(50);
      status = (await (await fetch(`${second.api}/instances/crash-1?code=${SYSTEM_KEY}`)).json()) as typeof status;
    }
    expect(status).toMatchObject({ runtimeStatus: "Completed", output: [0, 1, 2, 3, 4, 5] });
    expect(lines()).toEqual([0, 1, 2, 2, 3, 4, 5]);
    second.child.kill("SIGKILL");
  });
});
