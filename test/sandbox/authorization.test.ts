import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpHeaders, createPipelineRequest } from "@azure/core-rest-pipeline";
import type { RoleAssignment } from "@azure/arm-authorization";
import { startTestArm, type TestArm } from "./harness.js";
import { restError } from "./rest-error.js";

const rg = "rg-authz";
const CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c";
const READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
const guid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe("Microsoft.Authorization through AuthorizationManagementClient", () => {
  let t: TestArm;
  let sub: string;
  let rgScope: string;
  const roleId = (name: string) => `${sub}/providers/Microsoft.Authorization/roleDefinitions/${name}`;
  const authz = () => t.clients.authorization;
  /** A new identity's principal id (registered in the directory now). */
  const newPrincipal = async (name: string) => (await t.clients.msi.userAssignedIdentities.createOrUpdate(rg, name, { location: "westus2" })).principalId!;
  const statuses = async (method: string, pathEnd: string) =>
    (await t.control.requests()).filter((r) => r.method === method && r.path.toLowerCase().endsWith(pathEnd.toLowerCase())).map((r) => r.status);

  beforeAll(async () => {
    // Real-time clock: replication delays pass only when a test advances the clock.
    t = await startTestArm({ scale: 1 });
    sub = `/subscriptions/${t.arm.subscriptionId}`;
    rgScope = `${sub}/resourceGroups/${rg}`;
    await t.clients.resources.resourceGroups.createOrUpdate(rg, { location: "westus2" });
  });
  afterAll(() => t?.close());

  describe("role definitions", () => {
    it("serves the built-in roles at any scope, with filters", async () => {
      const contributor = await authz().roleDefinitions.get(rgScope, CONTRIBUTOR);
      expect(contributor).toMatchObject({ id: roleId(CONTRIBUTOR), name: CONTRIBUTOR, roleName: "Contributor", roleType: "BuiltInRole", assignableScopes: ["/"] });
      expect(contributor.permissions![0].notActions).toContain("Microsoft.Authorization/*/Write");
      const readers = await collect(authz().roleDefinitions.list(sub, { filter: "roleName eq 'Reader'" }));
      expect(readers.map((r) => r.name)).toEqual([READER]);
      const missing = await restError(authz().roleDefinitions.get(sub, guid(999)));
      expect([missing.statusCode, missing.code]).toEqual([404, "RoleDefinitionDoesNotExist"]);
    });

    it("creates, updates, lists and deletes a custom role", async () => {
      const definition = { roleName: "Image Builder Operator", description: "AIB", permissions: [{ actions: ["Microsoft.Compute/galleries/*"] }], assignableScopes: [rgScope] };
      const created = await authz().roleDefinitions.createOrUpdate(rgScope, guid(1), definition);
      expect(created).toMatchObject({ name: guid(1), roleName: "Image Builder Operator", roleType: "CustomRole", assignableScopes: [rgScope], type: "Microsoft.Authorization/roleDefinitions" });
      expect(created.createdOn).toBeInstanceOf(Date);
      await t.control.advance(1000);
      const updated = await authz().roleDefinitions.createOrUpdate(rgScope, guid(1), { ...definition, description: "updated" });
      expect(updated.description).toBe("updated");
      expect(updated.createdOn).toEqual(created.createdOn);
      expect(updated.updatedOn!.getTime()).toBeGreaterThan(created.createdOn!.getTime());

      const custom = await collect(authz().roleDefinitions.list(rgScope, { filter: "type eq 'CustomRole'" }));
      expect(custom.map((r) => r.name)).toEqual([guid(1)]);
      const byName = await collect(authz().roleDefinitions.list(rgScope, { filter: "roleName eq 'image builder operator'" }));
      expect(byName.map((r) => r.name)).toEqual([guid(1)]);

      await authz().roleDefinitions.delete(rgScope, guid(1));
      await authz().roleDefinitions.delete(rgScope, guid(1));
      expect(await statuses("DELETE", `/roleDefinitions/${guid(1)}`)).toEqual([200, 204]);
    });

    it("refuses bad ids, duplicate names, scopes outside assignableScopes and the limit", async () => {
      const definition = (roleName: string) => ({ roleName, permissions: [{ actions: ["*/read"] }], assignableScopes: [rgScope] });
      await authz().roleDefinitions.createOrUpdate(rgScope, guid(2), definition("Taken"));
      const cases: [Promise<unknown>, number, string][] = [
        [authz().roleDefinitions.createOrUpdate(rgScope, "not-a-guid", definition("X")), 400, "InvalidRoleDefinitionId"],
        [authz().roleDefinitions.createOrUpdate(rgScope, guid(3), definition("taken")), 409, "RoleDefinitionWithSameNameExists"],
        [authz().roleDefinitions.createOrUpdate(sub, guid(3), definition("Elsewhere")), 400, "InvalidAssignableScopes"],
      ];
      for (const [call, status, code] of cases) {
        const error = await restError(call);
        expect([error.statusCode, error.code]).toEqual([status, code]);
      }
      await t.control.scenario({ customRoleLimit: 1 });
      const limit = await restError(authz().roleDefinitions.createOrUpdate(rgScope, guid(4), definition("One too many")));
      expect([limit.statusCode, limit.code]).toEqual([400, "RoleDefinitionLimitExceeded"]);
      // An update is not a new role, so the limit does not apply.
      await authz().roleDefinitions.createOrUpdate(rgScope, guid(2), { ...definition("Taken"), description: "still fine" });
      await t.control.scenario({ customRoleLimit: 5000 });
      await authz().roleDefinitions.delete(rgScope, guid(2));
    });

    it("rejects a body that breaks the spec with InvalidRequestContent", async () => {
      const url = `${t.arm.endpoint}${rgScope}/providers/Microsoft.Authorization/roleDefinitions/${guid(5)}?api-version=2022-04-01`;
      const body = { properties: { roleName: "Bad", permissions: { actions: ["*"] }, assignableScopes: [rgScope] } };
      const res = await authz().sendRequest(
        createPipelineRequest({ url, method: "PUT", body: JSON.stringify(body), headers: createHttpHeaders({ "content-type": "application/json" }) }),
      );
      expect(res.status).toBe(400);
      const error = JSON.parse(res.bodyAsText!) as { error: { code: string; details: { target: string }[] } };
      expect(error.error.code).toBe("InvalidRequestContent");
      expect(error.error.details.map((d) => d.target)).toEqual(["properties.permissions"]);
    });
  });

  describe("role assignments", () => {
    it("knows a new custom role only once it has replicated, and keeps an assigned role from being deleted", async () => {
      const principalId = await newPrincipal("custom-role-user");
      const assign = () => authz().roleAssignments.create(rgScope, guid(101), { roleDefinitionId: roleId(guid(6)), principalId, principalType: "ServicePrincipal" });
      await authz().roleDefinitions.createOrUpdate(rgScope, guid(6), { roleName: "Fresh", permissions: [{ actions: ["*/read"] }], assignableScopes: [rgScope] });
      const early = await restError(assign());
      expect([early.statusCode, early.code]).toEqual([400, "RoleDefinitionDoesNotExist"]);
      await t.control.advance(30_000);
      expect((await assign()).roleDefinitionId).toBe(roleId(guid(6)));

      const inUse = await restError(authz().roleDefinitions.delete(rgScope, guid(6)));
      expect([inUse.statusCode, inUse.code]).toEqual([409, "RoleDefinitionHasAssignments"]);
      const removed = await authz().roleAssignments.delete(rgScope, guid(101));
      expect(removed.name).toBe(guid(101));
      await authz().roleDefinitions.delete(rgScope, guid(6));

      const unknown = await restError(authz().roleAssignments.create(rgScope, guid(102), { roleDefinitionId: roleId(guid(7)), principalId, principalType: "ServicePrincipal" }));
      expect([unknown.statusCode, unknown.code]).toEqual([400, "RoleDefinitionDoesNotExist"]);
    });

    it("finds a new principal only with principalType until it has replicated", async () => {
      const principalId = await newPrincipal("replicating");
      const create = (name: string, role: string, principalType?: string) =>
        authz().roleAssignments.create(rgScope, name, { roleDefinitionId: roleId(role), principalId, principalType });
      const early = await restError(create(guid(201), READER));
      expect([early.statusCode, early.code]).toEqual([400, "PrincipalNotFound"]);
      expect(early.message).toContain(principalId.replace(/-/g, ""));
      const typed = await create(guid(201), READER, "ServicePrincipal");
      expect(typed).toMatchObject({ principalId, principalType: "ServicePrincipal", scope: rgScope, name: guid(201) });
      await t.control.advance(60_000);
      expect((await create(guid(202), CONTRIBUTOR)).principalType).toBe("ServicePrincipal");

      const ghost = await restError(authz().roleAssignments.create(rgScope, guid(203), { roleDefinitionId: roleId(READER), principalId: guid(77), principalType: "ServicePrincipal" }));
      expect([ghost.statusCode, ghost.code]).toEqual([400, "PrincipalNotFound"]);
    });

    it("is idempotent per name and refuses duplicates, updates and non-GUID names", async () => {
      const principalId = await newPrincipal("conflicts");
      const params = { roleDefinitionId: roleId(READER), principalId, principalType: "ServicePrincipal" as const };
      await authz().roleAssignments.create(rgScope, guid(301), params);
      await authz().roleAssignments.create(rgScope, guid(301), params);
      expect(await statuses("PUT", `/roleAssignments/${guid(301)}`)).toEqual([201, 200]);

      const duplicate = await restError(authz().roleAssignments.create(rgScope, guid(302), params));
      expect([duplicate.statusCode, duplicate.code]).toEqual([409, "RoleAssignmentExists"]);
      expect(duplicate.message).toContain(guid(301).replace(/-/g, ""));
      const other = await newPrincipal("conflicts-other");
      const update = await restError(authz().roleAssignments.create(rgScope, guid(301), { ...params, principalId: other }));
      expect([update.statusCode, update.code]).toEqual([409, "RoleAssignmentUpdateNotPermitted"]);
      const moved = await restError(authz().roleAssignments.create(sub, guid(301), params));
      expect([moved.statusCode, moved.code]).toEqual([409, "RoleAssignmentUpdateNotPermitted"]);
      const badName = await restError(authz().roleAssignments.create(rgScope, "reader-for-aib", params));
      expect([badName.statusCode, badName.code]).toEqual([400, "InvalidRoleAssignmentId"]);
    });

    it("gets, lists with filters, and deletes", async () => {
      const principalId = await newPrincipal("lister");
      const galleryScope = `${rgScope}/providers/Microsoft.Compute/galleries/gallery1`;
      const params = (role: string) => ({ roleDefinitionId: roleId(role), principalId, principalType: "ServicePrincipal" as const });
      await authz().roleAssignments.create(rgScope, guid(401), params(READER));
      await authz().roleAssignments.create(galleryScope, guid(402), params(CONTRIBUTOR));

      const got = await authz().roleAssignments.get(galleryScope, guid(402));
      expect(got).toMatchObject({ id: `${galleryScope}/providers/Microsoft.Authorization/roleAssignments/${guid(402)}`, scope: galleryScope });
      expect(got.createdOn).toBeInstanceOf(Date);

      const names = (list: RoleAssignment[]) => list.map((a) => a.name);
      const mine = await collect(authz().roleAssignments.listForScope(sub, { filter: `principalId eq '${principalId}'` }));
      expect(names(mine).sort()).toEqual([guid(401), guid(402)]);
      const atGallery = await collect(authz().roleAssignments.listForScope(galleryScope, { filter: "atScope()" }));
      expect(names(atGallery)).toEqual(expect.arrayContaining([guid(401), guid(402)]));
      expect(atGallery.some((a) => a.principalId === t.arm.appPrincipal.objectId && a.scope === sub)).toBe(true);
      const atGroup = await collect(authz().roleAssignments.listForScope(rgScope, { filter: "atScope()" }));
      expect(names(atGroup)).toContain(guid(401));
      expect(names(atGroup)).not.toContain(guid(402));
      const inGroup = await collect(authz().roleAssignments.listForResourceGroup(rg));
      expect(names(inGroup)).toEqual(expect.arrayContaining([guid(401), guid(402)]));
      const inSubscription = await collect(authz().roleAssignments.listForSubscription({ filter: `principalId eq '${principalId}'` }));
      expect(names(inSubscription).sort()).toEqual([guid(401), guid(402)]);

      await authz().roleAssignments.delete(galleryScope, guid(402));
      await authz().roleAssignments.delete(galleryScope, guid(402));
      expect(await statuses("DELETE", `/roleAssignments/${guid(402)}`)).toEqual([200, 204]);
      const gone = await restError(authz().roleAssignments.get(galleryScope, guid(402)));
      expect([gone.statusCode, gone.code]).toEqual([404, "RoleAssignmentNotFound"]);
    });
  });
});
