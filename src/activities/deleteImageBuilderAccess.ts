// Cleanup of what ensureIdentity, ensureImageBuilderRole and assignImageBuilderRole made, in reverse:
// the role assignment, then the role (kept while another image's assignment still uses it), then the
// identity. Each delete is done when Azure says 404, so a re-run skips what is gone.
import type { ImageScope } from "../builds/scope.js";
import { identityName, roleAssignmentGuid } from "../azure/names.js";
import { findImageBuilderRole } from "./ensureImageBuilderRole.js";
import { getClients, getOrUndefined, isNotFound, resourceGroupId } from "./deps.js";

export const deleteImageBuilderAccessName = "deleteImageBuilderAccess";

export type Input = ImageScope;

export interface Output {
  roleAssignment: "deleted" | "absent";
  roleDefinition: "deleted" | "absent" | "inUse";
  identity: "deleted" | "absent";
}

async function deleteIfPresent(remove: () => Promise<unknown>): Promise<"deleted" | "absent"> {
  try {
    await remove();
    return "deleted";
  } catch (error) {
    if (isNotFound(error)) return "absent";
    throw error;
  }
}

export async function deleteImageBuilderAccess(input: Input): Promise<Output> {
  const { authorization, msi } = getClients(input.subscriptionId);
  const scope = resourceGroupId(input);
  const name = identityName({ name: input.image });
  const identity = await getOrUndefined(() => msi.userAssignedIdentities.get(input.resourceGroup, name));
  const role = await findImageBuilderRole(input);

  let roleAssignment: Output["roleAssignment"] = "absent";
  if (identity?.principalId && role) {
    const assignment = roleAssignmentGuid(scope, identity.principalId, role.id);
    roleAssignment = await deleteIfPresent(() => authorization.roleAssignments.delete(scope, assignment));
  }
  let roleDefinition: Output["roleDefinition"] = "absent";
  if (role) {
    try {
      roleDefinition = await deleteIfPresent(() => authorization.roleDefinitions.delete(scope, role.name));
    } catch (error) {
      // Other images in the same resource group share the role.
      if ((error as { code?: unknown }).code !== "RoleDefinitionHasAssignments") throw error;
      roleDefinition = "inUse";
    }
  }
  const identityState = identity ? await deleteIfPresent(() => msi.userAssignedIdentities.delete(input.resourceGroup, name)) : "absent";
  return { roleAssignment, roleDefinition, identity: identityState };
}
