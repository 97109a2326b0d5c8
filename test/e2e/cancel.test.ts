// Issue 4: a cancel that arrives while a step is running (not while the build waits) still ends the
// build canceled at its next wait. Regression: durable-functions hands an event to the newest open wait
// of its name, which was an abandoned wait of an earlier sleep, so such a cancel was lost and the build
// ran to the end. (A cancel during the Azure run is in build-pipeline.test.ts.)
import { afterAll, beforeAll, expect, test } from "vitest";
import { IMAGE, startE2e, type E2e } from "./harness.js";

let e2e: E2e;

beforeAll(async () => {
  e2e = await startE2e();
});
afterAll(async () => {
  await e2e?.close();
});

test("a cancel during a step, after the build has already slept once, cancels it before the Azure run", async () => {
  const id = (await e2e.api("POST", "builds", { image: IMAGE })).body.id as string;
  // Provider registration sleeps at least once (Microsoft.VirtualMachineImages starts unregistered);
  // the gallery step is one long-running Azure operation, with no wait of the build's own.
  const during = await e2e.waitFor(id, (s) => s.phase === "ensureGallery");
  expect((during.phases as { phase: string }[]).map((p) => p.phase)).toContain("registerProviders");
  expect((await e2e.api("POST", `builds/${id}/cancel`)).status).toBe(202);

  const summary = await e2e.waitFor(id, (s) => s.outcome !== "running");
  expect(summary).toMatchObject({ outcome: "canceled", phase: "canceled" });
  const phases = (summary.phases as { phase: string }[]).map((p) => p.phase);
  expect(phases.slice(-2)).toEqual(["canceling", "canceled"]);
  expect(phases).not.toContain("runImageBuild");
  // Azure never got a run, so no image version exists.
  const log = await e2e.requests();
  expect(log.filter((r) => r.method === "POST" && /\/imageTemplates\/[^/]+\/run$/i.test(r.path))).toEqual([]);
  expect((await e2e.resources()).filter((r) => /galleries\/images\/versions$/i.test(r.type ?? ""))).toEqual([]);
});
