// Malformed and hostile requests to the HTTP API: each is refused with 400/404 and a message naming the
// field, and the simulator sees no write at all. Every route refuses a request without a valid key.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { IMAGE, definitionFor, type E2e, type Json, startE2e } from "./harness.js";

let e2e: E2e;
beforeAll(async () => {
  e2e = await startE2e();
  await e2e.control("DELETE", "requests");
});
afterAll(async () => {
  await e2e?.close();
});

const def = (patch: Json) => ({ definition: definitionFor("hostile", patch) });
const customizer = (c: Json) => def({ customizers: [{ type: "PowerShell", name: "x", ...c }] });
const gallery = (patch: Json) => def({ gallery: { ...(definitionFor("hostile").gallery as Json), ...patch } });

/** [what, method, route, body (string: sent as is), the field the answer must name] */
const cases: [string, string, string, unknown, string][] = [
  ["not JSON", "POST", "builds", "{not json", "image"],
  ["a JSON array", "POST", "builds", "[]", "image"],
  ["a JSON number", "POST", "builds", "42", "image"],
  ["an empty object", "POST", "builds", {}, "image"],
  ["image of the wrong type", "POST", "builds", { image: 42 }, "image"],
  ["both image and definition", "POST", "builds", { image: IMAGE, definition: definitionFor("x") }, "definition"],
  ["path traversal in the image", "POST", "builds", { image: "../../etc/passwd" }, "image"],
  ["encoded traversal in the image", "POST", "builds", { image: "%2e%2e%2fetc%2fpasswd" }, "image"],
  ["a NUL byte in the image", "POST", "builds", { image: `${IMAGE}\u0000` }, "image"],
  ["an oversized image name", "POST", "builds", { image: "a".repeat(100_000) }, "image"],
  ["an oversized body", "POST", "builds", def({ customizers: [{ type: "PowerShell", inline: Array(20_000).fill("x".repeat(100)) }] }), "customizers"],
  ["an invalid image name", "POST", "builds", def({ name: "Bad Name!" }), "name"],
  ["traversal in the definition's name", "POST", "builds", def({ name: "../../etc/passwd" }), "name"],
  ["an unknown region", "POST", "builds", def({ location: "mars" }), "location"],
  ["shell injection in the resource group", "POST", "builds", def({ resourceGroup: "rg;rm -rf /" }), "resourceGroup"],
  ["an empty resource group", "POST", "builds", def({ resourceGroup: "" }), "resourceGroup"],
  ["an invalid gallery name", "POST", "builds", gallery({ name: "my-gallery" }), "gallery.name"],
  ["an invalid image definition name", "POST", "builds", gallery({ imageDefinition: "-bad" }), "gallery.imageDefinition"],
  ["injection in the publisher", "POST", "builds", gallery({ publisher: "$(whoami)" }), "gallery.publisher"],
  ["an unknown osType", "POST", "builds", gallery({ osType: "Windoze" }), "gallery.osType"],
  ["an unknown Hyper-V generation", "POST", "builds", gallery({ hyperVGeneration: "V3" }), "gallery.hyperVGeneration"],
  ["an unknown source type", "POST", "builds", def({ source: { type: "Evil" } }), "source"],
  ["a scriptUri that is not https", "POST", "builds", customizer({ scriptUri: "http://example.com/x.ps1" }), "customizers[0].scriptUri"],
  ["a file: scriptUri", "POST", "builds", customizer({ scriptUri: "file:///etc/passwd" }), "customizers[0].scriptUri"],
  ["a checksum of the wrong length", "POST", "builds", customizer({ scriptUri: "https://example.com/x.ps1", sha256Checksum: "abc123" }), "customizers[0].sha256Checksum"],
  ["an unknown replication region", "POST", "builds", def({ replicationRegions: ["atlantis"] }), "replicationRegions"],
  ["a disk size of the wrong type", "POST", "builds", def({ buildVm: { size: "Standard_D1_v2", osDiskSizeGB: "big" } }), "buildVm.osDiskSizeGB"],
  ["a negative timeout", "POST", "builds", def({ buildTimeoutInMinutes: -5 }), "buildTimeoutInMinutes"],
  ["a slash in the run output name", "POST", "builds", def({ runOutputName: "a/b" }), "runOutputName"],
  ["a subscription that is not a GUID", "POST", "builds", def({ subscriptionId: "../../subscriptions" }), "subscriptionId"],
  ["a verification region that does not exist", "POST", "builds", def({ verification: { enabled: true, region: "mars" } }), "verification.region"],
  ["markup in a tag name", "POST", "builds", def({ tags: { "<script>alert(1)</script>": "x" } }), "tags"],
  ["an unknown field", "POST", "builds", def({ evil: true }), "evil"],
  ["encoded traversal in the cleanup route", "POST", "images/%2e%2e%2f%2e%2e%2fetc%2fpasswd/cleanup", { scope: "all" }, "name"],
  ["an unknown image to clean up", "POST", "images/no-such-image/cleanup", { scope: "all" }, "no-such-image"],
  ["an unknown cleanup scope", "POST", `images/${IMAGE}/cleanup`, { scope: "everything" }, "scope"],
  ["traversal in a build id", "GET", "builds/..%2f..%2fetc%2fpasswd", undefined, "passwd"],
  ["cancel of an unknown build", "POST", "builds/build-nope-1/cancel", undefined, "build-nope-1"],
];

describe("malformed and hostile requests", () => {
  test.each(cases)("%s: refused, naming the field", async (_what, method, route, body, field) => {
    const reply = await e2e.api(method, route, body);
    expect([400, 404], reply.text.slice(0, 300)).toContain(reply.status);
    const errors = (reply.body.errors as { path: string; message: string }[] | undefined) ?? [];
    const named = errors.some((e) => e.path.startsWith(field)) || reply.text.includes(field);
    expect(named, `${field} not named in ${reply.text.slice(0, 300)}`).toBe(true);
  });

  test("none of them reached Azure with a write, and none started a build", async () => {
    const writes = (await e2e.requests()).filter((r) => r.method !== "GET");
    expect(writes).toEqual([]);
    expect((await e2e.api("GET", "builds")).body.builds).toEqual([]);
  });
});

describe("keys", () => {
  const routes: [string, string][] = [
    ["POST", "builds"],
    ["GET", "builds"],
    ["GET", "builds/build-x-1"],
    ["POST", "builds/build-x-1/cancel"],
    ["POST", `images/${IMAGE}/cleanup`],
  ];
  test.each(routes)("%s /api/%s without a valid key is 401", async (method, route) => {
    const body = method === "POST" ? { image: IMAGE } : undefined;
    expect((await e2e.api(method, route, body, {})).status).toBe(401);
    expect((await e2e.api(method, route, body, { "x-functions-key": "wrong" })).status).toBe(401);
    expect((await e2e.api(method, `${route}?code=wrong`, body, {})).status).toBe(401);
  });
});
