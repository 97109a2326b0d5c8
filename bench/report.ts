// The bench's table: one row per figure, with its target and whether it was met.
import type { FanoutResult } from "./fanout.js";
import type { LoadTimeResult } from "./load-time.js";
import type { PipelineResult, ReplayProfile } from "./pipeline.js";

export interface BenchResults {
  startedAt: string;
  node: string;
  loadTime?: LoadTimeResult;
  pipeline60?: PipelineResult;
  pipeline16h?: PipelineResult;
  fanouts: FanoutResult[];
  errors: Record<string, string>;
}

export type Row = [metric: string, measured: string, target: string, met: string];

const yes = (ok: boolean) => (ok ? "yes" : "NO");
const r1 = (n: number) => (Math.round(n * 10) / 10).toString();
const ms = (n: number) => `${n.toFixed(2)} ms`;

function historyText(p: PipelineResult): string {
  return Object.entries(p.work.byName)
    .map(([name, w]) => `${name} ${w.maxHistory}`)
    .join(", ");
}

function replayText(p: ReplayProfile): string {
  return `${p.instanceId}: ${ms(p.firstMs)} → ${ms(p.lastMs)} (×${p.ratio.toFixed(2)}; history ${p.firstHistory} → ${p.lastHistory}, ${p.episodes} episodes)`;
}

/** The request budget is set for the how-to's 60-minute build; longer builds are shown for scale. */
function pipelineRows(p: PipelineResult, budgeted: boolean): Row[] {
  const minutes = r1(p.run.minutes);
  return [
    [`Build of the how-to's image (${p.case.label})`, `${p.outcome} in ${r1(p.wallSeconds)} s wall (clock ×${p.case.scale})`, "succeeded", yes(p.outcome === "succeeded")],
    [
      `ARM requests, whole pipeline (${p.case.label})`,
      `${p.arm.total} (${p.arm.reads} reads, ${p.arm.writes} writes)`,
      budgeted ? "≤ 60" : "",
      budgeted ? yes(p.arm.total <= 60) : "",
    ],
    [`  before / during / after the run`, `${p.arm.byStage.beforeRun} / ${p.arm.byStage.duringRun} / ${p.arm.byStage.afterRun}`, "", ""],
    [`  reads while the run was going (${minutes} sim min)`, `${p.arm.readsDuringRun}`, "", ""],
    [`  same run polled every 30 s (az image builder wait)`, `${p.polling.every30s} reads (computed: ${minutes} min / 30 s)`, "", ""],
    [`  same run polled every 15 s (GitHub Action)`, `${p.polling.every15s} reads (computed: ${minutes} min / 15 s)`, "", ""],
    [
      `  build end noticed after`,
      `${p.noticeMinutes.toFixed(2)} sim min (status reads around the end ${p.finalPollGapMinutes.toFixed(2)} min apart)`,
      "≤ 2",
      yes(p.noticeMinutes <= 2),
    ],
    [`Function executions (${p.case.label})`, `${p.work.episodes} orchestrator episodes + ${p.work.activities} activities (${p.work.instances} instances, ${p.work.timers} timers)`, "", ""],
    [`History events, largest generation (${p.case.label})`, historyText(p), "bounded", ""],
  ];
}

export function rows(results: BenchResults): Row[] {
  const out: Row[] = [];
  const { pipeline60: p60, pipeline16h: p16, loadTime } = results;
  if (p60) out.push(...pipelineRows(p60, true));
  if (p16) out.push(...pipelineRows(p16, false));
  if (p60 && p16) {
    const bounded = p16.work.maxHistory <= 2 * p60.work.maxHistory;
    out.push([`History, 16-h vs 60-min build (max per instance)`, `${p16.work.maxHistory} vs ${p60.work.maxHistory}`, "same order", yes(bounded)]);
  }
  if (p16) {
    const [root, ...others] = p16.replay;
    out.push([`Replay per episode, first ${5} vs last ${5} (16-h)`, replayText(root), "< 1.5", yes(root.ratio < 1.5)]);
    for (const o of others) out.push([`  busiest instance`, replayText(o), "< 1.5", yes(o.ratio < 1.5)]);
  }
  if (loadTime) {
    out.push([
      `App load via loadApp, median of ${loadTime.runs} fresh processes`,
      `${r1(loadTime.app.medianMs)} ms (${loadTime.app.functions} functions) vs minimal ${r1(loadTime.minimal.medianMs)} ms: ×${loadTime.ratio.toFixed(2)}`,
      "≤ 1.5",
      yes(loadTime.ratio <= 1.5),
    ]);
    out.push([
      `  of which importing the Azure SDKs (${loadTime.sdkImport.packages.length} packages)`,
      `${r1(loadTime.sdkImport.medianMs)} ms; the rest ×${loadTime.ratioWithoutSdks.toFixed(2)} the minimal app`,
      "",
      "",
    ]);
  }
  for (const f of results.fanouts) out.push(...fanoutRows(f));
  for (const [what, error] of Object.entries(results.errors)) out.push([`${what} FAILED`, error.split("\n")[0], "", "NO"]);
  return out;
}

function fanoutRows(f: FanoutResult): Row[] {
  const n = f.case.images;
  const outcomes = Object.entries(f.outcomes).map(([k, v]) => `${v} ${k}`).join(", ");
  const peakKinds = Object.entries(f.peakSecond.byKind)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([k, v]) => `${v} ${k}`)
    .join(", ");
  return [
    [`Nightly fan-out of ${n} images (${f.case.label})`, `${f.completed}/${n} ended (${outcomes}) in ${r1(f.wallSeconds)} s wall`, "all complete", yes(f.outcomes.succeeded === n)],
    [`  peak ARM reads in one real second (clock ×${f.case.scale})`, `${f.peakReadsPerRealSecond} (second ${f.peakSecond.startsAtRealSecond}: ${peakKinds})`, "< 20", yes(f.peakReadsPerRealSecond < 20)],
    [`  busiest simulated minute, as reads per second`, r1(f.peakReadsPerSecondSimulated), "", ""],
    [`  work`, `${f.armReads} reads, ${f.armWrites} writes, ${f.episodes} episodes, ${f.activities} activities`, "", ""],
  ];
}

export function formatTable(table: Row[]): string {
  const header: Row = ["Metric", "Measured", "Target", "Met"];
  const all = [header, ...table];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r: Row) => r.map((c, i) => c.padEnd(widths[i])).join(" | ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("-|-"), ...table.map(line)].join("\n");
}
