import { describe, expect, it } from "vitest";
import { imageOfBuild, nextInstanceId, nightlyInstanceId, waitInstanceId } from "../../src/builds/instance-ids.js";
import { buildPollMinutes, enterPhase } from "../../src/builds/status.js";
import { PASSED_MARKER, readVerificationResult, verificationScript } from "../../src/builds/verification.js";
import { isTemplateOf } from "../../src/activities/image-templates.js";
import { parseImageVersionId } from "../../src/activities/deps.js";

describe("instance ids", () => {
  it("numbers manual builds per image, ignoring other images and kinds", () => {
    const ids = ["build-win-1", "build-win-3", "build-win-x-7", "cleanup-win-9", "nightly-win-20250101"];
    expect(nextInstanceId("build", "win", ids)).toBe("build-win-4");
    expect(nextInstanceId("build", "win-x", ids)).toBe("build-win-x-8");
    expect(nextInstanceId("cleanup", "win", ids)).toBe("cleanup-win-10");
    expect(nextInstanceId("build", "other", ids)).toBe("build-other-1");
  });

  it("fixes the nightly id per UTC day", () => {
    expect(nightlyInstanceId("win2019-gallery", new Date("2025-03-04T23:59:59Z"))).toBe("nightly-win2019-gallery-20250304");
  });

  it("reads the image back from build ids only", () => {
    expect(imageOfBuild("build-win2019-gallery-12")).toBe("win2019-gallery");
    expect(imageOfBuild("nightly-win2019-gallery-20250304")).toBe("win2019-gallery");
    expect(imageOfBuild("cleanup-win2019-gallery-1")).toBeUndefined();
    expect(imageOfBuild(waitInstanceId("build-a-1"))).toBeUndefined();
  });
});

describe("build status", () => {
  it("polls rarely while customizing, every 2 minutes in short phases and every 1.5 where the build ends", () => {
    expect(buildPollMinutes("Queued")).toBe(1);
    expect(buildPollMinutes("Running", "Customizing")).toBe(5);
    expect(buildPollMinutes("Running", "Customizing", 45)).toBe(10);
    for (const sub of ["Building", "Optimizing", "Validating"]) expect(buildPollMinutes("Running", sub)).toBe(2);
    expect(buildPollMinutes("Running", "Distributing")).toBe(1.5);
  });

  it("stays within 60 status reads for a 60-minute build plus 20 minutes of distribution", () => {
    const plan: [string, number][] = [["Queued", 2], ["Building", 8], ["Customizing", 50], ["Distributing", 20]];
    const reads = plan.reduce((n, [sub, minutes]) => n + Math.ceil(minutes / buildPollMinutes("Running", sub)), 0);
    expect(reads).toBeLessThanOrEqual(60);
  });

  it("closes the previous phase with its duration", () => {
    const t0 = new Date("2025-01-01T00:00:00Z");
    const one = enterPhase([], "a", t0);
    const two = enterPhase(one, "b", new Date("2025-01-01T00:03:30Z"));
    expect(two).toEqual([
      { phase: "a", startedAt: t0.toISOString(), minutes: 3.5 },
      { phase: "b", startedAt: "2025-01-01T00:03:30.000Z" },
    ]);
    expect(one).toEqual([{ phase: "a", startedAt: t0.toISOString() }]);
  });
});

describe("verification script", () => {
  it("tests each path as a quoted literal and prints the marker only when all pass", () => {
    const lines = verificationScript({ paths: ["C:\\buildActions", "C:\\it's"] });
    expect(lines.join("\n")).toContain("Test-Path -LiteralPath 'C:\\buildActions'");
    expect(lines.join("\n")).toContain("'C:\\it''s'");
    expect(lines.at(-1)).toContain(PASSED_MARKER);
  });

  it("reads stdout from the StdOut status", () => {
    const ok = readVerificationResult([
      { code: "ComponentStatus/StdOut/succeeded", message: `found C:\\buildActions\n${PASSED_MARKER}\n` },
      { code: "ComponentStatus/StdErr/succeeded", message: "" },
    ]);
    expect(ok).toEqual({ passed: true, stdout: `found C:\\buildActions\n${PASSED_MARKER}`, stderr: "" });
    const missing = readVerificationResult([{ code: "ComponentStatus/StdOut/succeeded", message: "MISSING C:\\buildActions" }]);
    expect(missing.passed).toBe(false);
  });
});

describe("resource names", () => {
  it("recognises only this image's hashed template names", () => {
    expect(isTemplateOf("win", "win-0123abcd")).toBe(true);
    expect(isTemplateOf("win", "win-x-0123abcd")).toBe(false);
    expect(isTemplateOf("win", "win-0123ABCD")).toBe(false);
  });

  it("splits an image version id", () => {
    const id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/d/versions/0.24105.52755";
    expect(parseImageVersionId(id)).toEqual({ subscriptionId: "s", resourceGroup: "rg", gallery: "g", imageDefinition: "d", version: "0.24105.52755" });
    expect(() => parseImageVersionId("/subscriptions/s/resourceGroups/rg")).toThrow(/Not a gallery image version id/);
  });
});
