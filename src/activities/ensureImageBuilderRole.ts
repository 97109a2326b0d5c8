// How-to step "create the custom role" with the 7 actions AIB needs on the gallery's resource group.
// Role names are unique per tenant and custom roles are limited, so the role is found by its name and
// reused; its name and GUID derive from the scope, never from the run.
import type { ImageScope } from "../builds/scope.js";
import { customRole } from "../azure/names.js";
import { getClients, resourceGroupId } from "./deps.js";

export const ensureImageBuilderRoleName = "ensureImageBuilderRole";

/** aibRoleImageCreation.json, as in the how-to */
export const IMAGE_BUILDER_ACTIONS = [
  "Microsoft.Compute/galleries/read",
  "Microsoft.Compute/galleries/images/read",
  "Microsoft.Compute/galleries/images/versions/read",
  "Microsoft.Compute/galleries/images/versions/write",
  "Microsoft.Compute/images/write",
  "Microsoft.Compute/images/read",
  "Microsoft.Compute/images/delete",
];

export type Input = ImageScope;

export interface Output {
  /** full resource id of the role definition */
  roleDefinitionId: string;
  roleName: string;
  created: boolean;
}

/** The image builder role of the image's resource group, looked up by name (it may predate our GUID). */
export async function findImageBuilderRole(input: ImageScope): Promise<{ id: string; name: string } | undefined> {
  const { roleDefinitions } = getClients(input.subscriptionId).authorization;
  const scope = resourceGroupId(input);
  const { roleName } = customRole(scope);
  for await (const role of roleDefinitions.list(scope, { filter: `roleName eq '${roleName}'` })) {
    if (role.roleName === roleName && role.id && role.name) return { id: role.id, name: role.name };
  }
  return undefined;
}

export async function ensureImageBuilderRole(input: Input): Promise<Output> {
  const { roleDefinitions } = getClients(input.subscriptionId).authorization;
  const scope = resourceGroupId(input);
  const { roleName, guid } = customRole(scope);
  const existing = await findImageBuilderRole(input);
  if (existing) return { roleDefinitionId: existing.id, roleName, created: false };
  const role = await roleDefinitions.createOrUpdate(scope, guid, {
    roleName,
    description: "Image Builder access to create resources for the image build (aib-image-factory)",
    roleType: "CustomRole",
    permissions: [{ actions: IMAGE_BUILDER_ACTIONS, notActions: [] }],
    assignableScopes: [scope],
  });
  if (!role.id) throw new Error(`Azure returned role ${roleName} without an id`);
  return { roleDefinitionId: role.id, roleName, created: true };
}
