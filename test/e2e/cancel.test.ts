// Issue 4: a cancel that arrives while a step is running (not while the build waits) still ends the
// build canceled at its next wait. Regression: durable-functions hands an event to the newest open wait
// of its name, which was an abandoned wait of an earlier sleep, so such a cancel was lost and the build
// ran to the end. Issue 5: a cancel in each phase of the Azure run cancels Azure's build, ends the
// orchestration canceled, and a cleanup then removes the template and its staging group.
import { afterAll, beforeAll, expect, test } from "vitest";
import { IMAGE, definitionFor, leftovers, startE2e, type E2e } from "./harness.js";

const MIN = 60_000;
let e2e: E2e;

beforeAll(async () => {
  // Phases long enough (in simulated time) for the build's own polls to see each of them.
  e2e = await startE2e({ scenario: { build: { queuedMs: MIN, buildingMs: 30 * MIN, customizingMs: 30 * MIN, distributingMs: 30 * MIN } } });
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

test.each(["Building", "Customizing", "Distributing"])("a cancel while Azure is %s cancels the run; cleanup then removes the template", async (phase) => {
  const name = `cancel-${phase.toLowerCase()}`;
  const id = (await e2e.api("POST", "builds", { definition: definitionFor(name) })).body.id as string;
  await e2e.waitFor(id, (s) => s.runSubState === phase);
  expect((await e2e.api("POST", `builds/${id}/cancel`)).status).toBe(202);

  const summary = await e2e.waitFor(id, (s) => s.outcome !== "running");
  expect(summary).toMatchObject({ outcome: "canceled", phase: "canceled" });
  const template = await e2e.clients().imageBuilder.virtualMachineImageTemplates.get(`rg-${name}`, summary.templateName as string);
  expect(template.lastRunStatus?.runState).toBe("Canceled");

  const cleanup = await e2e.api("POST", `images/${name}/cleanup`, { scope: "template" });
  expect(cleanup.status).toBe(202);
  expect(await e2e.waitForInstance(cleanup.body.id as string)).toMatchObject({ runtimeStatus: "Completed" });
  // The image's group and AIB's staging group for its template (IT_<group>_<template>_<guid>).
  const mine = (await e2e.resources()).filter((r) => new RegExp(`/resourcegroups/(IT_)?rg-${name}[/_]`, "i").test(r.id));
  expect(mine.filter((r) => /imageTemplates$/i.test(r.type ?? ""))).toEqual([]);
  expect(leftovers(mine)).toEqual([]);
});

test("a cancel during the boot check ends the build canceled once the running step is done, with the VM and its network deleted", async () => {
  const name = "cancel-verify";
  const definition = definitionFor(name, { verification: { enabled: true, region: "eastus", paths: ["C:\\buildActions"] } });
  const id = (await e2e.api("POST", "builds", { definition })).body.id as string;
  await e2e.waitFor(id, (s) => s.phase === "verifyImageBoots");
  expect((await e2e.api("POST", `builds/${id}/cancel`)).status).toBe(202);

  const summary = await e2e.waitFor(id, (s) => s.outcome !== "running");
  expect(summary).toMatchObject({ outcome: "canceled", phase: "canceled" });
  const mine = (await e2e.resources()).filter((r) => new RegExp(`/resourcegroups/(IT_)?rg-${name}[/_]`, "i").test(r.id));
  // The version was published before the cancel; nothing of the boot check is left.
  expect(mine.filter((r) => /galleries\/images\/versions$/i.test(r.type ?? ""))).toHaveLength(1);
  expect(leftovers(mine, [summary.templateName as string])).toEqual([]);
});
