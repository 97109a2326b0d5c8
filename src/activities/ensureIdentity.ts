// How-to step "create the user-assigned identity" AIB uses to read the source and write the gallery.
import type { ImageScope } from "../builds/scope.js";
import { identityName } from "../azure/names.js";
import { getClients } from "./deps.js";

export const ensureIdentityName = "ensureIdentity";

export type Input = ImageScope;

export interface Output {
  id: string;
  principalId: string;
  clientId: string;
}

export async function ensureIdentity(input: Input): Promise<Output> {
  const { userAssignedIdentities } = getClients(input.subscriptionId).msi;
  // PUT is idempotent for an identity: an existing one keeps its principal.
  const identity = await userAssignedIdentities.createOrUpdate(input.resourceGroup, identityName({ name: input.image }), {
    location: input.location,
  });
  if (!identity.id || !identity.principalId || !identity.clientId) {
    throw new Error(`Azure returned identity ${identityName({ name: input.image })} without id, principalId or clientId`);
  }
  return { id: identity.id, principalId: identity.principalId, clientId: identity.clientId };
}
