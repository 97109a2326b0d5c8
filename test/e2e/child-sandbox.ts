// The whole sandbox (`node dist/sandbox/start.js`) as a child process on a data directory of its own, so
// a test can SIGKILL it at any moment and start it again on the same state (task hub, ARM state, clock,
// keys), as a crashed Functions host is restarted. Needs the app built (`npm run build`).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

const repo = path.resolve(__dirname, "../..");
const startScript = path.join(repo, "dist/sandbox/start.js");

export type Json = Record<string, unknown>;

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  time: string;
}

interface Connection {
  pid: number;
  baseUrl: string;
  functionKey: string;
  controlUrl: string;
  caCert: string;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A port free right now: the host keeps it across restarts, as func keeps 7071. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export class ChildSandbox {
  readonly dataDir = mkdtempSync(path.join(tmpdir(), "crash-"));
  #child?: ChildProcess;
  #exited?: Promise<void>;
  #conn?: Connection;
  /** the tail of what the children printed, for failure messages */
  #output: string[] = [];

  constructor(private readonly options: { port: number; env: Record<string, string> }) {
    if (!existsSync(startScript)) throw new Error(`build the app first (npm run build): ${startScript} is missing`);
  }

  /** Starts the sandbox on the data directory (extra env for this run only) and waits until it serves. */
  async start(env: Record<string, string> = {}): Promise<void> {
    const args = [startScript, "--no-build", "--port", String(this.options.port), "--data-dir", this.dataDir];
    const child = spawn(process.execPath, args, { cwd: repo, env: { ...process.env, ...this.options.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once("exit", () => resolve()));
    const keep = (chunk: Buffer) => {
      this.#output.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      this.#output.splice(0, Math.max(0, this.#output.length - 80));
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    // host.json is written once the host listens; the one of the previous run names another pid.
    for (let i = 0; i < 400; i++) {
      if (child.exitCode !== null) throw new Error(`the sandbox exited with ${child.exitCode} while starting:\n${this.output()}`);
      const conn = this.#readConnection();
      if (conn?.pid === child.pid) {
        this.#conn = conn;
        return;
      }
      await sleep(25);
    }
    throw new Error(`the sandbox did not start within 10 s:\n${this.output()}`);
  }

  #readConnection(): Connection | undefined {
    try {
      const host = JSON.parse(readFileSync(path.join(this.dataDir, "host.json"), "utf8")) as Json;
      const arm = JSON.parse(readFileSync(path.join(this.dataDir, "arm.json"), "utf8")) as Json;
      const caCert = readFileSync(String(arm.caCertPath), "utf8");
      return { pid: Number(host.pid), baseUrl: String(host.baseUrl), functionKey: String(host.functionKey), controlUrl: String(arm.controlUrl), caCert };
    } catch {
      return undefined; // not written yet, or being written
    }
  }

  /** SIGKILL: no handler runs, nothing is flushed; resolves once the process is gone. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await this.#exited;
    this.#child = undefined;
    this.#conn = undefined;
  }

  /** Kills the child if one runs and removes the data directory. */
  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  output(): string {
    return this.#output.join("\n");
  }

  #connection(): Connection {
    if (!this.#conn) throw new Error("the sandbox is not running");
    return this.#conn;
  }

  /** Calls the app's HTTP API with the function key. */
  async api(method: string, route: string, body?: unknown): Promise<{ status: number; body: Json }> {
    const conn = this.#connection();
    const res = await fetch(`${conn.baseUrl}/api/${route}`, {
      method,
      headers: { "x-functions-key": conn.functionKey, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Json) : {} };
  }

  /** Calls the simulator's control plane over HTTPS, trusting exactly its CA. */
  control<T>(method: string, name: string, body?: unknown): Promise<T> {
    const conn = this.#connection();
    return new Promise((resolve, reject) => {
      const req = https.request(`${conn.controlUrl}/${name}`, { method, ca: conn.caCert, headers: { "content-type": "application/json" } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if ((res.statusCode ?? 0) >= 300) reject(new Error(`control ${method} ${name}: ${res.statusCode} ${text}`));
          else resolve(JSON.parse(text) as T);
        });
      });
      req.on("error", reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  requests(): Promise<LoggedRequest[]> {
    return this.control("GET", "requests");
  }

  resources(): Promise<{ id: string; type: string; name: string; body: Json }[]> {
    return this.control("GET", "resources");
  }
}
