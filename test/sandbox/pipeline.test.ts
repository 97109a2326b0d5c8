// The simulator's front door, driven by the real SDK clients where they can express the case and by
// hand-made requests where they cannot (no token, wrong api-version, ...).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { armAction } from "../../sandbox/arm/server.js";
import { startTestArm, type TestArm } from "./harness.js";

const RG_API = "api-version=2025-04-01";

describe("ARM pipeline", () => {
  let t: TestArm;
  let groups: string;
  beforeAll(async () => {
    t = await startTestArm();
    groups = `/subscriptions/${t.arm.subscriptionId}/resourcegroups`;
  });
  afterAll(() => t.close());

  const errorOf = (body: unknown) => (body as { error: { code: string; message: string } }).error;

  test("a request without a token is refused with AuthenticationFailed", async () => {
    const res = await t.raw("GET", `${groups}?${RG_API}`, { token: null });
    expect(res.status).toBe(401);
    expect(errorOf(res.body).code).toBe("AuthenticationFailed");
  });

  test("a forged or malformed token is refused with InvalidAuthenticationToken", async () => {
    const good = await t.token();
    const [header, payload] = good.split(".");
    for (const token of ["nonsense", `${header}.${payload}.AAAA`]) {
      const res = await t.raw("GET", `${groups}?${RG_API}`, { token });
      expect(res.status).toBe(401);
      expect(errorOf(res.body).code).toBe("InvalidAuthenticationToken");
    }
  });

  test("the identity endpoint checks X-IDENTITY-HEADER and issues tokens naming the app principal", async () => {
    const fetchRaw = (query: string, header?: string) =>
      new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
        get(`${t.arm.identityEndpoint}?${query}`, { headers: header ? { "x-identity-header": header } : {} }, (res) => {
          let text = "";
          res.on("data", (c: Buffer) => (text += c.toString("utf8")));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
        }).on("error", reject);
      });
    const resource = encodeURIComponent("https://management.azure.com");
    expect((await fetchRaw(`api-version=2019-08-01&resource=${resource}`)).status).toBe(401);
    expect((await fetchRaw(`api-version=2019-08-01&resource=${resource}`, "wrong")).status).toBe(401);
    expect((await fetchRaw("api-version=2019-08-01", t.arm.identityHeader)).status).toBe(400);

    const ok = await fetchRaw(`api-version=2019-08-01&resource=${resource}`, t.arm.identityHeader);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token_type: "Bearer", resource: "https://management.azure.com", client_id: t.arm.appPrincipal.clientId });
    expect(Number(ok.body.expires_on)).toBeGreaterThan(0);
    const claims = JSON.parse(Buffer.from(String(ok.body.access_token).split(".")[1], "base64url").toString("utf8")) as Record<string, unknown>;
    expect(claims).toMatchObject({ oid: t.arm.appPrincipal.objectId, appid: t.arm.appPrincipal.clientId, tid: t.arm.tenantId, aud: "https://management.azure.com" });
  });

  test("api-version is required and must be one the route supports", async () => {
    const missing = await t.raw("GET", groups);
    expect(missing.status).toBe(400);
    expect(errorOf(missing.body).code).toBe("MissingApiVersionParameter");

    const wrong = await t.raw("GET", `${groups}?api-version=2001-01-01`);
    expect(wrong.status).toBe(400);
    expect(errorOf(wrong.body).code).toBe("InvalidApiVersionParameter");
    expect(errorOf(wrong.body).message).toContain("2025-04-01");
  });

  test("unknown routes, other subscriptions and bad bodies get ARM's errors", async () => {
    const unknown = await t.raw("GET", `/subscriptions/${t.arm.subscriptionId}/providers/Microsoft.Nope/things?${RG_API}`);
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown.body).code).toBe("InvalidResourceType");

    const other = await t.raw("GET", `/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups?${RG_API}`);
    expect(other.status).toBe(404);
    expect(errorOf(other.body).code).toBe("SubscriptionNotFound");

    const bad = await t.raw("PUT", `${groups}/rg-bad-body?${RG_API}`, { body: "{not json" });
    expect(bad.status).toBe(400);
    expect(errorOf(bad.body).code).toBe("InvalidRequestContent");
  });

  test("duplicate slashes are collapsed, as arm-authorization sends them", async () => {
    const res = await t.raw("GET", `/${groups}?${RG_API}`);
    expect(res.status).toBe(200);
    expect(res.headers["x-ms-request-id"]).toBeTruthy();
  });

  test("a 429 with Retry-After is retried by the SDK, then succeeds", async () => {
    await t.clients.resources.resourceGroups.createOrUpdate("rg-throttle", { location: "westus" });
    await t.control.fault({ method: "GET", path: "/resourcegroups/rg-throttle$", status: 429, retryAfterSeconds: 1, count: 1 });
    const group = await t.clients.resources.resourceGroups.get("rg-throttle");
    expect(group.name).toBe("rg-throttle");
    const statuses = (await t.control.requests()).filter((r) => r.method === "GET" && r.path.endsWith("/rg-throttle")).map((r) => r.status);
    expect(statuses).toEqual([429, 200]);
  });

  test("a 503 is retried by the SDK, then succeeds", async () => {
    await t.clients.resources.resourceGroups.createOrUpdate("rg-unavailable", { location: "westus" });
    const rule = await t.control.fault({ method: "GET", path: "/resourcegroups/rg-unavailable$", status: 503, count: 1 });
    expect(rule.remaining).toBe(1);
    expect((await t.clients.resources.resourceGroups.get("rg-unavailable")).name).toBe("rg-unavailable");
    const statuses = (await t.control.requests()).filter((r) => r.method === "GET" && r.path.endsWith("/rg-unavailable")).map((r) => r.status);
    expect(statuses).toEqual([503, 200]);
  });

  test("a dropped connection is retried by the SDK", async () => {
    await t.control.fault({ method: "PUT", path: "/resourcegroups/rg-dropped$", drop: true, count: 1 });
    const group = await t.clients.resources.resourceGroups.createOrUpdate("rg-dropped", { location: "westus" });
    expect(group.name).toBe("rg-dropped");
    const statuses = (await t.control.requests()).filter((r) => r.path.endsWith("/rg-dropped")).map((r) => r.status);
    expect(statuses).toEqual([0, 201]);
  });

  test("the request log records requests and answers, never the Authorization header", async () => {
    await t.control.clearRequests();
    await t.clients.resources.resourceGroups.createOrUpdate("rg-logged", { location: "westeurope", tags: { team: "images" } });
    const [entry] = (await t.control.requests()).filter((r) => r.path.endsWith("/rg-logged"));
    expect(entry).toMatchObject({ method: "PUT", status: 201, query: { "api-version": "2025-04-01" }, body: { location: "westeurope", tags: { team: "images" } } });
    expect(entry.responseBody).toMatchObject({ name: "rg-logged", location: "westeurope" });
    expect(entry.headers.authorization).toBeUndefined();
    expect(Object.keys(entry.headers).length).toBeGreaterThan(0);
  });

  test("async operation status is derived when polled and ends with an endTime", async () => {
    const group = await t.clients.resources.resourceGroups.createOrUpdate("rg-op", { location: "westus" });
    const { headers } = t.arm.sim.operations.start(
      { provider: "resources", namespace: "Microsoft.Resources", location: "westus", resourceId: group.id!, kind: "test", data: {} },
      ["azure-asyncoperation", "location"],
    );
    const statusPath = `${new URL(headers["azure-asyncoperation"]).pathname}?${RG_API}`;
    const running = await t.raw("GET", statusPath);
    expect(running.status).toBe(200);
    expect(running.body).toMatchObject({ status: "InProgress" });
    expect(headers["retry-after"]).toBe("1");

    const result = await t.raw("GET", `${new URL(headers.location).pathname}?${RG_API}`);
    expect(result.status).toBe(202);

    t.arm.sim.state.delete(group.id!);
    const done = await t.raw("GET", statusPath);
    expect(done.body).toMatchObject({ status: "Succeeded", percentComplete: 100 });
    expect((done.body as { endTime?: string }).endTime).toBeDefined();

    const missing = await t.raw("GET", `/subscriptions/${t.arm.subscriptionId}/providers/Microsoft.Resources/locations/westus/operations/nope?${RG_API}`);
    expect(missing.status).toBe(404);
  });

  test("the control API moves the clock and reports scenario and resources", async () => {
    const before = await t.control.clock();
    const after = await t.control.advance(3_600_000);
    expect(after.nowMs).toBeGreaterThanOrEqual(before.nowMs + 3_600_000);
    const scenario = await t.control.scenario({ defaultLroMs: 5_000, build: { queuedMs: 1 } });
    expect(scenario.defaultLroMs).toBe(5_000);
    expect(scenario.build.queuedMs).toBe(1);
    expect(scenario.build.buildingMs).toBeGreaterThan(1);
    expect((await t.control.resources()).some((r) => r.name === "rg-throttle")).toBe(true);
  });

  test("the caller needs a role assignment granting the action", async () => {
    const scope = `/subscriptions/${t.arm.subscriptionId}`;
    const assignments = [];
    for await (const a of t.clients.authorization.roleAssignments.listForScope(scope)) assignments.push(a);
    const owner = assignments.find((a) => a.principalId === t.arm.appPrincipal.objectId);
    expect(owner).toBeDefined();
    await t.clients.authorization.roleAssignments.deleteById(owner!.id!);
    const res = await t.raw("GET", `${groups}?${RG_API}`);
    expect(res.status).toBe(403);
    expect(errorOf(res.body).code).toBe("AuthorizationFailed");
    expect(errorOf(res.body).message).toContain("Microsoft.Resources/subscriptions/resourcegroups/read");
    await t.control.reset();
    expect((await t.raw("GET", `${groups}?${RG_API}`)).status).toBe(200);
  });
});

describe("RBAC actions derived from paths", () => {
  const s = "/subscriptions/s1";
  const rg = `${s}/resourceGroups/rg`;
  test.each([
    ["PUT", `${rg}/providers/Microsoft.Compute/galleries/g/images/d`, "Microsoft.Compute/galleries/images/write", `${rg}/providers/Microsoft.Compute/galleries/g/images/d`],
    ["GET", `${rg}/providers/Microsoft.Compute/galleries`, "Microsoft.Compute/galleries/read", rg],
    ["DELETE", `${rg}/providers/Microsoft.Compute/galleries/g`, "Microsoft.Compute/galleries/delete", `${rg}/providers/Microsoft.Compute/galleries/g`],
    ["POST", `${rg}/providers/Microsoft.VirtualMachineImages/imageTemplates/t/run`, "Microsoft.VirtualMachineImages/imageTemplates/run/action", `${rg}/providers/Microsoft.VirtualMachineImages/imageTemplates/t`],
    ["PUT", rg, "Microsoft.Resources/subscriptions/resourceGroups/write", rg],
    ["GET", `${s}/resourcegroups`, "Microsoft.Resources/subscriptions/resourcegroups/read", s],
    ["POST", `${s}/providers/Microsoft.Compute/register`, "Microsoft.Compute/register/action", s],
    ["POST", `${s}/providers/Microsoft.Features/providers/Microsoft.VirtualMachineImages/features/F/register`, "Microsoft.Features/providers/features/register/action", `${s}/providers/Microsoft.Features/providers/Microsoft.VirtualMachineImages/features/F`],
    ["PUT", `${rg}/providers/Microsoft.Authorization/roleAssignments/a`, "Microsoft.Authorization/roleAssignments/write", `${rg}/providers/Microsoft.Authorization/roleAssignments/a`],
  ])("%s %s → %s", (method, path, action, scope) => {
    expect(armAction(method, path)).toEqual({ action, scope });
  });
});

describe("persistence", () => {
  test("a restart with the state file keeps resources and continues the clock", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "arm-persist-"));
    const stateFile = join(dataDir, "arm-state.json");
    try {
      const first = await startTestArm({ dataDir, stateFile, scale: 1, writeConnectionFile: true });
      const connection = JSON.parse(readFileSync(join(dataDir, "arm.json"), "utf8")) as Record<string, unknown>;
      expect(connection).toEqual({
        endpoint: first.arm.endpoint,
        caCertPath: first.arm.caCertPath,
        subscriptionId: first.arm.subscriptionId,
        tenantId: first.arm.tenantId,
        identityEndpoint: first.arm.identityEndpoint,
        identityHeader: first.arm.identityHeader,
        controlUrl: first.arm.controlUrl,
      });
      await first.clients.resources.resourceGroups.createOrUpdate("rg-kept", { location: "westus", tags: { keep: "yes" } });
      const { nowMs } = await first.control.advance(24 * 3_600_000);
      const caCert = first.arm.caCert;
      await first.close();

      const second = await startTestArm({ dataDir, stateFile, scale: 1 });
      try {
        expect(second.arm.caCert).toBe(caCert);
        expect((await second.control.clock()).nowMs).toBeGreaterThanOrEqual(nowMs);
        const group = await second.clients.resources.resourceGroups.get("rg-kept");
        expect(group.tags).toEqual({ keep: "yes" });
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
