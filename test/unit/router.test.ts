import { describe, expect, it } from "vitest";
import { Router } from "../../sandbox/arm/router.js";

describe("ARM path router", () => {
  const router = new Router<string>();
  router.add("PUT", "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}", "rg");
  router.add("PUT", "/{*scope}/providers/Microsoft.Authorization/roleAssignments/{name}", "ra");

  it("matches literal segments case-insensitively and decodes parameters", () => {
    const m = router.match("put", "/subscriptions/s1/resourcegroups/my%20rg");
    expect(m).toEqual({ kind: "found", handler: "rg", params: { subscriptionId: "s1", resourceGroupName: "my rg" } });
  });

  it("lets a scope parameter span several segments", () => {
    const m = router.match("PUT", "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Authorization/roleAssignments/abc");
    expect(m).toMatchObject({ kind: "found", handler: "ra", params: { scope: "subscriptions/s1/resourceGroups/rg", name: "abc" } });
  });

  it("tells a wrong method from an unknown path", () => {
    expect(router.match("GET", "/subscriptions/s1/resourceGroups/rg")).toEqual({ kind: "methodNotAllowed", allowed: ["PUT"] });
    expect(router.match("GET", "/nothing/here")).toEqual({ kind: "notFound" });
  });
});
