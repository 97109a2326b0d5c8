// One measurement in its own process (the worker seam hosts one app per process):
//   child.js load <appDir>                 prints a LoadSample as JSON
//   child.js pipeline|fanout <case> <out>  writes the result JSON to <out>
import { writeFileSync } from "node:fs";
import { runFanout, type FanoutCase } from "./fanout.js";
import { measureLoad } from "./load-time.js";
import { runPipeline, type PipelineCase } from "./pipeline.js";

async function main(): Promise<void> {
  const [kind, arg, out] = process.argv.slice(2);
  if (kind === "load") {
    process.stdout.write(`${JSON.stringify(await measureLoad(arg))}\n`);
    return;
  }
  const input: unknown = JSON.parse(arg);
  const result = kind === "pipeline" ? await runPipeline(input as PipelineCase) : kind === "fanout" ? await runFanout(input as FanoutCase) : undefined;
  if (result === undefined) throw new Error(`unknown measurement ${kind}`);
  writeFileSync(out, JSON.stringify(result, null, 2));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
