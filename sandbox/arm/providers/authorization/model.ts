// The authorization backend (moto's models.py): the directory of principals, custom role definitions,
// role assignments and the access check every ARM request passes. It never sees HTTP; it returns wire
// bodies and throws ArmErrors. Replication and propagation delays are derived from stored creation
// times and the clock when asked, never scheduled.
import { errors } from "../../errors.js";
import { key } from "../../state.js";
import type { ResourceRecord } from "../../state.js";
import { assertValidBody } from "../../spec-validation.js";
import type { AuthorizationBackend, Principal, Sim } from "../../types.js";
import { asObject, lastSegment } from "../tracked.js";
import { BUILT_IN_ROLES, builtInRole, containsScope, deterministicGuid, grants, isGuid, type Permission } from "./permissions.js";

export const ROLE_ASSIGNMENT_TYPE = "Microsoft.Authorization/roleAssignments";
export const ROLE_DEFINITION_TYPE = "Microsoft.Authorization/roleDefinitions";

interface DirectoryPrincipal {
  objectId: string;
  clientId: string;
  displayName: string;
  type: "ServicePrincipal" | "User";
  createdAt: number;
}

interface CustomRole {
  name: string;
  roleName: string;
  description: string;
  permissions: Permission[];
  assignableScopes: string[];
  createdAt: number;
  updatedAt: number;
  createdBy: string;
  updatedBy: string;
}

interface AssignmentProps {
  scope: string;
  roleDefinitionId: string;
  principalId: string;
  principalType?: string;
}

type Body = Record<string, unknown>;
type Listed = { status: 200; body: { value: unknown[] } };

const iso = (ms: number) => new Date(ms).toISOString();
const props = (r: ResourceRecord) => r.body.properties as AssignmentProps;
const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** `$filter` clauses joined by `and`: `atScope()`, `name eq 'value'`, `assignedTo('value')`. */
function parseFilter(filter: string | null): Map<string, string> {
  const clauses = new Map<string, string>();
  for (const clause of (filter ?? "").split(/\s+and\s+/i).map((c) => c.trim()).filter(Boolean)) {
    const eq = /^(\w+)\s+eq\s+'([^']*)'$/i.exec(clause);
    const call = /^(atScope|assignedTo)\(\s*'?([^')]*)'?\s*\)$/i.exec(clause);
    if (eq) clauses.set(eq[1].toLowerCase(), eq[2]);
    else if (call) clauses.set(call[1].toLowerCase(), call[2]);
    else throw errors.unsupportedFilter(filter ?? "");
  }
  return clauses;
}

export function createAuthorizationModel(sim: Sim) {
  const principals = () => sim.state.bag<Record<string, DirectoryPrincipal>>("authorization.principals", () => ({}));
  const customRoles = () => sim.state.bag<Record<string, CustomRole>>("authorization.roleDefinitions", () => ({}));
  const assignments = () => sim.state.ofType(ROLE_ASSIGNMENT_TYPE);

  /** Role definitions are tenant-wide; ARM names them under the subscription of the scope asked about. */
  const roleDefinitionId = (scope: string, guid: string) => {
    const subscription = /^\/subscriptions\/[^/]+/i.exec(scope)?.[0] ?? "";
    return `${subscription}/providers/${ROLE_DEFINITION_TYPE}/${guid}`;
  };

  function roleView(guid: string, scope: string) {
    const builtIn = builtInRole(guid);
    const custom = customRoles()[guid.toLowerCase()];
    if (!builtIn && !custom) return undefined;
    const common = { id: roleDefinitionId(scope, guid.toLowerCase()), name: guid.toLowerCase(), type: ROLE_DEFINITION_TYPE };
    if (builtIn) {
      const { roleName, description, permissions } = builtIn;
      return { ...common, properties: { roleName, description, type: "BuiltInRole", permissions, assignableScopes: ["/"], createdOn: "2015-02-02T21:55:09.8806423Z", updatedOn: "2024-01-01T00:00:00.0000000Z", createdBy: null, updatedBy: null } };
    }
    const { roleName, description, permissions, assignableScopes } = custom;
    return {
      ...common,
      properties: { roleName, description, type: "CustomRole", permissions, assignableScopes, createdOn: iso(custom.createdAt), updatedOn: iso(custom.updatedAt), createdBy: custom.createdBy, updatedBy: custom.updatedBy },
    };
  }

  /** Permissions of a role as role assignments see it: a custom role is unknown until it has replicated. */
  function replicatedRole(guid: string): Permission[] | undefined {
    const builtIn = builtInRole(guid);
    if (builtIn) return builtIn.permissions;
    const custom = customRoles()[guid.toLowerCase()];
    return custom && sim.clock.now() - custom.createdAt >= sim.scenario().roleReplicationMs ? custom.permissions : undefined;
  }

  function putRoleDefinition(scope: string, guid: string, body: unknown, caller: Principal) {
    if (!isGuid(guid)) throw errors.invalidRoleDefinitionId(guid);
    assertValidBody("RoleDefinitions_CreateOrUpdate", body);
    if (builtInRole(guid)) throw errors.builtInRoleNotModifiable(guid);
    const p = asObject((body as Body).properties) ?? {};
    if (typeof p.roleName !== "string" || !p.roleName.trim()) throw errors.roleNameRequired();
    const roleName = p.roleName;
    const assignableScopes = (p.assignableScopes as string[] | undefined) ?? [];
    if (!assignableScopes.some((s) => key(s) === key(scope))) throw errors.invalidAssignableScopes(scope);
    if (p.type !== undefined && String(p.type).toLowerCase() !== "customrole") throw errors.invalidRoleDefinitionType(String(p.type));
    const roles = customRoles();
    const id = guid.toLowerCase();
    const clash = Object.values(roles).find((r) => r.name !== id && r.roleName.toLowerCase() === roleName.toLowerCase());
    if (clash) throw errors.roleDefinitionWithSameNameExists();
    const existing = roles[id];
    if (!existing && Object.keys(roles).length >= sim.scenario().customRoleLimit) throw errors.roleDefinitionLimitExceeded();
    const now = sim.clock.now();
    roles[id] = {
      name: id,
      roleName,
      description: typeof p.description === "string" ? p.description : "",
      permissions: ((p.permissions as Partial<Permission>[] | undefined) ?? []).map((x) => ({
        actions: x.actions ?? [],
        notActions: x.notActions ?? [],
        dataActions: x.dataActions ?? [],
        notDataActions: x.notDataActions ?? [],
      })),
      assignableScopes,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
      createdBy: existing?.createdBy ?? caller.objectId,
      updatedBy: caller.objectId,
    };
    sim.state.save();
    return { status: 201 as const, body: roleView(id, scope) };
  }

  function getRoleDefinition(scope: string, guid: string) {
    const view = roleView(guid, scope);
    if (!view) throw errors.roleDefinitionNotFound(guid);
    return { status: 200 as const, body: view };
  }

  /** Built-in roles and the custom roles assignable at, above or below the scope. */
  function listRoleDefinitions(scope: string, filter: string | null): Listed {
    const clauses = parseFilter(filter);
    const relevant = (r: CustomRole) => r.assignableScopes.some((s) => containsScope(s, scope) || containsScope(scope, s));
    const ids = [...BUILT_IN_ROLES.map((r) => r.id), ...Object.values(customRoles()).filter(relevant).map((r) => r.name)];
    const views = ids.map((id) => roleView(id, scope)!).filter((v) => {
      const roleName = clauses.get("rolename");
      const type = clauses.get("type");
      return (roleName === undefined || sameId(v.properties.roleName, roleName)) && (type === undefined || sameId(v.properties.type, type));
    });
    return { status: 200, body: { value: views } };
  }

  function deleteRoleDefinition(scope: string, guid: string) {
    const view = roleView(guid, scope);
    if (!view) return { status: 204 as const };
    if (builtInRole(guid)) throw errors.builtInRoleNotModifiable(guid);
    if (assignments().some((a) => sameId(lastSegment(props(a).roleDefinitionId), guid))) throw errors.roleDefinitionHasAssignments();
    delete customRoles()[guid.toLowerCase()];
    sim.state.save();
    return { status: 200 as const, body: view };
  }

  const assignmentId = (scope: string, name: string) => `${scope}/providers/${ROLE_ASSIGNMENT_TYPE}/${name}`;
  const sameGrant = (a: AssignmentProps, b: AssignmentProps) =>
    sameId(a.principalId, b.principalId) && sameId(lastSegment(a.roleDefinitionId), lastSegment(b.roleDefinitionId)) && key(a.scope) === key(b.scope);

  function storeAssignment(scope: string, name: string, p: AssignmentProps & Body, createdBy: string): ResourceRecord {
    const now = sim.clock.now();
    const id = assignmentId(scope, name);
    const properties = { ...p, scope, createdOn: iso(now), updatedOn: iso(now), createdBy, updatedBy: createdBy };
    return sim.state.put({ id, type: ROLE_ASSIGNMENT_TYPE, name, body: { id, type: ROLE_ASSIGNMENT_TYPE, name, properties }, internal: {}, createdAt: now });
  }

  function createRoleAssignment(scope: string, name: string, body: unknown, caller: Principal) {
    if (!isGuid(name)) throw errors.invalidRoleAssignmentId(name);
    assertValidBody("RoleAssignments_Create", body);
    const requested = asObject((body as Body).properties) as AssignmentProps & Body;
    const roleGuid = lastSegment(requested.roleDefinitionId);
    if (!replicatedRole(roleGuid)) throw errors.roleDefinitionDoesNotExist(roleGuid);
    const principal = principals()[requested.principalId.toLowerCase()];
    // Without principalType ARM looks the principal up in a directory replica, which lags behind.
    const replicated = principal && sim.clock.now() - principal.createdAt >= sim.scenario().principalReplicationMs;
    if (!principal || (!requested.principalType && !replicated)) throw errors.principalNotFound(requested.principalId, sim.tenantId);
    // ARM stores the role's canonical id, whatever form of it the request used.
    const wanted = { ...requested, scope, roleDefinitionId: roleDefinitionId(scope, roleGuid.toLowerCase()), principalType: requested.principalType ?? principal.type };
    const existing = assignments().find((a) => sameId(a.name, name));
    if (existing) {
      if (!sameGrant(props(existing), wanted)) throw errors.roleAssignmentUpdateNotPermitted();
      return { status: 200 as const, body: existing.body };
    }
    const duplicate = assignments().find((a) => sameGrant(props(a), wanted));
    if (duplicate) throw errors.roleAssignmentExists(duplicate.name);
    return { status: 201 as const, body: storeAssignment(scope, name, wanted, caller.objectId).body };
  }

  function getRoleAssignment(scope: string, name: string) {
    const record = sim.state.get(assignmentId(scope, name));
    if (!record) throw errors.roleAssignmentNotFound(name);
    return { status: 200 as const, body: record.body };
  }

  function deleteRoleAssignment(scope: string, name: string) {
    const record = sim.state.get(assignmentId(scope, name));
    if (!record) return { status: 204 as const };
    sim.state.delete(record.id);
    return { status: 200 as const, body: record.body };
  }

  /** At, above and below the scope; `atScope()` keeps at and above; `principalId`/`assignedTo` pick one principal. */
  function listRoleAssignments(scope: string, filter: string | null): Listed {
    const clauses = parseFilter(filter);
    const principalId = clauses.get("principalid") ?? clauses.get("assignedto");
    const value = assignments()
      .filter((a) => containsScope(props(a).scope, scope) || (!clauses.has("atscope") && containsScope(scope, props(a).scope)))
      .filter((a) => principalId === undefined || sameId(props(a).principalId, principalId))
      .map((a) => a.body);
    return { status: 200, body: { value } };
  }

  const backend: AuthorizationBackend = {
    checkAccess(principalId, action, scope, at = sim.clock.now()) {
      const propagation = sim.scenario().roleAssignmentPropagationMs;
      return assignments().some((a) => {
        const p = props(a);
        if (!sameId(p.principalId, principalId) || a.createdAt + propagation > at || !containsScope(p.scope, scope)) return false;
        const permissions = replicatedRole(lastSegment(p.roleDefinitionId));
        return permissions !== undefined && grants(permissions, action);
      });
    },
    registerPrincipal(principal) {
      const bag = principals();
      const id = principal.objectId.toLowerCase();
      bag[id] = { ...principal, createdAt: bag[id]?.createdAt ?? sim.clock.now() };
      sim.state.save();
    },
    removePrincipal(objectId) {
      delete principals()[objectId.toLowerCase()];
      sim.state.save();
    },
    assignBuiltInRole(principalId, roleName, scope) {
      const role = BUILT_IN_ROLES.find((r) => r.roleName === roleName)!;
      const wanted = { scope, principalId, roleDefinitionId: roleDefinitionId(scope, role.id), principalType: principals()[principalId.toLowerCase()]?.type ?? "ServicePrincipal" };
      if (assignments().some((a) => sameGrant(props(a), wanted))) return;
      storeAssignment(scope, deterministicGuid(principalId, role.id, scope), wanted, principalId);
    },
  };

  /** When a principal, a custom role or an assignment next becomes visible (for "jump to next event"). */
  function* pendingEvents(): Iterable<number> {
    const now = sim.clock.now();
    const scenario = sim.scenario();
    const times = [
      ...Object.values(principals()).map((p) => p.createdAt + scenario.principalReplicationMs),
      ...Object.values(customRoles()).map((r) => r.createdAt + scenario.roleReplicationMs),
      ...assignments().map((a) => a.createdAt + scenario.roleAssignmentPropagationMs),
    ];
    for (const t of times) if (t > now) yield t;
  }

  return {
    backend,
    pendingEvents,
    putRoleDefinition,
    getRoleDefinition,
    listRoleDefinitions,
    deleteRoleDefinition,
    createRoleAssignment,
    getRoleAssignment,
    deleteRoleAssignment,
    listRoleAssignments,
  };
}

export type AuthorizationModel = ReturnType<typeof createAuthorizationModel>;
