// `npm run sandbox:host -- --app <dir> [--port N] [--data-dir D] [--scale N]`: the Functions host alone,
// like `func start` in the app's directory.
import path from "node:path";
import { parseArgs } from "node:util";
import { Clock } from "../arm/clock.js";
import { describeHost } from "./banner.js";
import { startHost } from "./index.js";
import { runCli } from "../cli.js";

async function main() {
  const { values } = parseArgs({
    options: {
      app: { type: "string", default: process.cwd() },
      port: { type: "string", default: "7071" },
      "data-dir": { type: "string" },
      scale: { type: "string" },
    },
  });
  const port = Number(values.port);
  const scale = values.scale === undefined ? Number(process.env.SANDBOX_TIME_SCALE ?? 1) : Number(values.scale);
  if (!Number.isInteger(port) || port < 0) throw new Error(`--port must be a port number, not "${values.port}"`);
  if (!(scale > 0)) throw new Error("--scale must be a positive number");
  const host = await startHost({
    appDir: path.resolve(values.app),
    port,
    dataDir: values["data-dir"] ?? path.join(process.cwd(), ".sandbox"),
    clock: new Clock({ scale }),
  });
  for (const line of describeHost(host)) console.log(line);
  return host;
}

runCli(main);
