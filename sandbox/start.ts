// `npm start`: the ARM simulator and the Functions host running this repo's app, on one clock running
// SANDBOX_TIME_SCALE (default 60) times faster than real time, with state under `.sandbox/`.
import path from "node:path";
import { parseArgs } from "node:util";
import { describeHost } from "./host/banner.js";
import { runMainJob } from "./main-job.js";
import { runCli } from "./cli.js";
import { startSandbox, type Sandbox } from "./sandbox.js";

function banner(sandbox: Sandbox, dataDir: string): string[] {
  const { host, arm } = sandbox;
  return [
    ...describeHost(host),
    `ARM simulator   ${arm.endpoint}   (control: ${arm.controlUrl})`,
    `Clock           ${sandbox.clock.date().toISOString()} at ${sandbox.clock.scale}x`,
    `Keys            master ${host.keys.masterKey}`,
    `                function ${host.keys.functionKey}`,
    `                durable system ${host.keys.systemKey}`,
    `Connection facts in ${path.join(dataDir, "host.json")} and ${path.join(dataDir, "arm.json")}`,
    "",
    "Try:",
    `  curl -s -H "x-functions-key: ${host.keys.masterKey}" ${host.baseUrl}/admin/host/status`,
    `  curl -s "${host.baseUrl}/runtime/webhooks/durabletask/instances?code=${host.keys.systemKey}"`,
    "",
  ];
}

async function main() {
  const { values } = parseArgs({
    options: {
      app: { type: "string", default: process.cwd() },
      port: { type: "string", default: process.env.SANDBOX_PORT ?? "7071" },
      "data-dir": { type: "string", default: process.env.SANDBOX_DATA_DIR ?? path.join(process.cwd(), ".sandbox") },
      // the main job: a build of this image (a definition in images/); --no-build just serves
      image: { type: "string", default: "win2019-gallery" },
      "no-build": { type: "boolean", default: false },
    },
  });
  const scale = Number(process.env.SANDBOX_TIME_SCALE ?? 60);
  if (!(scale > 0)) throw new Error(`SANDBOX_TIME_SCALE must be a positive number, not "${process.env.SANDBOX_TIME_SCALE}"`);
  const dataDir = path.resolve(values["data-dir"]);
  const sandbox = await startSandbox({ appDir: path.resolve(values.app), dataDir, port: Number(values.port), scale });
  for (const line of banner(sandbox, dataDir)) console.log(line);
  const mainJob = values["no-build"] ? undefined : values.image;
  return { sandbox, mainJob, close: () => sandbox.close() };
}

runCli(main, async ({ sandbox, mainJob }) => {
  if (mainJob) await runMainJob({ baseUrl: sandbox.host.baseUrl, functionKey: sandbox.host.keys.functionKey, image: mainJob, print: console.log });
  console.log("The sandbox keeps running; Ctrl+C stops it (its state stays in .sandbox/).");
});
