// Microsoft.ManagedIdentity: user-assigned identities. A PUT is synchronous and puts the identity's
// service principal in the directory (the authorization backend), where role assignments find it only
// after the scenario's replication delay unless they name its principalType.
import { randomUUID } from "node:crypto";
import { errors } from "../errors.js";
import type { ResourceRecord } from "../state.js";
import { assertValidBody } from "../spec-validation.js";
import type { ArmRequest, ArmResponse, Provider, RouteDef, Sim } from "../types.js";
import { REGIONS } from "./resources.js";
import { requestResourceId, requireLocation, requireResourceGroup, tagsOf } from "./tracked.js";

/** @azure/arm-msi 2.2 sends 2024-11-30, 2.1 sent 2023-01-31 (1.x is no longer published). */
const API_VERSIONS = ["2024-11-30", "2023-01-31"];
export const IDENTITY_TYPE = "Microsoft.ManagedIdentity/userAssignedIdentities";
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}$/;
const NAME_RULE = "The name must be 3 to 128 characters long, start with a letter or digit, and contain only letters, digits, hyphens and underscores.";

const GROUP = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}";
const COLLECTION = `${GROUP}/providers/Microsoft.ManagedIdentity/userAssignedIdentities`;

export function createMsiProvider(sim: Sim): Provider {
  function existing(req: ArmRequest): ResourceRecord {
    requireResourceGroup(sim, req);
    const record = sim.state.get(requestResourceId(req));
    if (!record) throw errors.resourceNotFound(IDENTITY_TYPE, req.params.name, req.params.resourceGroupName);
    return record;
  }

  function put(req: ArmRequest): ArmResponse {
    requireResourceGroup(sim, req);
    const { name } = req.params;
    if (!NAME.test(name)) throw errors.invalidResourceName(name, IDENTITY_TYPE, NAME_RULE);
    assertValidBody("UserAssignedIdentities_CreateOrUpdate", req.body);
    const body = req.body as Record<string, unknown>;
    const id = requestResourceId(req);
    const location = requireLocation(sim, body, id);
    if (!REGIONS.includes(location)) throw errors.invalidLocation(location);
    const previous = sim.state.get(id);
    // The principal and client ids belong to the identity for life: a re-PUT keeps them.
    const ids = (previous?.body.properties as Record<string, string> | undefined) ?? { principalId: randomUUID(), clientId: randomUUID() };
    const requested = (body.properties ?? {}) as Record<string, unknown>;
    const properties = {
      tenantId: sim.tenantId,
      principalId: ids.principalId,
      clientId: ids.clientId,
      ...(requested.isolationScope !== undefined ? { isolationScope: requested.isolationScope } : {}),
    };
    const record = sim.state.put({
      id: previous?.id ?? id,
      type: IDENTITY_TYPE,
      name: previous?.name ?? name,
      body: { id: previous?.id ?? id, name: previous?.name ?? name, type: IDENTITY_TYPE, location, tags: tagsOf(body) ?? {}, properties },
      internal: {},
      createdAt: previous?.createdAt ?? sim.clock.now(),
    });
    if (!previous) {
      sim.backends.authorization.registerPrincipal({ objectId: properties.principalId, clientId: properties.clientId, displayName: name, type: "ServicePrincipal" });
    }
    return { status: previous ? 200 : 201, body: record.body };
  }

  function remove(req: ArmRequest): ArmResponse {
    requireResourceGroup(sim, req);
    const record = sim.state.get(requestResourceId(req));
    if (!record) return { status: 204 };
    sim.state.delete(record.id);
    sim.backends.authorization.removePrincipal(String((record.body.properties as Record<string, unknown>).principalId));
    return { status: 200 };
  }

  function list(req: ArmRequest): ArmResponse {
    const { subscriptionId, resourceGroupName } = req.params;
    if (resourceGroupName !== undefined) requireResourceGroup(sim, req);
    const scope = `/subscriptions/${subscriptionId}` + (resourceGroupName !== undefined ? `/resourceGroups/${resourceGroupName}` : "");
    return { status: 200, body: { value: sim.state.ofType(IDENTITY_TYPE, scope).map((r) => r.body) } };
  }

  const route = (method: RouteDef["method"], pattern: string, handler: RouteDef["handler"]): RouteDef => ({ method, pattern, apiVersions: API_VERSIONS, handler });
  return {
    name: "msi",
    routes: [
      route("PUT", `${COLLECTION}/{name}`, put),
      route("GET", `${COLLECTION}/{name}`, (req) => ({ status: 200, body: existing(req).body })),
      route("DELETE", `${COLLECTION}/{name}`, remove),
      route("GET", COLLECTION, list),
      route("GET", "/subscriptions/{subscriptionId}/providers/Microsoft.ManagedIdentity/userAssignedIdentities", list),
    ],
  };
}
