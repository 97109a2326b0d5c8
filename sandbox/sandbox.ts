// The whole sandbox on one simulated clock: the ARM simulator first, then the Functions host running
// an app with app settings that point it at the simulator, as a deployed app's settings point it at
// Azure. State lives in the data directory and survives restarts, the clock included.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Clock, type ClockSnapshot } from "./arm/clock.js";
import { startArmSimulator, type ArmSimulator } from "./arm/index.js";
import { startHost, type RunningHost } from "./host/index.js";

export interface SandboxOptions {
  appDir: string;
  dataDir: string;
  /** the Functions host's port (7071 as func; 0 picks one) */
  port: number;
  /** simulated ms per real ms */
  scale: number;
  print?: (line: string) => void;
}

export interface Sandbox {
  arm: ArmSimulator;
  host: RunningHost;
  clock: Clock;
  close(): Promise<void>;
}

/** How often the clock snapshot is written while running, so a crash loses little simulated time. */
const CLOCK_SAVE_INTERVAL_MS = 5_000;

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const clockFile = path.join(options.dataDir, "clock.json");
  const clock = new Clock({ scale: options.scale });
  if (existsSync(clockFile)) clock.restore(JSON.parse(readFileSync(clockFile, "utf8")) as ClockSnapshot);
  const arm = await startArmSimulator({
    dataDir: options.dataDir,
    stateFile: path.join(options.dataDir, "arm-state.json"),
    clock,
    scale: options.scale,
    writeConnectionFile: true,
  });
  // Written then renamed, so a SIGKILL mid-write never leaves a clock file the next start cannot read.
  const saveClock = (): void => {
    writeFileSync(`${clockFile}.tmp`, `${JSON.stringify(clock.snapshot())}\n`);
    renameSync(`${clockFile}.tmp`, clockFile);
  };
  saveClock();
  clock.on("changed", saveClock);
  const interval = setInterval(saveClock, CLOCK_SAVE_INTERVAL_MS);
  interval.unref();

  let host: RunningHost;
  try {
    host = await startHost({
      appDir: options.appDir,
      port: options.port,
      dataDir: options.dataDir,
      clock,
      print: options.print,
      settings: {
        ARM_ENDPOINT: arm.endpoint,
        ARM_CA_CERT_PATH: arm.caCertPath,
        IDENTITY_ENDPOINT: arm.identityEndpoint,
        IDENTITY_HEADER: arm.identityHeader,
        AZURE_SUBSCRIPTION_ID: arm.subscriptionId,
        AZURE_TENANT_ID: arm.tenantId,
      },
    });
  } catch (err) {
    clearInterval(interval);
    await arm.close();
    throw err;
  }
  writeFileSync(
    path.join(options.dataDir, "host.json"),
    `${JSON.stringify({ baseUrl: host.baseUrl, ...host.keys, taskHub: host.runtime.hubName, pid: process.pid, armEndpoint: arm.endpoint, armControlUrl: arm.controlUrl }, null, 2)}\n`,
    { mode: 0o600 },
  );
  return {
    arm,
    host,
    clock,
    async close() {
      clearInterval(interval);
      clock.off("changed", saveClock);
      saveClock();
      await host.close();
      await arm.close();
    },
  };
}
