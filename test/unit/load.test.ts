import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { listImageNames, loadDefinition } from "../../src/images/load.js";

const SUB = "11111111-2222-3333-4444-555555555555";
const repoImages = join(__dirname, "../../images");
let dir: string;

beforeAll(() => {
  const root = mkdtempSync(join(tmpdir(), "h7-images-"));
  dir = join(root, "images");
  mkdirSync(dir);
  const sample = readFileSync(join(repoImages, "win2019-gallery.json"), "utf8");
  writeFileSync(join(dir, "win2019-gallery.json"), sample);
  writeFileSync(join(dir, "renamed.json"), sample);
  writeFileSync(join(dir, "broken.json"), "{ not json");
  writeFileSync(join(root, "secret.json"), sample);
  symlinkSync(join(root, "secret.json"), join(dir, "link.json"));
});

describe("loadDefinition", () => {
  it("loads and validates the repository's definition", async () => {
    const r = await loadDefinition("win2019-gallery", { dir: repoImages, defaultSubscriptionId: SUB });
    expect(r.ok && r.definition.gallery.name).toBe("myIBSIG");
  });

  it.each(["../secret", "..", "a/b", "A", "win2019-gallery.json", "%2e%2e", "", "x".repeat(41), "-x"])(
    "refuses the name %j before touching the filesystem",
    async (name) => {
      expect(await loadDefinition(name, { dir, defaultSubscriptionId: SUB })).toMatchObject({ ok: false, reason: "invalidName" });
    },
  );

  it("refuses non-string names", async () => {
    expect(await loadDefinition(42, { dir })).toMatchObject({ ok: false, reason: "invalidName" });
  });

  it("tells a missing image, bad JSON, a symlink and a name mismatch apart", async () => {
    expect(await loadDefinition("nope", { dir })).toMatchObject({ ok: false, reason: "notFound" });
    expect(await loadDefinition("link", { dir })).toMatchObject({ ok: false, reason: "notFound" });
    expect(await loadDefinition("broken", { dir })).toMatchObject({ ok: false, reason: "invalidJson" });
    expect(await loadDefinition("renamed", { dir, defaultSubscriptionId: SUB })).toEqual({
      ok: false,
      reason: "invalidDefinition",
      errors: [{ path: "name", message: "must equal the file name (renamed)" }],
    });
  });

  it("lists the images of a folder, skipping the schema file", async () => {
    writeFileSync(join(dir, "image.schema.json"), "{}");
    expect(await listImageNames(dir)).toEqual(["broken", "renamed", "win2019-gallery"]);
  });
});
