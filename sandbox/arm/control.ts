// The sandbox's control plane under /_sandbox, kept apart from the ARM API (moto's /moto-api): the clock,
// the scenario knobs, fault rules, the request log, a dump of all resources, and reset. No auth: it
// listens on loopback only, like the rest of the sandbox.
import { errors } from "./errors.js";
import type { Faults } from "./faults.js";
import type { RequestLog } from "./request-log.js";
import { splitUrl, type RawRequest, type RawResponse } from "./server.js";
import type { Scenario, Sim } from "./types.js";

export interface ControlDeps {
  sim: Sim;
  faults: Faults;
  log: RequestLog;
  /** deep-merges a patch into the scenario (null removes an optional field) */
  patchScenario(patch: unknown): Scenario;
  reset(): void;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Merges `patch` into `target` in place: objects recurse, arrays and scalars replace, null deletes. */
export function deepMerge(target: Record<string, unknown>, patch: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete target[k];
    else if (isRecord(v) && isRecord(target[k])) deepMerge(target[k], v);
    else target[k] = v;
  }
}

const ok = (body: unknown, status = 200): RawResponse => ({
  status,
  headers: { "content-type": "application/json; charset=utf-8" },
  body: JSON.stringify(body),
});

export function createControl(deps: ControlDeps): (req: RawRequest) => Promise<RawResponse> {
  const { sim } = deps;

  const clockView = () => {
    const next = sim.clock.nextEvent();
    return {
      now: sim.clock.date().toISOString(),
      nowMs: sim.clock.now(),
      scale: sim.clock.scale,
      ...(next !== undefined ? { nextEvent: new Date(next).toISOString(), nextEventMs: next } : {}),
    };
  };

  function clock(method: string, body: Record<string, unknown>): RawResponse {
    if (method === "POST") {
      if (body.scale !== undefined) {
        if (typeof body.scale !== "number" || !(body.scale > 0)) throw errors.badRequest("InvalidClockChange", "'scale' must be a positive number.");
        sim.clock.setScale(body.scale);
      }
      if (body.advanceMs !== undefined) {
        if (typeof body.advanceMs !== "number" || body.advanceMs < 0) throw errors.badRequest("InvalidClockChange", "'advanceMs' must be a number ≥ 0.");
        sim.clock.advance(body.advanceMs);
      }
      if (body.jump === "next") sim.clock.jumpToNextEvent();
    }
    return ok(clockView());
  }

  type Handler = (body: Record<string, unknown>) => RawResponse;
  const table: Record<string, Partial<Record<string, Handler>>> = {
    clock: { GET: (b) => clock("GET", b), POST: (b) => clock("POST", b) },
    scenario: { GET: () => ok(sim.scenario()), PATCH: (b) => ok(deps.patchScenario(b)) },
    faults: {
      GET: () => ok(deps.faults.list()),
      POST: (b) => ok(deps.faults.add(b), 201),
      DELETE: () => (deps.faults.clear(), ok({ cleared: true })),
    },
    requests: { GET: () => ok(deps.log.list()), DELETE: () => (deps.log.clear(), ok({ cleared: true })) },
    resources: { GET: () => ok(sim.state.dump().resources) },
    reset: { POST: () => (deps.reset(), ok({ reset: true })) },
  };

  return async (raw) => {
    const name = splitUrl(raw.url).pathname.replace(/^\/_sandbox\/?/, "").replace(/\/$/, "");
    const entry = table[name];
    if (!entry) throw errors.notFound("NotFound", `No control endpoint /_sandbox/${name}. Known: ${Object.keys(table).join(", ")}.`);
    const handler = entry[raw.method];
    if (!handler) throw errors.methodNotAllowed(raw.method);
    let body: unknown = {};
    if (raw.body.length > 0) {
      try {
        body = JSON.parse(raw.body.toString("utf8"));
      } catch {
        throw errors.invalidRequestContent("The control request body is not JSON.");
      }
    }
    if (!isRecord(body)) throw errors.invalidRequestContent("The control request body must be a JSON object.");
    return handler(body);
  };
}
