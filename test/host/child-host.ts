// Runs the compiled host CLI (`dist/sandbox/host/main.js`, built by `npm run build`) on an app, as a
// child process, and hands back its URL, keys and console output.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

const repo = path.resolve(__dirname, "../..");
const mainJs = path.join(repo, "dist/sandbox/host/main.js");

export interface ChildHost {
  baseUrl: string;
  keys: { masterKey: string; functionKey: string; systemKey: string };
  output(): string;
  stop(): Promise<void>;
}

export async function startChildHost(appDir: string, dataDir: string, args: string[] = []): Promise<ChildHost> {
  if (!existsSync(mainJs)) throw new Error(`${mainJs} is missing: run \`npm run build\` first`);
  const child: ChildProcess = spawn(process.execPath, [mainJs, "--app", appDir, "--port", "0", "--data-dir", dataDir, ...args], {
    cwd: repo,
    // A clean environment: settings an in-process host put into process.env must not leak in.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const onData = (): void => {
      const m = /Host (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]);
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`host exited with ${code}:\n${out}`)));
  });
  const keys = JSON.parse(readFileSync(path.join(dataDir, "keys.json"), "utf8")) as ChildHost["keys"];
  return {
    baseUrl,
    keys,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
