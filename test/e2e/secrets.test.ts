// After a full build with the boot check: no secret (the verification VM's password, a bearer token, a
// host key) in any orchestration's input, output, custom status or history, nor in the host's log or a
// build summary; and the custom role grants only the how-to's seven actions, at the resource group only.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { IMAGE, type E2e, type Json, startE2e } from "./harness.js";
import { HOW_TO_ACTIONS } from "../fixtures/how-to.js";


let e2e: E2e;
const hostLog: string[] = [];
let summary: Json;

beforeAll(async () => {
  e2e = await startE2e({ print: (line) => hostLog.push(line) });
  const id = (await e2e.api("POST", "builds", { image: IMAGE })).body.id as string;
  summary = await e2e.waitFor(id, (s) => s.outcome !== "running");
});
afterAll(async () => {
  await e2e?.close();
});

/** Every orchestration (sub-orchestrations included) with input, output and full history, as the management API gives it. */
async function everyInstanceWithHistory(): Promise<string> {
  const base = `${e2e.host.baseUrl}/runtime/webhooks/durabletask/instances`;
  const code = `code=${encodeURIComponent(e2e.host.keys.systemKey)}`;
  const list = (await (await fetch(`${base}?${code}&showInput=true`)).json()) as { instanceId: string }[];
  const texts = await Promise.all(
    list.map(async (i) => (await fetch(`${base}/${encodeURIComponent(i.instanceId)}?${code}&showHistory=true&showHistoryOutput=true&showInput=true`)).text()),
  );
  expect(list.length).toBeGreaterThan(1);
  return texts.join("\n");
}

describe("secrets stay secret", () => {
  test("the build succeeded with the boot check, so every secret was in use", () => {
    expect(summary).toMatchObject({ outcome: "succeeded", verificationPassed: true });
  });

  test("no password, bearer token or host key in any orchestration, the host log or a summary", async () => {
    const vmPut = (await e2e.requests()).find((r) => r.method === "PUT" && /\/virtualMachines\/[^/]+$/i.test(r.path));
    const password = (vmPut?.body as { properties?: { osProfile?: { adminPassword?: string } } } | undefined)?.properties?.osProfile?.adminPassword;
    expect(password, "the verification VM was created with a password").toMatch(/.{12,}/);
    const { masterKey, functionKey, systemKey } = e2e.host.keys;
    const secrets = [password!, masterKey, functionKey, systemKey];

    const places: [string, string][] = [
      ["orchestrations", await everyInstanceWithHistory()],
      ["host log", hostLog.join("\n")],
      ["summary", (await e2e.api("GET", `builds/${summary.id as string}`)).text],
      ["build list", (await e2e.api("GET", "builds")).text],
    ];
    expect(places[0][1]).toContain(summary.imageVersionId as string);
    for (const [where, text] of places) {
      for (const secret of secrets) expect(text.includes(secret), `a secret in the ${where}`).toBe(false);
      // Azure's bearer tokens are JWTs: header.payload.signature, base64url, starting with {"
      expect(text, `a bearer token in the ${where}`).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]+/);
      expect(text, `an authorization header in the ${where}`).not.toMatch(/bearer\s+[\w-]{20,}/i);
    }
  });

  test("the custom role grants only the how-to's seven actions, at the resource group only", async () => {
    const rg = `/subscriptions/${e2e.arm.subscriptionId}/resourceGroups/aibwinsig`;
    const roles = [];
    for await (const role of e2e.clients().authorization.roleDefinitions.list(rg, { filter: "type eq 'CustomRole'" })) roles.push(role);
    expect(roles).toHaveLength(1);
    const [role] = roles;
    expect(role.assignableScopes?.map((s) => s.toLowerCase())).toEqual([rg.toLowerCase()]);
    expect(role.permissions).toHaveLength(1);
    expect([...(role.permissions?.[0].actions ?? [])].sort()).toEqual([...HOW_TO_ACTIONS].sort());
    expect(role.permissions?.[0].dataActions ?? []).toEqual([]);
    const assignments = [];
    for await (const a of e2e.clients().authorization.roleAssignments.listForScope(rg)) if (a.roleDefinitionId?.toLowerCase().endsWith(role.name!.toLowerCase())) assignments.push(a);
    expect(assignments.map((a) => a.scope?.toLowerCase())).toEqual([rg.toLowerCase()]);
  });
});
