// Issue 4: the nightly timer, fired through the host's admin API as an operator would, starts a build of
// every image marked nightly, skips one that is still building and the ones not marked, and never starts
// the same image twice in one night.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { IMAGE, repo, sleep, startE2e, type E2e } from "./harness.js";

/** Copies of the how-to's image, each in its own resource group; only `manual` is not nightly. */
const IMAGES = { busy: true, fresh: true, manual: false };

let e2e: E2e;
let imagesDir: string;
const lines: string[] = [];

beforeAll(async () => {
  imagesDir = mkdtempSync(path.join(tmpdir(), "e2e-nightly-images-"));
  const howTo = JSON.parse(readFileSync(path.join(repo, "images", `${IMAGE}.json`), "utf8")) as Record<string, unknown>;
  cpSync(path.join(repo, "images", "image.schema.json"), path.join(imagesDir, "image.schema.json"));
  for (const [name, nightly] of Object.entries(IMAGES)) {
    writeFileSync(path.join(imagesDir, `${name}.json`), JSON.stringify({ ...howTo, name, resourceGroup: `rg-${name}`, nightly }));
  }
  // Only the admin runs below may fire the timer: its schedule never comes due while the fast clock runs.
  process.env.NIGHTLY_SCHEDULE = "0 0 2 29 2 *";
  e2e = await startE2e({ print: (line) => lines.push(line) });
  // The app reads IMAGES_DIR on every request, so pointing it elsewhere after the start is enough.
  process.env.IMAGES_DIR = imagesDir;
});
afterAll(async () => {
  await e2e?.close();
  rmSync(imagesDir, { recursive: true, force: true });
});

/** Fires the timer through the admin API and waits for the lines it logs about each nightly image. */
async function fireNightly(): Promise<string[]> {
  const from = lines.length;
  const res = await fetch(`${e2e.host.baseUrl}/admin/functions/nightlyBuilds`, {
    method: "POST",
    headers: { "x-functions-key": e2e.host.keys.masterKey, "content-type": "application/json" },
    body: JSON.stringify({ input: "" }),
  });
  expect(res.status).toBe(202);
  for (let i = 0; i < 300; i++) {
    const said = lines.slice(from).filter((l) => /nightly: (started|skipped)/.test(l));
    if (said.length === 2) return said;
    await sleep(20);
  }
  throw new Error(`the nightly run did not report on both nightly images: ${lines.slice(from).join("\n")}`);
}

async function buildIds(): Promise<string[]> {
  const builds = (await e2e.api("GET", "builds")).body.builds as { id: string }[];
  return builds.map((b) => b.id).sort();
}

async function cancel(id: string): Promise<void> {
  expect((await e2e.api("POST", `builds/${id}/cancel`)).status).toBe(202);
  expect(await e2e.waitFor(id, (s) => s.outcome !== "running")).toMatchObject({ outcome: "canceled" });
}

test("the nightly timer builds the nightly images, skips one still building, and starts nothing twice a night", async () => {
  // The timer needs the master key, like every admin call.
  const refused = await fetch(`${e2e.host.baseUrl}/admin/functions/nightlyBuilds`, { method: "POST", headers: { "x-functions-key": e2e.host.keys.functionKey } });
  expect(refused.status).toBe(401);

  const manual = await e2e.api("POST", "builds", { image: "busy" });
  expect(manual.status).toBe(202);
  expect(manual.body.id).toBe("build-busy-1");

  const first = await fireNightly();
  expect(first).toEqual([
    expect.stringMatching(/nightly: skipped busy: still building \(build-busy-1\)/),
    expect.stringMatching(/nightly: started nightly-fresh-\d{8}$/),
  ]);
  const freshId = /nightly-fresh-\d{8}/.exec(first[1])![0];
  expect(await buildIds()).toEqual(["build-busy-1", freshId]);
  const running = (await e2e.api("GET", "builds")).body.builds as { id: string; image: string; outcome: string }[];
  expect(running.find((b) => b.id === freshId)).toMatchObject({ image: "fresh", outcome: "running" });

  // Both stop; the same night, the timer builds the image it skipped and not the one it already built.
  await cancel("build-busy-1");
  await cancel(freshId);
  const second = await fireNightly();
  expect(second).toEqual([
    expect.stringMatching(/nightly: started nightly-busy-\d{8}$/),
    expect.stringMatching(new RegExp(`nightly: skipped fresh: ${freshId} already ran`)),
  ]);
  const busyId = /nightly-busy-\d{8}/.exec(second[0])![0];
  expect(await buildIds()).toEqual(["build-busy-1", busyId, freshId].sort());
  await cancel(busyId);
});
