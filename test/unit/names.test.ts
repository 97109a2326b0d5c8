import { describe, expect, it } from "vitest";
import {
  customRole,
  deterministicGuid,
  identityName,
  roleAssignmentGuid,
  uuidV5,
  verificationNames,
} from "../../src/azure/names.js";

const SUB = "11111111-2222-3333-4444-555555555555";
const def = { name: "win2019-gallery", subscriptionId: SUB, resourceGroup: "aibwinsig", gallery: { name: "myIBSIG", imageDefinition: "winSvrimage" } };
const SCOPE = `/subscriptions/${SUB}/resourceGroups/aibwinsig`;
const GUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("deterministic GUIDs", () => {
  it("implements RFC 4122 version 5 (known vector: DNS namespace, www.example.com)", () => {
    expect(uuidV5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.example.com")).toBe("2ed6657d-e927-568b-95e1-2665a8aea6a2");
  });

  it("is stable, v5-shaped and separates its parts", () => {
    expect(deterministicGuid("a", "bc")).toBe(deterministicGuid("a", "bc"));
    expect(deterministicGuid("a", "bc")).not.toBe(deterministicGuid("ab", "c"));
    expect(deterministicGuid("x")).toMatch(GUID_V5);
  });

  it("gives one custom role per scope, whatever its casing, with a tenant-unique name", () => {
    const scope = SCOPE;
    const role = customRole(scope);
    expect(role).toEqual(customRole(scope.toUpperCase()));
    expect(role.guid).toMatch(GUID_V5);
    expect(role.roleName).toMatch(/^Azure Image Builder Image Def [0-9a-f]{8}$/);
    expect(customRole(`/subscriptions/${SUB}/resourceGroups/other`).roleName).not.toBe(role.roleName);
  });

  it("derives the role assignment GUID from scope, principal and role, so a new principal gets a new one", () => {
    const scope = SCOPE;
    const roleId = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${customRole(scope).guid}`;
    const a = roleAssignmentGuid(scope, "principal-1", roleId);
    expect(a).toBe(roleAssignmentGuid(scope.toLowerCase(), "PRINCIPAL-1", roleId));
    expect(a).not.toBe(roleAssignmentGuid(scope, "principal-2", roleId));
  });
});

describe("resource names", () => {
  it("names the identity after the image", () => {
    expect(identityName(def)).toBe("aibIdentity-win2019-gallery");
  });

  it("names a build's verification resources from its id, within Windows' 15-character computer names", () => {
    const n = verificationNames("build-win2019-gallery-20250102");
    expect(n).toEqual(verificationNames("build-win2019-gallery-20250102"));
    expect(n.computerName.length).toBeLessThanOrEqual(15);
    expect(new Set(Object.values(n)).size).toBe(Object.keys(n).length);
    expect(verificationNames("build-win2019-gallery-20250103").vm).not.toBe(n.vm);
  });
});
