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

  // Image Builder
  imageTemplateUpdateNotSupported: () =>
    new ArmError(409, "Conflict", "Update/Upgrade of image templates is currently not supported. Please change the name of the template you are submitting. For more info please check https://aka.ms/aib-updates"),
};
