// Lifecycle of tracked resources whose PUT and DELETE are long-running (Compute and Network). Nothing
// runs in the background: a PUT stores when it will be ready and a DELETE when the resource will be
// gone, and every read derives provisioningState (and purges finished deletes) from those times.
import type { ArmRequest, ArmResponse, Operation, OperationState, Sim } from "../types.js";
import type { ResourceRecord } from "../state.js";
import { errors } from "../errors.js";
import { assertValidBody } from "../spec-validation.js";

interface Lifecycle {
  /** simulated ms at which the last PUT completes */
  readyAt: number;
  /** the last PUT created the resource (Creating) rather than updated it (Updating) */
  creating: boolean;
  /** set by a DELETE: simulated ms at which the resource is gone */
  goneAt?: number;
}

export type ProvisioningState = "Creating" | "Updating" | "Succeeded" | "Deleting";

/** Azure stores locations in their short form ("West US" → "westus"). */
export const normaliseLocation = (location: string) => location.toLowerCase().replace(/\s+/g, "");

/** The ARM id of the resource a request addresses: its path, which keeps the caller's casing. */
export const requestResourceId = (req: ArmRequest) => req.path.replace(/\/+$/, "");

/** The last segment of an ARM id. */
export const lastSegment = (id: string) => id.slice(id.lastIndexOf("/") + 1);

/** `/subscriptions/{s}/resourceGroups/{rg}` of an ARM id (undefined when the id has none). */
export function resourceGroupOf(id: string): { subscriptionId: string; name: string } | undefined {
  const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)/i.exec(id);
  return m ? { subscriptionId: m[1], name: m[2] } : undefined;
}

export function requireResourceGroup(sim: Sim, req: ArmRequest): void {
  const { subscriptionId, resourceGroupName } = req.params;
  if (!sim.backends.resources.resourceGroup(subscriptionId, resourceGroupName)) throw errors.resourceGroupNotFound(resourceGroupName);
}

const lifecycle = (record: ResourceRecord) => record.internal.lifecycle as Lifecycle;

/** The record, unless it does not exist or its deletion has completed (then it is purged now). */
export function live(sim: Sim, id: string): ResourceRecord | undefined {
  const record = sim.state.get(id);
  if (!record) return undefined;
  const goneAt = lifecycle(record)?.goneAt;
  if (goneAt !== undefined && goneAt <= sim.clock.now()) {
    for (const child of sim.state.descendants(record.id)) sim.state.delete(child.id);
    sim.state.delete(record.id);
    return undefined;
  }
  return record;
}

/** Live records of one type, optionally inside a scope. */
export const liveOfType = (sim: Sim, type: string, scope?: string) =>
  sim.state.ofType(type, scope).filter((r) => live(sim, r.id));

export function provisioningState(sim: Sim, record: ResourceRecord): ProvisioningState {
  const l = lifecycle(record);
  if (l.goneAt !== undefined) return "Deleting";
  if (sim.clock.now() < l.readyAt) return l.creating ? "Creating" : "Updating";
  return "Succeeded";
}

/** Stores a created or replaced resource whose PUT completes after the scenario's default LRO time. */
export function putRecord(sim: Sim, record: Omit<ResourceRecord, "createdAt" | "internal">, internal: Record<string, unknown> = {}): ResourceRecord {
  const existing = live(sim, record.id);
  const now = sim.clock.now();
  const state: Lifecycle = { readyAt: now + sim.scenario().defaultLroMs, creating: !existing };
  return sim.state.put({
    ...record,
    id: existing?.id ?? record.id,
    createdAt: existing?.createdAt ?? now,
    internal: { ...existing?.internal, ...internal, lifecycle: state },
  });
}

export interface LroTarget {
  /** provider key, as in Provider.name */
  provider: string;
  namespace: string;
}

/** 201 (created) or 200 (updated) with the resource and the operation's headers. */
export function putResponse(
  sim: Sim,
  target: LroTarget,
  record: ResourceRecord,
  body: unknown,
  headers: ("azure-asyncoperation" | "location")[],
): ArmResponse {
  const { headers: h } = sim.operations.start(
    { ...target, location: String(record.body.location ?? record.internal.location ?? "global"), resourceId: record.id, kind: "put", data: { readyAt: lifecycle(record).readyAt } },
    headers,
  );
  return { status: lifecycle(record).creating ? 201 : 200, body, headers: h };
}

/** Marks a resource as deleting and answers 202 with the operation's headers (204 if there is nothing to delete). */
export function startDelete(
  sim: Sim,
  target: LroTarget,
  id: string,
  headers: ("azure-asyncoperation" | "location")[],
): ArmResponse {
  const record = live(sim, id);
  if (!record) return { status: 204 };
  const goneAt = scheduleDelete(sim, record, sim.clock.now() + sim.scenario().defaultLroMs);
  const { headers: h } = sim.operations.start(
    { ...target, location: String(record.body.location ?? record.internal.location ?? "global"), resourceId: record.id, kind: "delete", data: { goneAt } },
    headers,
  );
  return { status: 202, headers: h };
}

/** Marks a resource as deleting until `goneAt` (an earlier delete keeps its time); returns when it will be gone. */
export function scheduleDelete(sim: Sim, record: ResourceRecord, goneAt: number): number {
  const l = lifecycle(record);
  if (l.goneAt === undefined) {
    l.goneAt = goneAt;
    sim.state.save();
  }
  return l.goneAt;
}

/** State of the "put" and "delete" operations started above; `view` renders the finished resource. */
export function lifecycleOperationState(sim: Sim, op: Operation, view: (record: ResourceRecord) => unknown): OperationState {
  const now = sim.clock.now();
  const doneAt = Number(op.kind === "delete" ? op.data.goneAt : op.data.readyAt);
  if (now < doneAt) return { status: "InProgress" };
  if (op.kind === "delete") {
    live(sim, op.resourceId);
    return { status: "Succeeded" };
  }
  const record = live(sim, op.resourceId);
  if (!record) return { status: "Canceled", error: { code: "OperationCanceled", message: "The resource was deleted before the operation completed." } };
  return { status: "Succeeded", resource: view(record) };
}

/** Future completion times of PUTs and DELETEs of the given resource types. */
export function lifecycleEvents(sim: Sim, types: string[]): number[] {
  const now = sim.clock.now();
  return types
    .flatMap((t) => sim.state.ofType(t))
    .flatMap((r) => [lifecycle(r)?.readyAt, lifecycle(r)?.goneAt])
    .filter((t): t is number => t !== undefined && t > now);
}

/** Completes due deletes, so lists and references never see a resource that is already gone. */
export function purgeDeleted(sim: Sim, types: string[]): void {
  for (const t of types) for (const r of sim.state.ofType(t)) live(sim, r.id);
}

/** A plain-object view of an unknown JSON value (undefined when it is not an object). */
export const asObject = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

export function requireBody(req: ArmRequest): Record<string, unknown> {
  const body = asObject(req.body);
  if (!body) throw errors.invalidRequestContent("The request content was invalid and could not be deserialized: the body must be a JSON object.");
  return body;
}

/** A tracked resource's location: required, normalised, and unchangeable once created. */
export function requireLocation(sim: Sim, body: Record<string, unknown>, id: string): string {
  if (typeof body.location !== "string" || !body.location) throw errors.locationRequired();
  const location = normaliseLocation(body.location);
  const existing = live(sim, id);
  if (existing && existing.body.location !== location) {
    throw errors.invalidResourceLocation(lastSegment(id), String(existing.body.location), location, resourceGroupOf(id)?.name ?? "");
  }
  return location;
}

/**
 * What every PUT of a tracked resource starts with: its group exists, its body is an object valid per the
 * spec operation, and its location is given and unchanged. Returns the body, id, location and a copy of
 * `properties` to edit.
 */
export function parseTrackedPut(sim: Sim, req: ArmRequest, operationId: string, options?: { code?: string }) {
  requireResourceGroup(sim, req);
  const body = requireBody(req);
  assertValidBody(operationId, body, options);
  const id = requestResourceId(req);
  return { body, id, location: requireLocation(sim, body, id), requested: { ...asObject(body.properties) } };
}

export const tagsOf = (body: Record<string, unknown>) => asObject(body.tags) as Record<string, string> | undefined;
