// `npm run sandbox:arm`: the ARM simulator on its own, persisted under `.sandbox/`, with its connection
// facts in `.sandbox/arm.json` for the Functions host and for developers' tools.
import { join } from "node:path";
import { startArmSimulator } from "./index.js";
import { runCli } from "../cli.js";

async function main() {
  const dataDir = process.env.SANDBOX_DATA_DIR ?? join(process.cwd(), ".sandbox");
  const arm = await startArmSimulator({
    port: Number(process.env.SANDBOX_ARM_PORT ?? 0),
    dataDir,
    stateFile: join(dataDir, "arm-state.json"),
    writeConnectionFile: true,
  });
  console.log(`ARM simulator at ${arm.endpoint} (control ${arm.controlUrl}); connection facts in ${join(dataDir, "arm.json")}`);
  return arm;
}

runCli(main);
