// Injected failures, set through the control API: the first `count` requests whose method and path match
// a rule get its error (or a dropped connection) instead of reaching a provider, or, for a hold rule, reach
// it and have their answer held back. Rules live in memory only.
import { randomUUID } from "node:crypto";
import { ArmError, errors } from "./errors.js";

export interface FaultRule {
  id: string;
  method?: string;
  /** regular expression over the request path, case-insensitive */
  path: string;
  status: number;
  code: string;
  message: string;
  retryAfterSeconds?: number;
  /** destroy the connection without answering */
  drop?: boolean;
  /**
   * serve the request, then hold its answer until the rules are cleared: the write is done but the
   * caller has not heard of it yet (a crash test kills the host in that window)
   */
  hold?: boolean;
  count: number;
  remaining: number;
}

const defaults: Record<number, { code: string; message: string }> = {
  429: { code: "TooManyRequests", message: "The request is being throttled as the limit has been reached for operation type." },
  503: { code: "ServiceUnavailable", message: "The service is temporarily unavailable." },
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export class Faults {
  #rules: FaultRule[] = [];
  #held: (() => void)[] = [];

  /** Validates and stores a rule from the control API. */
  add(input: unknown): FaultRule {
    if (!isRecord(input) || typeof input.path !== "string") throw errors.badRequest("InvalidFaultRule", "A fault rule needs a 'path' regular expression.");
    try {
      new RegExp(input.path, "i");
    } catch {
      throw errors.badRequest("InvalidFaultRule", `'${input.path}' is not a valid regular expression.`);
    }
    const count = input.count === undefined ? 1 : input.count;
    if (typeof count !== "number" || !Number.isInteger(count) || count < 1) throw errors.badRequest("InvalidFaultRule", "'count' must be a positive integer.");
    const status = typeof input.status === "number" ? input.status : 500;
    const fallback = defaults[status] ?? { code: "InternalServerError", message: "Injected fault." };
    const rule: FaultRule = {
      id: randomUUID(),
      method: typeof input.method === "string" ? input.method.toUpperCase() : undefined,
      path: input.path,
      status,
      code: typeof input.code === "string" ? input.code : fallback.code,
      message: typeof input.message === "string" ? input.message : fallback.message,
      retryAfterSeconds: typeof input.retryAfterSeconds === "number" ? input.retryAfterSeconds : undefined,
      drop: input.drop === true ? true : undefined,
      hold: input.hold === true ? true : undefined,
      count,
      remaining: count,
    };
    this.#rules.push(rule);
    return rule;
  }

  list(): FaultRule[] {
    return [...this.#rules];
  }

  /** Clearing the rules also lets every held answer go. */
  clear(): void {
    this.#rules = [];
    for (const release of this.#held.splice(0)) release();
  }

  /** Resolves when the rules are next cleared. */
  released(): Promise<void> {
    return new Promise((resolve) => this.#held.push(resolve));
  }

  /** The first live rule matching the request, used up by one; undefined when none applies. */
  take(method: string, path: string): FaultRule | undefined {
    const rule = this.#rules.find((r) => (!r.method || r.method === method.toUpperCase()) && new RegExp(r.path, "i").test(path));
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.#rules = this.#rules.filter((r) => r !== rule);
    return rule;
  }
}

export function faultError(rule: FaultRule): ArmError {
  const headers = rule.retryAfterSeconds !== undefined ? { "retry-after": String(rule.retryAfterSeconds) } : undefined;
  return new ArmError(rule.status, rule.code, rule.message, { headers });
}
