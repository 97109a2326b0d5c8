// Our stand-in for `@azure/functions-core`, the module the real Node worker injects into the app's
// process. `@azure/functions` requires it lazily and caches a failure for the life of the process
// (then it drops every registration in "test mode"), so it must be resolvable before the app's entry
// point runs: we answer that one request id from Module._load, as the worker does.
import Module from "node:module";
import type { RpcHttp, RpcParameterBinding, RpcTypedData } from "./rpc.js";

/** The Functions host version the sandbox presents itself as (admin status, `coreApi.hostVersion`). */
export const HOST_VERSION = "4.1037.0";

export interface CoreBinding {
  type: string;
  direction: "in" | "out" | "inout";
  [key: string]: unknown;
}

export interface CoreFunctionMetadata {
  name: string;
  bindings: Record<string, CoreBinding>;
  [key: string]: unknown;
}

export type CoreCallback = (...args: unknown[]) => unknown;

export interface CoreInvocationRequest {
  invocationId: string;
  functionId: string;
  inputData: RpcParameterBinding[];
  triggerMetadata: Record<string, RpcTypedData>;
}

export interface CoreInvocationContext {
  invocationId: string;
  request: CoreInvocationRequest;
  metadata: CoreFunctionMetadata;
  state?: "preInvocationHooks" | "postInvocationHooks" | "invocation";
  log(level: string, category: string, message: string): void;
}

export interface CoreInvocationResponse {
  invocationId: string;
  outputData?: RpcParameterBinding[];
  returnValue?: RpcTypedData & { http?: RpcHttp };
}

export interface CoreInvocationModel {
  getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
  invokeFunction(context: unknown, inputs: unknown[], callback: CoreCallback): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<CoreInvocationResponse>;
}

export interface CoreProgrammingModel {
  name: string;
  version: string;
  getInvocationModel(coreCtx: CoreInvocationContext): CoreInvocationModel | Promise<CoreInvocationModel>;
  getCapabilities?(capabilities: Record<string, string>): Promise<Record<string, string>> | Record<string, string>;
}

export type HookName = "appStart" | "appTerminate" | "preInvocation" | "postInvocation" | "log";
export type HookCallback = (context: Record<string, unknown>) => unknown;

export class Disposable {
  #dispose: (() => void) | undefined;
  constructor(dispose: () => void) {
    this.#dispose = dispose;
  }
  dispose(): void {
    this.#dispose?.();
    this.#dispose = undefined;
  }
}

/** Everything the app registered through the core API. */
export class CoreRegistry {
  readonly functions = new Map<string, { metadata: CoreFunctionMetadata; callback: CoreCallback }>();
  readonly hooks = new Map<HookName, Set<HookCallback>>();
  readonly appHookData: Record<string, unknown> = {};
  model: CoreProgrammingModel | undefined;
  /** set once the entry point has loaded: the worker refuses registrations after startup */
  started = false;
  /** where the library's system logs go (`coreApi.log`) */
  systemLog: (level: string, category: string, message: string) => void = () => undefined;

  hooksFor(name: HookName): HookCallback[] {
    return [...(this.hooks.get(name) ?? [])];
  }

  async runHooks(name: HookName, context: Record<string, unknown>): Promise<void> {
    for (const hook of this.hooksFor(name)) await hook(context);
  }
}

let active: CoreRegistry | undefined;

function registry(): CoreRegistry {
  if (!active) throw new Error("@azure/functions-core is only available while the sandbox host loads an app");
  return active;
}

const coreModule = {
  version: "3.10.1",
  hostVersion: HOST_VERSION,
  Disposable,
  setProgrammingModel(model: CoreProgrammingModel): void {
    registry().model = model;
  },
  getProgrammingModel(): CoreProgrammingModel | undefined {
    return registry().model;
  },
  registerFunction(metadata: CoreFunctionMetadata, callback: CoreCallback): Disposable {
    const reg = registry();
    if (reg.started) throw new Error("A function can only be registered during app startup.");
    const key = metadata.name.toLowerCase();
    if (reg.functions.has(key)) throw new Error(`A function with the name "${metadata.name}" has already been registered.`);
    reg.functions.set(key, { metadata, callback });
    return new Disposable(() => {
      if (reg.started) throw new Error("A function can only be disposed during app startup.");
      reg.functions.delete(key);
    });
  },
  registerHook(name: HookName, callback: HookCallback): Disposable {
    const reg = registry();
    let set = reg.hooks.get(name);
    if (!set) reg.hooks.set(name, (set = new Set()));
    set.add(callback);
    return new Disposable(() => set.delete(callback));
  },
  log(level: string, category: string, message: string): void {
    registry().systemLog(level, category, message);
  },
};

let installed = false;

/** Makes `require("@azure/functions-core")` answer with the registry from now on. */
export function installCoreApi(reg: CoreRegistry): void {
  active = reg;
  if (installed) return;
  installed = true;
  // Module._load is internal, hence the cast; it is the hook every CommonJS require goes through.
  const internals = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = internals._load;
  internals._load = function (this: unknown, request: string, ...rest: unknown[]): unknown {
    if (request === "@azure/functions-core") return coreModule;
    return original.call(this, request, ...rest);
  };
}
