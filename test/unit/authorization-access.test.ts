import { beforeEach, describe, expect, it } from "vitest";
import { Clock } from "../../sandbox/arm/clock.js";
import { ArmState } from "../../sandbox/arm/state.js";
import { defaultScenario, type Backends, type Operations, type Principal, type Scenario, type Sim } from "../../sandbox/arm/types.js";
import { createAuthorizationModel, type AuthorizationModel } from "../../sandbox/arm/providers/authorization/model.js";
import { actionMatches, containsScope } from "../../sandbox/arm/providers/authorization/permissions.js";

const sub = "/subscriptions/6b1f3e51-5b0a-4c8e-9a53-0e3a3c0b2f11";
const rg = `${sub}/resourceGroups/rg`;
const gallery = `${rg}/providers/Microsoft.Compute/galleries/g1`;
const principal = "11111111-1111-4111-8111-111111111111";
const caller: Principal = { objectId: "22222222-2222-4222-8222-222222222222", clientId: "c", tenantId: "t" };

describe("action patterns and scopes", () => {
  it("matches wildcards case-insensitively, across segments", () => {
    expect(actionMatches("*", "Microsoft.Compute/galleries/write")).toBe(true);
    expect(actionMatches("*/read", "microsoft.compute/galleries/images/READ")).toBe(true);
    expect(actionMatches("*/read", "Microsoft.Compute/galleries/write")).toBe(false);
    expect(actionMatches("Microsoft.Compute/*", "Microsoft.Compute/galleries/images/versions/write")).toBe(true);
    expect(actionMatches("Microsoft.Compute/*", "Microsoft.ComputeSchedule/x/write")).toBe(false);
    expect(actionMatches("Microsoft.Authorization/*/Write", "Microsoft.Authorization/roleAssignments/write")).toBe(true);
  });

  it("contains scopes by whole segments", () => {
    expect(containsScope(rg, `${rg}/providers/Microsoft.Compute/galleries/g1`)).toBe(true);
    expect(containsScope(rg.toUpperCase(), rg)).toBe(true);
    expect(containsScope(rg, `${rg}2`)).toBe(false);
    expect(containsScope(gallery, rg)).toBe(false);
    expect(containsScope("/", rg)).toBe(true);
  });
});

describe("checkAccess", () => {
  let scenario: Scenario;
  let clock: Clock;
  let model: AuthorizationModel;

  beforeEach(() => {
    scenario = defaultScenario();
    // A clock that does not move on its own: each test moves it explicitly.
    clock = new Clock({ now: Date.UTC(2025, 0, 1), scale: 1e-9 });
    const sim: Sim = {
      state: new ArmState(),
      clock,
      subscriptionId: sub.split("/")[2],
      tenantId: "3f2c8a1e-7d4b-4e0a-9c6f-1b5e2d8a4c70",
      scenario: () => scenario,
      baseUrl: () => "https://127.0.0.1:1",
      // The authorization model needs neither operations nor other backends.
      operations: {} as Operations,
      backends: {} as Backends,
    };
    model = createAuthorizationModel(sim);
    model.backend.registerPrincipal({ objectId: principal, clientId: "c1", displayName: "aib", type: "ServicePrincipal" });
  });

  const access = (action: string, scope: string, at?: number) => model.backend.checkAccess(principal, action, scope, at);

  it("grants nothing without an assignment", () => {
    expect(access("Microsoft.Compute/galleries/read", gallery)).toBe(false);
  });

  it("lets Owner do anything at and below its scope, nothing elsewhere", () => {
    model.backend.assignBuiltInRole(principal, "Owner", rg);
    expect(access("Microsoft.Authorization/roleAssignments/write", gallery)).toBe(true);
    expect(access("Microsoft.Compute/galleries/write", rg)).toBe(true);
    expect(access("Microsoft.Compute/galleries/write", `${sub}/resourceGroups/rg2`)).toBe(false);
    expect(access("Microsoft.Resources/subscriptions/resourceGroups/read", sub)).toBe(false);
  });

  it("keeps Contributor away from role assignments, and Reader to reads", () => {
    model.backend.assignBuiltInRole(principal, "Contributor", rg);
    expect(access("Microsoft.Compute/galleries/images/versions/write", gallery)).toBe(true);
    expect(access("microsoft.authorization/roleassignments/WRITE", gallery)).toBe(false);
    expect(access("Microsoft.Authorization/roleAssignments/read", gallery)).toBe(true);

    const other = "33333333-3333-4333-8333-333333333333";
    model.backend.assignBuiltInRole(other, "Reader", sub);
    expect(model.backend.checkAccess(other, "Microsoft.Compute/galleries/read", gallery)).toBe(true);
    expect(model.backend.checkAccess(other, "Microsoft.Compute/galleries/write", gallery)).toBe(false);
  });

  it("records a service's built-in assignment once, as a listed resource", () => {
    model.backend.assignBuiltInRole(principal, "Contributor", rg);
    model.backend.assignBuiltInRole(principal, "Contributor", rg);
    const listed = model.listRoleAssignments(rg, `principalId eq '${principal}'`).body.value as { name: string }[];
    expect(listed).toHaveLength(1);
    expect(listed[0].name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("honours a custom role's actions and notActions once the role has replicated", () => {
    const roleName = "44444444-4444-4444-8444-444444444444";
    model.putRoleDefinition(rg, roleName, {
      properties: { roleName: "Gallery writer", permissions: [{ actions: ["Microsoft.Compute/galleries/*"], notActions: ["Microsoft.Compute/galleries/delete"] }], assignableScopes: [rg] },
    }, caller);
    clock.advance(scenario.roleReplicationMs);
    // A role id in another form (under the group, upper case) is stored in ARM's canonical form.
    const created = model.createRoleAssignment(rg, "55555555-5555-4555-8555-555555555555", {
      properties: { roleDefinitionId: `${rg}/providers/Microsoft.Authorization/roleDefinitions/${roleName.toUpperCase()}`, principalId: principal, principalType: "ServicePrincipal" },
    }, caller);
    expect(created.body.properties).toMatchObject({ roleDefinitionId: `${sub}/providers/Microsoft.Authorization/roleDefinitions/${roleName}`, scope: rg });
    expect(access("Microsoft.Compute/galleries/write", gallery)).toBe(true);
    expect(access("Microsoft.Compute/galleries/images/versions/write", gallery)).toBe(true);
    expect(access("Microsoft.Compute/galleries/delete", gallery)).toBe(false);
    expect(access("Microsoft.Network/virtualNetworks/write", rg)).toBe(false);
  });

  it("grants only after the assignment has propagated, also when asked about a past moment", () => {
    scenario.roleAssignmentPropagationMs = 5 * 60_000;
    const assignedAt = clock.now();
    model.backend.assignBuiltInRole(principal, "Contributor", rg);
    expect(access("Microsoft.Compute/galleries/write", gallery)).toBe(false);
    clock.advance(5 * 60_000);
    expect(access("Microsoft.Compute/galleries/write", gallery)).toBe(true);
    expect(access("Microsoft.Compute/galleries/write", gallery, assignedAt + 60_000)).toBe(false);
    expect(access("Microsoft.Compute/galleries/write", gallery, assignedAt - 1)).toBe(false);
  });

  it("reports when replication and propagation delays end, as pending events", () => {
    scenario.roleAssignmentPropagationMs = 10_000;
    const start = clock.now();
    model.backend.assignBuiltInRole(principal, "Reader", rg);
    expect([...model.pendingEvents()].sort((a, b) => a - b)).toEqual([start + 10_000, start + scenario.principalReplicationMs]);
    clock.advance(scenario.principalReplicationMs);
    expect([...model.pendingEvents()]).toEqual([]);
  });
});
