// ARM asynchronous operations for every namespace: providers start one and answer 201/202 with its
// headers; clients then poll `.../locations/{loc}/operations/{id}` (Azure-AsyncOperation, a status body) or
// `.../operationResults/{id}` (Location: 202 until done, then 200 with the resource, or empty). The status is
// never stored: the owning provider derives it from state and the clock when it is polled.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { ArmError, errors } from "./errors.js";
import type { ArmRequest, ArmResponse, Operation, OperationState, Operations, Provider, RouteDef, Sim } from "./types.js";

/** Facts about the request being served that deep callees need (the poll URLs repeat its api-version). */
export const requestContext = new AsyncLocalStorage<{ apiVersion: string }>();

/** A route that accepts any api-version (operation polls repeat the version of the request that started them). */
export const ANY_API_VERSION = "*";

interface StoredOperation extends Operation {
  /** simulated ms at which a poll first saw it finished (its endTime) */
  endedAt?: number;
}

type Deps = Pick<Sim, "state" | "clock" | "subscriptionId" | "scenario" | "baseUrl">;

const BAG = "operations";

export function createOperations(deps: Deps): { operations: Operations; routes(providers: Provider[]): RouteDef[] } {
  const bag = () => deps.state.bag<Record<string, StoredOperation>>(BAG, () => ({}));
  const retryAfter = () => String(Math.max(1, deps.scenario().retryAfterSeconds));

  const url = (op: Operation, kind: "operations" | "operationResults") => {
    const apiVersion = requestContext.getStore()?.apiVersion;
    const query = apiVersion ? `?api-version=${encodeURIComponent(apiVersion)}` : "";
    return `${deps.baseUrl()}/subscriptions/${deps.subscriptionId}/providers/${op.namespace}/locations/${op.location}/${kind}/${op.id}${query}`;
  };

  const operations: Operations = {
    start(spec, kinds) {
      const operation: StoredOperation = { ...spec, id: randomUUID(), startedAt: deps.clock.now() };
      bag()[operation.id] = operation;
      deps.state.save();
      const headers: Record<string, string> = { "retry-after": retryAfter() };
      if (kinds.includes("azure-asyncoperation")) headers["azure-asyncoperation"] = url(operation, "operations");
      if (kinds.includes("location")) headers["location"] = url(operation, "operationResults");
      return { operation, headers };
    },
    get: (id) => bag()[id],
  };

  function routes(providers: Provider[]): RouteDef[] {
    const owners = new Map(providers.map((p) => [p.name, p]));

    /** The operation named by the URL and its current state; records its end time the first time it is seen finished. */
    function read(req: ArmRequest): { op: StoredOperation; state: OperationState } {
      const op = bag()[req.params.operationId];
      const owner = op && owners.get(op.provider);
      if (!op || !owner?.operationState || op.namespace.toLowerCase() !== req.params.namespace.toLowerCase()) {
        throw errors.notFound("OperationNotFound", `The operation '${req.params.operationId}' could not be found.`);
      }
      const state = owner.operationState(op);
      if (state.status !== "InProgress" && op.endedAt === undefined) {
        op.endedAt = deps.clock.now();
        deps.state.save();
      }
      return { op, state };
    }

    const status = (req: ArmRequest): ArmResponse => {
      const { op, state } = read(req);
      const running = state.status === "InProgress";
      return {
        status: 200,
        headers: running ? { "retry-after": retryAfter() } : {},
        body: {
          id: new URL(url(op, "operations")).pathname,
          name: op.id,
          status: state.status,
          startTime: new Date(op.startedAt).toISOString(),
          ...(op.endedAt !== undefined ? { endTime: new Date(op.endedAt).toISOString() } : {}),
          ...(state.percentComplete !== undefined ? { percentComplete: state.percentComplete } : running ? {} : { percentComplete: 100 }),
          ...(state.error ? { error: state.error } : {}),
        },
      };
    };

    const result = (req: ArmRequest): ArmResponse => {
      const { op, state } = read(req);
      switch (state.status) {
        case "InProgress":
          return { status: 202, headers: { location: url(op, "operationResults"), "retry-after": retryAfter() } };
        case "Succeeded":
          // 200 even without a body: some SDK deletes (resource groups) accept only 200/202 here.
          return { status: 200, body: state.resource };
        default:
          throw new ArmError(400, state.error?.code ?? state.status, state.error?.message ?? `The operation ${state.status.toLowerCase()}.`);
      }
    };

    const base = "/subscriptions/{subscriptionId}/providers/{namespace}/locations/{location}";
    return [
      { method: "GET", pattern: `${base}/operations/{operationId}`, apiVersions: [ANY_API_VERSION], handler: status },
      { method: "GET", pattern: `${base}/operationResults/{operationId}`, apiVersions: [ANY_API_VERSION], handler: result },
    ];
  }

  return { operations, routes };
}
