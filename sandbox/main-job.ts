// The job `npm start` runs once the sandbox is up: build one image through the app's own HTTP API, as a
// user would with curl, and follow its summary until it ends, printing each phase as it passes.
const FOLLOW_INTERVAL_MS = 1_000;
/** A build that has not ended after this long (real time) is left running; its URL is printed. */
const FOLLOW_LIMIT_MS = 30 * 60_000;

interface Summary {
  id?: string;
  phase?: string;
  outcome?: string;
  runState?: string;
  runSubState?: string;
  imageVersionId?: string;
  regions?: { region: string; state: string }[];
  verificationPassed?: boolean;
  error?: unknown;
  lastUpdatedTime?: string;
}

export interface MainJobOptions {
  baseUrl: string;
  functionKey: string;
  image: string;
  print: (line: string) => void;
}

/** Starts a build of `image` (or follows the one already running) and resolves with its final summary. */
export async function runMainJob(options: MainJobOptions): Promise<Summary | undefined> {
  const { baseUrl, functionKey, image, print } = options;
  const call = async (method: string, route: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}/api/${route}`, {
      method,
      headers: { "x-functions-key": functionKey, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
  };

  const started = await call("POST", "builds", { image });
  if (started.status !== 202 && started.status !== 409) {
    print(`Could not start a build of ${image} (${started.status}): ${JSON.stringify(started.body)}`);
    return undefined;
  }
  const id = String(started.body.id);
  print(started.status === 202 ? `Started build ${id} of images/${image}.json.` : `A build of ${image} is already running: following ${id}.`);
  print(`  summary:  curl -s -H "x-functions-key: ${functionKey}" ${baseUrl}/api/builds/${id}`);
  print("");

  let last = "";
  const deadline = Date.now() + FOLLOW_LIMIT_MS;
  while (Date.now() < deadline) {
    const { body } = await call("GET", `builds/${id}`);
    const summary = body as Summary;
    const line = [summary.phase, summary.runState && `${summary.runState}/${summary.runSubState ?? ""}`].filter(Boolean).join("  ");
    if (line && line !== last) {
      print(`  ${summary.lastUpdatedTime ?? ""}  ${line}`);
      last = line;
    }
    if (summary.outcome && summary.outcome !== "running") {
      report(summary, print);
      return summary;
    }
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_INTERVAL_MS));
  }
  print(`Build ${id} is still running; follow it with the summary URL above.`);
  return undefined;
}

function report(summary: Summary, print: (line: string) => void): void {
  print("");
  print(`Build ${summary.id}: ${summary.outcome}`);
  if (summary.imageVersionId) print(`  image version  ${summary.imageVersionId}`);
  for (const r of summary.regions ?? []) print(`  ${r.region.padEnd(14)} ${r.state}`);
  if (summary.verificationPassed !== undefined) print(`  boot check     ${summary.verificationPassed ? "passed" : "failed"}`);
  if (summary.error) print(`  error          ${JSON.stringify(summary.error)}`);
  print("");
}
