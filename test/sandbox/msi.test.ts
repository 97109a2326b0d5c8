import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestArm, type TestArm } from "./harness.js";
import { restError } from "./rest-error.js";

const rg = "rg-msi";

describe("Microsoft.ManagedIdentity user-assigned identities", () => {
  let t: TestArm;

  beforeAll(async () => {
    // Real-time clock: nothing here is long-running, and the principal replication delay must not pass by itself.
    t = await startTestArm({ scale: 1 });
    await t.clients.resources.resourceGroups.createOrUpdate(rg, { location: "westus2" });
  });
  afterAll(() => t?.close());

  it("creates an identity with fresh ids, keeps them on re-PUT, and gets it", async () => {
    const created = await t.clients.msi.userAssignedIdentities.createOrUpdate(rg, "aib-identity", { location: "West US 2", tags: { app: "aib" } });
    expect(created).toMatchObject({
      name: "aib-identity",
      type: "Microsoft.ManagedIdentity/userAssignedIdentities",
      location: "westus2",
      tags: { app: "aib" },
      tenantId: t.arm.tenantId,
    });
    expect(created.principalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.clientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.principalId).not.toBe(created.clientId);

    const again = await t.clients.msi.userAssignedIdentities.createOrUpdate(rg, "aib-identity", { location: "westus2" });
    expect([again.principalId, again.clientId]).toEqual([created.principalId, created.clientId]);
    const got = await t.clients.msi.userAssignedIdentities.get(rg, "AIB-identity");
    expect(got.id).toBe(created.id);

    const other = await t.clients.msi.userAssignedIdentities.createOrUpdate(rg, "other-identity", { location: "westus2" });
    expect(other.principalId).not.toBe(created.principalId);
  });

  it("registers the identity's principal for role assignments, and removes it on delete", async () => {
    const identity = await t.clients.msi.userAssignedIdentities.createOrUpdate(rg, "principal-check", { location: "westus2" });
    const contributor = `/subscriptions/${t.arm.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c`;
    const scope = `/subscriptions/${t.arm.subscriptionId}/resourceGroups/${rg}`;
    const assignment = await t.clients.authorization.roleAssignments.create(scope, "0f6c8a52-2d61-4b8e-9a0e-3c1b5d7e9f01", {
      roleDefinitionId: contributor,
      principalId: identity.principalId!,
      principalType: "ServicePrincipal",
    });
    expect(assignment.principalId).toBe(identity.principalId);
    await t.clients.authorization.roleAssignments.delete(scope, assignment.name!);

    await t.clients.msi.userAssignedIdentities.delete(rg, "principal-check");
    const error = await restError(
      t.clients.authorization.roleAssignments.create(scope, "1f6c8a52-2d61-4b8e-9a0e-3c1b5d7e9f02", {
        roleDefinitionId: contributor,
        principalId: identity.principalId!,
        principalType: "ServicePrincipal",
      }),
    );
    expect([error.statusCode, error.code]).toEqual([400, "PrincipalNotFound"]);
  });

  it("lists identities by resource group and subscription", async () => {
    await t.clients.msi.userAssignedIdentities.createOrUpdate(rg, "listed-one", { location: "westus2" });
    const names: string[] = [];
    for await (const identity of t.clients.msi.userAssignedIdentities.listByResourceGroup(rg)) names.push(identity.name!);
    expect(names).toEqual(expect.arrayContaining(["aib-identity", "other-identity", "listed-one"]));
    const all: string[] = [];
    for await (const identity of t.clients.msi.userAssignedIdentities.listBySubscription()) all.push(identity.name!);
    expect(all).toEqual(expect.arrayContaining(names));
  });

  it("deletes with 200, then 204 when it is gone, and GET answers 404", async () => {
    await t.clients.msi.userAssignedIdentities.createOrUpdate(rg, "short-lived", { location: "westus2" });
    await t.clients.msi.userAssignedIdentities.delete(rg, "short-lived");
    await t.clients.msi.userAssignedIdentities.delete(rg, "short-lived");
    const log = await t.control.requests();
    const deletes = log.filter((r) => r.method === "DELETE" && r.path.endsWith("/short-lived")).map((r) => r.status);
    expect(deletes).toEqual([200, 204]);
    const error = await restError(t.clients.msi.userAssignedIdentities.get(rg, "short-lived"));
    expect([error.statusCode, error.code]).toEqual([404, "ResourceNotFound"]);
  });

  it("refuses bad names, unknown groups and unknown locations", async () => {
    const cases: [Promise<unknown>, number, string][] = [
      [t.clients.msi.userAssignedIdentities.createOrUpdate(rg, "ab", { location: "westus2" }), 400, "InvalidResourceName"],
      [t.clients.msi.userAssignedIdentities.createOrUpdate(rg, "-leading-dash", { location: "westus2" }), 400, "InvalidResourceName"],
      [t.clients.msi.userAssignedIdentities.createOrUpdate(rg, "has.dot", { location: "westus2" }), 400, "InvalidResourceName"],
      [t.clients.msi.userAssignedIdentities.createOrUpdate("rg-missing", "fine-name", { location: "westus2" }), 404, "ResourceGroupNotFound"],
      [t.clients.msi.userAssignedIdentities.createOrUpdate(rg, "fine-name", { location: "moon-1" }), 400, "LocationNotAvailableForResourceType"],
    ];
    for (const [call, status, code] of cases) {
      const error = await restError(call);
      expect([error.statusCode, error.code]).toEqual([status, code]);
    }
  });

  it("keeps an identity in its region", async () => {
    await t.clients.msi.userAssignedIdentities.createOrUpdate(rg, "pinned", { location: "westus2" });
    const error = await restError(t.clients.msi.userAssignedIdentities.createOrUpdate(rg, "pinned", { location: "eastus" }));
    expect([error.statusCode, error.code]).toEqual([409, "InvalidResourceLocation"]);
  });
});
