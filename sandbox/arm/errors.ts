// The one catalogue of ARM errors the simulator returns, named after Azure's own codes (as moto names
// its exceptions). Only server.ts writes an error body: `{"error":{"code","message"}}`.

export interface ArmErrorOptions {
  headers?: Record<string, string>;
  target?: string;
  details?: { code: string; message: string; target?: string }[];
}

export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly options: ArmErrorOptions = {},
  ) {
    super(message);
    this.name = "ArmError";
  }

  toBody(): { error: Record<string, unknown> } {
    const error: Record<string, unknown> = { code: this.code, message: this.message };
    if (this.options.target) error.target = this.options.target;
    if (this.options.details) error.details = this.options.details;
    return { error };
  }
}

export const errors = {
  // Pipeline
  authenticationFailed: (message = "Authentication failed. The 'Authorization' header is missing.") =>
    new ArmError(401, "AuthenticationFailed", message),
  invalidAuthenticationToken: () =>
    new ArmError(401, "InvalidAuthenticationToken", "The access token is invalid."),
  missingApiVersion: () =>
    new ArmError(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests."),
  invalidApiVersion: (version: string, supported: string[]) =>
    new ArmError(400, "InvalidApiVersionParameter", `The api-version '${version}' is invalid. The supported versions are '${supported.join(",")}'.`),
  noRoute: (method: string, path: string) =>
    new ArmError(404, "InvalidResourceType", `The resource type could not be found for ${method} ${path}.`),
  methodNotAllowed: (method: string) =>
    new ArmError(405, "MethodNotAllowed", `The requested method '${method}' is not allowed for this resource.`),
  invalidRequestContent: (message: string) => new ArmError(400, "InvalidRequestContent", message),
  invalidRequestFormat: (message: string) => new ArmError(400, "InvalidRequestFormat", message),
  internal: (message = "Encountered internal server error. Diagnostic information: timestamp, correlation id.") =>
    new ArmError(500, "InternalServerError", message),
  throttled: (retryAfterSeconds: number) =>
    new ArmError(429, "TooManyRequests", "The request is being throttled as the limit has been reached for operation type. Please retry after the time given in Retry-After.", {
      headers: { "retry-after": String(retryAfterSeconds) },
    }),

  // Resources
  subscriptionNotFound: (subscriptionId: string) =>
    new ArmError(404, "SubscriptionNotFound", `The subscription '${subscriptionId}' could not be found.`),
  resourceGroupNotFound: (name: string) =>
    new ArmError(404, "ResourceGroupNotFound", `Resource group '${name}' could not be found.`),
  resourceNotFound: (type: string, name: string, resourceGroup?: string) =>
    new ArmError(404, "ResourceNotFound", `The Resource '${type}/${name}' under resource group '${resourceGroup ?? ""}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`),
  notFound: (code: string, message: string) => new ArmError(404, code, message),
  invalidResourceGroupLocation: (existing: string, requested: string) =>
    new ArmError(409, "InvalidResourceGroupLocation", `Invalid resource group location '${requested}'. The Resource group already exists in location '${existing}'.`),
  invalidResourceName: (name: string, type: string, rule: string) =>
    new ArmError(400, "InvalidResourceName", `The resource name '${name}' is invalid for ${type}. ${rule}`),
  locationRequired: () => new ArmError(400, "LocationRequired", "The location property is required for this definition."),
  invalidLocation: (location: string) =>
    new ArmError(400, "LocationNotAvailableForResourceType", `The provided location '${location}' is not available for resource type. List of available regions is 'westus,eastus,...'.`),
  missingSubscriptionRegistration: (namespace: string) =>
    new ArmError(409, "MissingSubscriptionRegistration", `The subscription is not registered to use namespace '${namespace}'. See https://aka.ms/rps-not-found for how to register subscriptions.`),
  conflict: (message: string) => new ArmError(409, "Conflict", message),
  badRequest: (code: string, message: string, target?: string) => new ArmError(400, code, message, { target }),
  invalidResourceGroupName: (name: string) =>
    new ArmError(400, "InvalidResourceGroupName", `The resource group name '${name}' is invalid. Resource group names only allow up to 90 characters and can only include alphanumeric, underscore, parentheses, hyphen, period (except at end), and Unicode characters that match the allowed characters.`),
  locationNotAvailableForResourceGroup: (location: string, regions: string[]) =>
    new ArmError(400, "LocationNotAvailableForResourceGroup", `The provided location '${location}' is not available for resource group. List of available regions is '${regions.join(",")}'.`),
  resourceGroupBeingDeleted: (name: string) =>
    new ArmError(409, "ResourceGroupBeingDeleted", `The resource group '${name}' is in deprovisioning state and cannot perform this operation.`),
  invalidResourceNamespace: (namespace: string) =>
    new ArmError(404, "InvalidResourceNamespace", `The resource namespace '${namespace}' is invalid.`),
  featureNotFound: (namespace: string, feature: string) =>
    new ArmError(404, "FeatureNotFound", `The feature '${feature}' could not be found in namespace '${namespace}'.`),

  // Authorization
  authorizationFailed: (clientId: string, objectId: string, action: string, scope: string) =>
    new ArmError(403, "AuthorizationFailed", `The client '${clientId}' with object id '${objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`),
  roleDefinitionWithSameNameExists: () =>
    new ArmError(409, "RoleDefinitionWithSameNameExists", "A custom role with the same name already exists in this directory. Use a different name."),
  roleDefinitionLimitExceeded: () =>
    new ArmError(400, "RoleDefinitionLimitExceeded", "Role definition limit exceeded. No more role definitions can be created."),
  roleDefinitionHasAssignments: () =>
    new ArmError(409, "RoleDefinitionHasAssignments", "There are existing role assignments referencing role (code: RoleDefinitionHasAssignments)."),
  roleDefinitionDoesNotExist: (id: string) =>
    new ArmError(400, "RoleDefinitionDoesNotExist", `The specified role definition with ID '${id}' does not exist.`),
  invalidRoleAssignmentId: (name: string) =>
    new ArmError(400, "InvalidRoleAssignmentId", `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`),
  invalidRoleDefinitionId: (name: string) =>
    new ArmError(400, "InvalidRoleDefinitionId", `The role definition ID '${name}' is not valid. The role definition ID must be a GUID.`),
  roleAssignmentExists: (existingName: string) =>
    new ArmError(409, "RoleAssignmentExists", `The role assignment already exists. The ID of the existing role assignment is ${existingName.replace(/-/g, "")}.`),
  roleAssignmentUpdateNotPermitted: () =>
    new ArmError(409, "RoleAssignmentUpdateNotPermitted", "Tenant ID, application ID, principal ID, and scope are not allowed to be updated."),
  principalNotFound: (principalId: string, tenantId: string) =>
    new ArmError(400, "PrincipalNotFound", `Principal ${principalId.replace(/-/g, "")} does not exist in the directory ${tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`),
  roleDefinitionNotFound: (id: string) =>
    new ArmError(404, "RoleDefinitionDoesNotExist", `The specified role definition with ID '${id}' does not exist.`),
  roleAssignmentNotFound: (name: string) =>
    new ArmError(404, "RoleAssignmentNotFound", `The role assignment '${name}' is not found.`),
  builtInRoleNotModifiable: (id: string) =>
    new ArmError(400, "RoleDefinitionUpdateNotPermitted", `The built-in role definition '${id}' cannot be modified or deleted.`),
  roleNameRequired: () =>
    new ArmError(400, "InvalidRoleDefinitionName", "The role definition name (properties.roleName) is required."),
  invalidAssignableScopes: (scope: string) =>
    new ArmError(400, "InvalidAssignableScopes", `The assignable scopes of the role definition must include the scope '${scope}' it is created at.`),
  invalidRoleDefinitionType: (type: string) =>
    new ArmError(400, "InvalidRoleDefinitionType", `The role definition type '${type}' is not valid. Only 'CustomRole' can be created.`),
  unsupportedFilter: (filter: string) => new ArmError(400, "UnsupportedQuery", `The filter '${filter}' is not supported.`),

  // Tracked resources (Compute, Network)
  invalidResourceLocation: (name: string, existing: string, requested: string, resourceGroup: string) =>
    new ArmError(409, "InvalidResourceLocation", `The resource '${name}' already exists in location '${existing}' in resource group '${resourceGroup}'. A resource with the same name cannot be created in location '${requested}'. Please select a new resource name.`),
  parentResourceNotFound: (parent: string) =>
    new ArmError(404, "ParentResourceNotFound", `Can not perform requested operation on nested resource. Parent resource '${parent}' not found.`),

  // Compute
  invalidParameter: (message: string, target: string) => new ArmError(400, "InvalidParameter", message, { target }),
  cannotDeleteResource: () =>
    new ArmError(409, "CannotDeleteResource", "Can not delete resource before nested resources are deleted."),
  propertyChangeNotAllowed: (property: string) =>
    new ArmError(409, "PropertyChangeNotAllowed", `Changing property '${property}' is not allowed.`, { target: property }),
  operationNotAllowed: (message: string) => new ArmError(400, "OperationNotAllowed", message),
  galleryImageNotFound: (message: string) => new ArmError(404, "GalleryImageNotFound", message),
  vmNetworkInterfaceNotFound: (nicId: string) =>
    new ArmError(400, "NotFound", `Resource ${nicId} not found.`, { target: "networkProfile.networkInterfaces" }),

  // Network
  invalidResourceReference: (referenced: string, by: string) =>
    new ArmError(400, "InvalidResourceReference", `Resource ${referenced} referenced by resource ${by} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`),
  nicInUse: (nicId: string, vmId: string) =>
    new ArmError(400, "NicInUse", `Network Interface ${nicId} is used by existing resource ${vmId}. In order to delete the network interface, it must be dissociated from the resource. To learn more, see aka.ms/deletenic.`),
  inUseSubnetCannotBeDeleted: (subnetName: string, usedBy: string) =>
    new ArmError(400, "InUseSubnetCannotBeDeleted", `Subnet ${subnetName} is in use by ${usedBy} and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.`),
  publicIpAddressInUse: (ipId: string, usedBy: string) =>
    new ArmError(400, "PublicIPAddressInUse", `Public IP address ${ipId} can not be deleted since it is still allocated to resource ${usedBy}. In order to delete the public IP, disassociate/detach the Public IP address from the resource.  To learn how to do this, see aka.ms/deletepublicip.`),
  inUseNetworkSecurityGroupCannotBeDeleted: (nsgId: string, usedBy: string[]) =>
    new ArmError(400, "InUseNetworkSecurityGroupCannotBeDeleted", `Network security group ${nsgId} cannot be deleted because it is in use by the following resources: ${usedBy.join(", ")}. In order to delete the Network security group, remove the association with the resource(s). To learn how to do this, see aka.ms/deletensg.`),

  // Image Builder
  imageTemplateUpdateNotSupported: () =>
    new ArmError(409, "Conflict", "Update/Upgrade of image templates is currently not supported. Please change the name of the template you are submitting. For more info please check https://aka.ms/aib-updates"),
  imageTemplateValidationFailed: (message: string) => new ArmError(400, "ValidationFailed", `Validation failed: ${message}`),
  imageTemplateBuildRunning: (action: "run" | "delete") =>
    new ArmError(409, "Conflict", action === "delete"
      ? "The image template has a build in progress and cannot be deleted. Please cancel the build (POST .../cancel) and wait for lastRunStatus.runState 'Canceled' before deleting it."
      : "The image template already has a build in progress. Wait for it to finish, or cancel it, before starting another run."),
  imageTemplateNotReady: (provisioningState: string) =>
    new ArmError(409, "Conflict", `The image template cannot be run: its provisioningState is '${provisioningState}'. Only a template that provisioned successfully can be run.`),
  imageTemplateNoBuildToCancel: () => new ArmError(409, "Conflict", "The image template has no build in progress to cancel."),
  runOutputNotFound: (name: string) => new ArmError(404, "ResourceNotFound", `The run output '${name}' was not found. Run outputs are created when a build distributes its image.`),
};
