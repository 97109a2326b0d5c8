// How-to step "grant the role to the identity". The assignment's GUID derives from (scope, principal,
// role), so a re-run's PUT meets its own assignment (ARM answers 200, not 201: no read first is needed);
// RoleAssignmentExists (the same grant under another name) counts as success too. A fresh identity or role may not have replicated yet (PrincipalNotFound,
// RoleDefinitionDoesNotExist): the orchestrator retries.
import type { ImageScope } from "../builds/scope.js";
import { roleAssignmentGuid } from "../azure/names.js";
import { getClients, resourceGroupId } from "./deps.js";

export const assignImageBuilderRoleName = "assignImageBuilderRole";

export interface Input extends ImageScope {
  principalId: string;
  roleDefinitionId: string;
}

export interface Output {
  assignmentName: string;
  existed: boolean;
}

export async function assignImageBuilderRole(input: Input): Promise<Output> {
  const { roleAssignments } = getClients(input.subscriptionId).authorization;
  const scope = resourceGroupId(input);
  const assignmentName = roleAssignmentGuid(scope, input.principalId, input.roleDefinitionId);
  let status = 0;
  try {
    await roleAssignments.create(
      scope,
      assignmentName,
      {
        roleDefinitionId: input.roleDefinitionId,
        principalId: input.principalId,
        // Without it ARM looks the principal up in the directory, which lags behind a new identity.
        principalType: "ServicePrincipal",
      },
      { onResponse: (response) => (status = response.status) },
    );
    return { assignmentName, existed: status !== 201 };
  } catch (error) {
    if ((error as { code?: unknown }).code === "RoleAssignmentExists") return { assignmentName, existed: true };
    throw error;
  }
}
