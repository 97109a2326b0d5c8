// Every Azure name and GUID the factory creates is derived from the image definition (or the build's
// instance id), never random: a retried or replayed step finds what an earlier attempt created
// instead of leaking a twin, and role definitions/assignments are created once and reused.
import { createHash } from "node:crypto";
import type { ImageDefinition } from "../images/types.js";

/** Our UUID v5 namespace (itself random, fixed forever: changing it renames every role). */
const FACTORY_NAMESPACE = "6f1d1c52-3b8a-4e0f-9a64-2f3e8c7d5b19";

/** RFC 4122 name-based UUID, version 5 (SHA-1). */
export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ""), "hex");
  const bytes = createHash("sha1").update(ns).update(name, "utf8").digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A stable GUID for the parts; NUL-separated so ("a","bc") and ("ab","c") differ. */
export function deterministicGuid(...parts: string[]): string {
  return uuidV5(FACTORY_NAMESPACE, parts.join("\u0000"));
}

/** First 8 hex characters of SHA-256: short, stable suffixes. */
export function shortHash(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 8);
}

export function identityName(def: Pick<ImageDefinition, "name">): string {
  return `aibIdentity-${def.name}`;
}

/**
 * The custom role for a scope. Role names are tenant-unique, so the name carries a hash of the
 * scope; the GUID is derived from the scope alone, so every image in one resource group shares it.
 */
export function customRole(scope: string): { roleName: string; guid: string } {
  const key = scope.toLowerCase(); // ARM ids are case-insensitive
  return { roleName: `Azure Image Builder Image Def ${shortHash(key)}`, guid: deterministicGuid("roleDefinition", key) };
}

/**
 * Derived from all three, so a recreated identity (new principal) gets a new assignment instead of
 * RoleAssignmentUpdateNotPermitted on the old GUID.
 */
export function roleAssignmentGuid(scope: string, principalId: string, roleDefinitionIdValue: string): string {
  return deterministicGuid("roleAssignment", scope.toLowerCase(), principalId.toLowerCase(), roleDefinitionIdValue.toLowerCase());
}

/** Templates are immutable: a changed definition gets a new name, an unchanged one reuses its template. */
export function templateName(imageName: string, contentHash: string): string {
  return `${imageName}-${contentHash.slice(0, 8)}`;
}

export interface VerificationNames {
  vm: string;
  /** Windows computer names are at most 15 characters */
  computerName: string;
  nic: string;
  vnet: string;
  subnet: string;
}

/** Names of a build's throwaway verification resources, from its build (instance) id. */
export function verificationNames(buildId: string): VerificationNames {
  const h = shortHash("verify", buildId);
  const base = `aibv-${h}`;
  return {
    vm: `${base}-vm`,
    computerName: `aibv${h}`,
    nic: `${base}-nic`,
    vnet: `${base}-vnet`,
    subnet: "default",
  };
}
