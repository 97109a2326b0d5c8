// Microsoft.Authorization: role definitions and role assignments at any scope (moto's responses.py +
// urls.py). Handlers only pick the scope out of the path and call the model in ./authorization/.
import type { ArmRequest, AuthorizationBackend, Provider, RouteDef, Sim } from "../types.js";
import { createAuthorizationModel } from "./authorization/model.js";

/** @azure/arm-authorization 9 sends 2022-04-01; 8.x sent 2018-01-01-preview (roles) and 2018-09-01-preview (assignments). */
const ROLE_DEFINITION_VERSIONS = ["2022-04-01", "2018-01-01-preview"];
const ROLE_ASSIGNMENT_VERSIONS = ["2022-04-01", "2018-09-01-preview"];

const DEFINITIONS = "/{*scope}/providers/Microsoft.Authorization/roleDefinitions";
const ASSIGNMENTS = "/{*scope}/providers/Microsoft.Authorization/roleAssignments";

/** The scope as an ARM id: `{*scope}` captures it without its leading slash. */
const scopeOf = (req: ArmRequest) => "/" + req.params.scope.replace(/^\/+|\/+$/g, "");
const filterOf = (req: ArmRequest) => req.query.get("$filter");

export function createAuthorizationProvider(sim: Sim): Provider & { backend: AuthorizationBackend } {
  const model = createAuthorizationModel(sim);
  const route = (apiVersions: string[]) => (method: RouteDef["method"], pattern: string, handler: RouteDef["handler"]): RouteDef => ({ method, pattern, apiVersions, handler });
  const definitions = route(ROLE_DEFINITION_VERSIONS);
  const assignments = route(ROLE_ASSIGNMENT_VERSIONS);
  const routes: RouteDef[] = [
    definitions("GET", DEFINITIONS, (req) => model.listRoleDefinitions(scopeOf(req), filterOf(req))),
    definitions("GET", `${DEFINITIONS}/{roleDefinitionId}`, (req) => model.getRoleDefinition(scopeOf(req), req.params.roleDefinitionId)),
    definitions("PUT", `${DEFINITIONS}/{roleDefinitionId}`, (req) => model.putRoleDefinition(scopeOf(req), req.params.roleDefinitionId, req.body, req.principal)),
    definitions("DELETE", `${DEFINITIONS}/{roleDefinitionId}`, (req) => model.deleteRoleDefinition(scopeOf(req), req.params.roleDefinitionId)),
    assignments("GET", ASSIGNMENTS, (req) => model.listRoleAssignments(scopeOf(req), filterOf(req))),
    assignments("GET", `${ASSIGNMENTS}/{roleAssignmentName}`, (req) => model.getRoleAssignment(scopeOf(req), req.params.roleAssignmentName)),
    assignments("PUT", `${ASSIGNMENTS}/{roleAssignmentName}`, (req) => model.createRoleAssignment(scopeOf(req), req.params.roleAssignmentName, req.body, req.principal)),
    assignments("DELETE", `${ASSIGNMENTS}/{roleAssignmentName}`, (req) => model.deleteRoleAssignment(scopeOf(req), req.params.roleAssignmentName)),
  ];
  return { name: "authorization", routes, backend: model.backend, pendingEvents: model.pendingEvents };
}
