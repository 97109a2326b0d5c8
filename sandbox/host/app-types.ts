// What the worker seam hands the rest of the host: every function the app registered through
// `@azure/functions-core`, and one way to invoke any of them as the Node worker would.
import type { HostRequest, HostResponse } from "./http-types.js";

export interface BindingMeta {
  type: string;
  direction: "in" | "out" | "inout";
  [key: string]: unknown;
}

export interface FunctionRegistration {
  name: string;
  /** binding name → binding, as registered (the trigger is among them) */
  bindings: Record<string, BindingMeta>;
  /** the trigger binding's name and metadata (type: httpTrigger, timerTrigger, orchestrationTrigger, activityTrigger, ...) */
  triggerName: string;
  trigger: BindingMeta;
}

export interface InvocationLog {
  level: string;
  message: string;
}

export type InvocationResult =
  | { ok: true; value: unknown; logs: InvocationLog[] }
  | { ok: false; error: { name: string; message: string; stack?: string }; logs: InvocationLog[] };

export interface LoadedApp {
  functions: Map<string, FunctionRegistration>;
  /** durable and timer triggers: `triggerValue` is the trigger's JSON value (orchestration payload, activity input, timer info) */
  invoke(name: string, triggerValue: unknown): Promise<InvocationResult>;
  /** HTTP triggers: the request, with route parameters already matched */
  invokeHttp(name: string, request: HostRequest, params: Record<string, string>): Promise<HostResponse>;
}

/** Supplies the data of extra input bindings the host provides (e.g. `durableClient`), by binding type. */
export type ExtraInputProviders = Record<string, () => unknown>;
