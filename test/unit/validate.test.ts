import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkLayerLimit, sourceGeneralizations, validateDefinition } from "../../src/images/validate.js";
import type { FieldError } from "../../src/images/types.js";

const SUB = "11111111-2222-3333-4444-555555555555";
const sample = (): Record<string, unknown> => JSON.parse(readFileSync(join(__dirname, "../../images/win2019-gallery.json"), "utf8"));

// Tests write deliberately wrong values into definitions, so the draft is untyped on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Draft = any;

/** The sample with a change applied. */
function variant(change: (d: Draft) => void): Record<string, unknown> {
  const d = sample();
  change(d);
  return d;
}

function errorsOf(input: unknown): FieldError[] {
  const r = validateDefinition(input, { defaultSubscriptionId: SUB });
  if (r.ok) throw new Error("expected the definition to be refused");
  return r.errors;
}
const paths = (input: unknown) => errorsOf(input).map((e) => e.path);

describe("validateDefinition", () => {
  it("accepts the how-to's definition and fills in the default subscription", () => {
    const r = validateDefinition(sample(), { defaultSubscriptionId: SUB });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.definition.subscriptionId).toBe(SUB);
    expect(r.definition.gallery.hyperVGeneration).toBe("V1");
    expect(r.definition.customizers.map((c) => c.type)).toEqual(["PowerShell", "WindowsRestart", "File", "PowerShell", "WindowsUpdate"]);
  });

  it("needs a subscription from the definition or the app setting", () => {
    const r = validateDefinition(sample());
    expect(r).toEqual({ ok: false, errors: [{ path: "subscriptionId", message: expect.stringContaining("AZURE_SUBSCRIPTION_ID") }] });
    expect(validateDefinition(variant((d) => (d.subscriptionId = SUB))).ok).toBe(true);
    expect(paths(variant((d) => (d.subscriptionId = "not-a-guid")))).toEqual(["subscriptionId"]);
  });

  it("lists every problem at once, by field path", () => {
    const bad = variant((d) => {
      d.resourceGroup = "rg.";
      d.gallery.name = "my-gallery";
      d.gallery.imageDefinition = "-def";
      d.runOutputName = "out put";
      d.location = "west-us";
      d.buildTimeoutInMinutes = 5;
      d.customizers[0].scriptUri = "http://example.com/x.ps1";
      d.customizers[0].sha256Checksum = "abc";
      d.nightly = "yes";
    });
    expect(paths(bad).sort()).toEqual(
      [
        "buildTimeoutInMinutes", "customizers[0].scriptUri", "customizers[0].sha256Checksum", "gallery.imageDefinition",
        "gallery.name", "location", "nightly", "resourceGroup", "runOutputName",
      ].sort(),
    );
  });

  it.each([
    ["resource group ending in a dot", (d: Draft) => (d.resourceGroup = "aib."), "resourceGroup"],
    ["resource group too long", (d: Draft) => (d.resourceGroup = "r".repeat(91)), "resourceGroup"],
    ["gallery with a dash", (d: Draft) => (d.gallery.name = "my-gallery"), "gallery.name"],
    ["image definition of one character", (d: Draft) => (d.gallery.imageDefinition = "a"), "gallery.imageDefinition"],
    ["run output name with a slash", (d: Draft) => (d.runOutputName = "a/b"), "runOutputName"],
    ["timeout below 6", (d: Draft) => (d.buildTimeoutInMinutes = 5), "buildTimeoutInMinutes"],
    ["timeout above 960", (d: Draft) => (d.buildTimeoutInMinutes = 961), "buildTimeoutInMinutes"],
    ["fractional timeout", (d: Draft) => (d.buildTimeoutInMinutes = 100.5), "buildTimeoutInMinutes"],
    ["sha256 of 63 characters", (d: Draft) => (d.customizers[0].sha256Checksum = "a".repeat(63)), "customizers[0].sha256Checksum"],
    ["File sourceUri not https", (d: Draft) => (d.customizers[2].sourceUri = "ftp://x/y"), "customizers[2].sourceUri"],
    ["replica region unknown", (d: Draft) => d.replicationRegions.push("moon"), "replicationRegions[2]"],
    ["duplicate replica region", (d: Draft) => d.replicationRegions.push("eastus"), "replicationRegions[2]"],
    ["bad restart timeout", (d: Draft) => (d.customizers[1].restartTimeout = "five minutes"), "customizers[1].restartTimeout"],
    ["unknown customizer type", (d: Draft) => (d.customizers[1].type = "Shell"), "customizers[1].type"],
    ["name with capitals", (d: Draft) => (d.name = "Win2019"), "name"],
  ])("refuses a %s", (_title, change, path) => {
    expect(paths(variant(change))).toEqual([path]);
  });

  it("refuses a PowerShell customizer with both inline and scriptUri, and with neither", () => {
    const both = errorsOf(variant((d) => (d.customizers[0].inline = ["echo hi"])));
    expect(both).toEqual([{ path: "customizers[0]", message: "inline and scriptUri are mutually exclusive: give only one" }]);
    const neither = errorsOf(variant((d) => delete d.customizers[3].inline));
    expect(neither).toEqual([{ path: "customizers[3]", message: "needs one of inline or scriptUri" }]);
  });

  it("refuses a checksum without scriptUri and runAsSystem without runElevated", () => {
    expect(paths(variant((d) => (d.customizers[3].sha256Checksum = "a".repeat(64))))).toEqual(["customizers[3].sha256Checksum"]);
    expect(paths(variant((d) => Object.assign(d.customizers[3], { runElevated: false, runAsSystem: true })))).toEqual(["customizers[3].runAsSystem"]);
  });

  it("refuses a Gen1 marketplace SKU for a V2 definition and a Gen2 SKU for V1", () => {
    const gen1on2 = errorsOf(variant((d) => (d.gallery.hyperVGeneration = "V2")));
    expect(gen1on2).toEqual([{ path: "source.sku", message: "2019-Datacenter is a Gen1 (V1) image but gallery.hyperVGeneration is V2" }]);
    expect(paths(variant((d) => (d.source.sku = "2022-datacenter-g2")))).toEqual(["source.sku"]);
    expect(validateDefinition(variant((d) => Object.assign(d.source, { sku: "2022-datacenter-azure-edition" }) && (d.gallery.hyperVGeneration = "V2")), { defaultSubscriptionId: SUB }).ok).toBe(true);
    // Unknown SKUs are judged by their Gen2 suffix.
    expect(paths(variant((d) => (d.source.sku = "custom-sku-gen2")))).toEqual(["source.sku"]);
    expect(validateDefinition(variant((d) => (d.source.sku = "custom-sku")), { defaultSubscriptionId: SUB }).ok).toBe(true);
  });

  it("wants the gallery's region among the replication regions, and verification where the version is", () => {
    expect(errorsOf(variant((d) => (d.replicationRegions = ["eastus"])))).toEqual([
      { path: "replicationRegions", message: "must include the gallery's region (location = westus)" },
    ]);
    expect(paths(variant((d) => (d.verification.region = "westeurope")))).toEqual(["verification.region"]);
    expect(paths(variant((d) => (d.verification = { enabled: true })))).toEqual(["verification"]);
    expect(validateDefinition(variant((d) => (d.verification = { enabled: false, region: "westeurope" })), { defaultSubscriptionId: SUB }).ok).toBe(true);
  });

  it("refuses unknown fields at every level, naming the case-sensitive intended one", () => {
    const errors = errorsOf(
      variant((d) => {
        d.extra = 1;
        d.gallery.Name = "x";
        d.source.planInfo = {};
        d.customizers[4].updatelimit = 3;
        d.buildVm.vmSize = "Standard_D2_v2";
        d.verification.timeout = 3;
      }),
    );
    expect(errors.map((e) => e.path).sort()).toEqual(
      ["buildVm.vmSize", "customizers[4].updatelimit", "extra", "gallery.Name", "source.planInfo", "verification.timeout"].sort(),
    );
    expect(errors.find((e) => e.path === "gallery.Name")?.message).toContain('did you mean "name"');
 
    // Keys that exist on Object.prototype are unknown fields and unknown types like any other.
    const polluted = JSON.parse('{"__proto__": {"polluted": true}, "constructor": 1}');
    expect(paths({ ...sample(), ...polluted })).toEqual(["__proto__", "constructor"]);
    expect(paths(variant((d) => (d.customizers[0] = { type: "toString" })))).toEqual(["customizers[0].type"]);
  });

  it("refuses wrong types with a message per field", () => {
    const errors = errorsOf(
      variant((d) => {
        d.replicationRegions = "westus";
        d.buildVm.osDiskSizeGB = "127";
        d.verification.enabled = 1;
        d.customizers[3].inline = "mkdir x";
        d.tags = ["a"];
      }),
    );
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: "replicationRegions", message: "must be an array" },
        { path: "buildVm.osDiskSizeGB", message: "must be an integer" },
        { path: "verification.enabled", message: "must be true or false" },
        { path: "customizers[3].inline", message: "must be an array" },
        { path: "tags", message: "must be an object" },
      ]),
    );
    expect(errorsOf(null)).toEqual([{ path: "(definition)", message: "must be an object" }]);
    expect(errorsOf([])).toEqual([{ path: "(definition)", message: "must be an object" }]);
  });

  it("checks tag names and values", () => {
    const errors = errorsOf(
      variant((d) => {
        d.tags = { ok: "fine", ["k".repeat(513)]: "v", "a/b": "v", "50%": "v", long: "v".repeat(257), azureThing: "x", userIdentity: "x", n: 3 };
      }),
    );
    expect(errors.map((e) => e.path).sort()).toEqual(
      [`tags.${"k".repeat(513)}`, 'tags["a/b"]', 'tags["50%"]', "tags.long", "tags.azureThing", "tags.userIdentity", "tags.n"].sort(),
    );
  });

  it("never lets injection attempts through names, regions or verification paths", () => {
    const errors = errorsOf(
      variant((d) => {
        d.name = "x; rm -rf /";
        d.resourceGroup = "rg'; drop";
        d.gallery.name = "$(whoami)";
        d.gallery.imageDefinition = "def`id`";
        d.runOutputName = "out\"put";
        d.location = "westus; curl evil";
        d.buildVm.size = "Standard_D2 && calc";
        d.verification.paths = ["C:\\x'; Remove-Item C:\\ -Recurse; '"];
        d.source.version = "latest$(x)";
      }),
    );
    expect(errors.map((e) => e.path).sort()).toEqual(
      [
        "buildVm.size", "gallery.imageDefinition", "gallery.name", "location", "name", "resourceGroup", "runOutputName",
        "source.version", "verification.paths[0]",
      ].sort(),
    );
  });

  it("accepts a gallery-on-gallery definition and refuses a malformed version id", () => {
    const id = `/subscriptions/${SUB}/resourceGroups/aibwinsig/providers/Microsoft.Compute/galleries/myIBSIG/images/winSvrimage/versions/0.24105.52755`;
    expect(validateDefinition(variant((d) => (d.source = { type: "SharedImageVersion", imageVersionId: id })), { defaultSubscriptionId: SUB }).ok).toBe(true);
    expect(paths(variant((d) => (d.source = { type: "SharedImageVersion", imageVersionId: id.replace("/versions/", "/v/") })))).toEqual(["source.imageVersionId"]);
    expect(paths(variant((d) => (d.source = { type: "SharedImageVersion" })))).toEqual(["source.imageVersionId"]);
  });

  it("refuses Windows-only customizers on a Linux image", () => {
    const linux = variant((d) => {
      Object.assign(d.gallery, { osType: "Linux" });
      d.source = { type: "PlatformImage", publisher: "Canonical", offer: "0001-com-ubuntu-server-jammy", sku: "22_04-lts", version: "latest" };
      d.customizers = [{ type: "WindowsUpdate" }];
      d.verification = { enabled: false };
    });
    expect(paths(linux)).toEqual(["customizers[0].type"]);
  });
});

describe("layer limit", () => {
  it("counts generalizations and refuses a build past the limit with the Sysprep warning", () => {
    expect(checkLayerLimit(0, 8)).toEqual({ ok: true, generalizations: 1 });
    expect(checkLayerLimit(7, 8)).toEqual({ ok: true, generalizations: 8 });
    const refused = checkLayerLimit(8, 8);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.message).toContain("Sysprep can run at most 8 times");
  });

  it("reads the count from a version's tags; a foreign version counts as generalized once", () => {
    expect(sourceGeneralizations({ aibFactoryGeneralizations: "3" })).toBe(3);
    expect(sourceGeneralizations({})).toBe(1);
    expect(sourceGeneralizations({ aibFactoryGeneralizations: "x" })).toBe(1);
  });

  it("refuses every build when MAX_GENERALIZATIONS leaves no room", () => {
    const r = validateDefinition(sample(), { defaultSubscriptionId: SUB, maxGeneralizations: 0 });
    expect(r.ok ? [] : r.errors.map((e) => e.path)).toEqual(["source"]);
  });
});
