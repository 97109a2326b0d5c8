// Loads a v4-programming-model app the way the Node worker does and invokes its functions through the
// app's own programming model (getInvocationModel → getArguments → hooks → invokeFunction →
// getResponse), so bindings, durable wrappers and HTTP conversion are the library's, not ours.
import { randomUUID } from "node:crypto";
import { globSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ExtraInputProviders, FunctionRegistration, InvocationLog, InvocationResult, LoadedApp } from "./app-types.js";
import { CoreRegistry, installCoreApi, type CoreCallback, type CoreFunctionMetadata, type CoreInvocationContext, type CoreProgrammingModel, type CoreInvocationResponse } from "./core-api.js";
import type { HostRequest, HostResponse } from "./http-types.js";
import { fromRpcHttpResponse, fromTypedData, jsonTypedData, toRpcHttpRequest, type RpcParameterBinding, type RpcTypedData } from "./rpc.js";

export interface LoadAppOptions {
  settings: Record<string, string>;
  extraInputs: ExtraInputProviders;
  /** where invocation logs are printed, like func's console (default: stdout) */
  print?: (line: string) => void;
}

export interface SandboxApp extends LoadedApp {
  appDir: string;
  /** runs the app's appTerminate hooks */
  terminate(): Promise<void>;
}

const loaded = new Map<string, { app: Promise<SandboxApp>; options: LoadAppOptions }>();

/**
 * Loads the app at `appDir` into this process. Node caches modules, so one process hosts one app: a
 * second call for the same directory returns the same app (now using the new options), another
 * directory is refused.
 */
export function loadApp(appDir: string, options: LoadAppOptions): Promise<SandboxApp> {
  const dir = path.resolve(appDir);
  const existing = loaded.get(dir);
  if (existing) {
    applySettings(options.settings);
    Object.assign(existing.options, options);
    return existing.app;
  }
  if (loaded.size > 0) throw new Error(`this process already hosts ${[...loaded.keys()][0]}; run ${dir} in another process`);
  const current = { ...options };
  const app = load(dir, current);
  loaded.set(dir, { app, options: current });
  return app;
}

function applySettings(settings: Record<string, string>): void {
  // As func does with local.settings.json: a variable already set in the environment wins.
  for (const [name, value] of Object.entries(settings)) if (process.env[name] === undefined) process.env[name] = value;
}

async function load(appDir: string, options: LoadAppOptions): Promise<SandboxApp> {
  applySettings(options.settings);
  const reg = new CoreRegistry();
  installCoreApi(reg);
  const print = (line: string): void => (options.print ?? ((l: string) => process.stdout.write(`${l}\n`)))(line);
  reg.systemLog = (level, _category, message) => {
    if (level !== "debug" && level !== "trace") print(`[${level}] ${message}`);
  };

  for (const file of entryPoints(appDir)) await requireEntry(appDir, file);
  reg.started = true;
  if (!reg.model) throw new Error(`${appDir} did not set a programming model: does it use @azure/functions v4?`);
  const model: CoreProgrammingModel = reg.model;
  const capabilities = (await model.getCapabilities?.({})) ?? {};
  if (capabilities.HttpUri) throw new Error("HTTP streaming (app.setup({enableHttpStream})) is not supported by the sandbox host");
  await reg.runHooks("appStart", { hookData: reg.appHookData, appHookData: reg.appHookData, functionAppDirectory: appDir });

  const functions = new Map<string, FunctionRegistration>();
  for (const { metadata } of reg.functions.values()) functions.set(metadata.name, toRegistration(metadata));

  async function run(name: string, triggerData: RpcTypedData): Promise<{ response?: CoreInvocationResponse; result: InvocationResult }> {
    const entry = reg.functions.get(name.toLowerCase());
    if (!entry) return { result: { ok: false, error: { name: "FunctionNotFound", message: `no function named "${name}"` }, logs: [] } };
    const registration = toRegistration(entry.metadata);
    const invocationId = randomUUID();
    const logs: InvocationLog[] = [];
    try {
      const inputData: RpcParameterBinding[] = [{ name: registration.triggerName, data: triggerData }];
      for (const [bindingName, binding] of Object.entries(entry.metadata.bindings)) {
        const provider = binding.direction === "in" && bindingName !== registration.triggerName ? options.extraInputs[binding.type] : undefined;
        if (provider) inputData.push({ name: bindingName, data: jsonTypedData(provider()) });
      }
      const coreCtx = {
        invocationId,
        request: { invocationId, functionId: entry.metadata.name, inputData, triggerMetadata: {} },
        metadata: entry.metadata,
        state: undefined as InvocationState | undefined,
        log(level: string, category: string, message: string): void {
          if (category === "user") logs.push({ level, message });
          if (category === "user" || (level !== "debug" && level !== "trace")) print(`[${entry.metadata.name}] ${message}`);
          reg.runHooks("log", { level, category, message, hookData: {}, invocationContext: undefined }).catch(() => undefined);
        },
      };
      const invocation = await model.getInvocationModel(coreCtx);
      const { context, inputs } = await invocation.getArguments();
      const hookData: Record<string, unknown> = {};
      const pre = { hookData, appHookData: reg.appHookData, invocationContext: context, inputs, functionCallback: entry.callback as CoreCallback };
      await inState(coreCtx, "preInvocationHooks", () => reg.runHooks("preInvocation", pre));
      const post: Record<string, unknown> = { hookData, appHookData: reg.appHookData, invocationContext: context, inputs: pre.inputs, result: null, error: null };
      try {
        post.result = await inState(coreCtx, "invocation", () => invocation.invokeFunction(context, pre.inputs, pre.functionCallback));
      } catch (err) {
        post.error = err;
      }
      await inState(coreCtx, "postInvocationHooks", () => reg.runHooks("postInvocation", post));
      if (post.error) throw post.error;
      const response = await invocation.getResponse(context, post.result);
      return { response, result: { ok: true, value: fromTypedData(response.returnValue), logs } };
    } catch (err) {
      const error = err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : { name: "Error", message: String(err) };
      print(`[${entry.metadata.name}] Executed (Failed, Id=${invocationId}): ${error.message}`);
      return { result: { ok: false, error, logs } };
    }
  }

  return {
    appDir,
    functions,
    async invoke(name: string, triggerValue: unknown): Promise<InvocationResult> {
      return (await run(name, jsonTypedData(triggerValue))).result;
    },
    async invokeHttp(name: string, request: HostRequest, params: Record<string, string>): Promise<HostResponse> {
      const { response, result } = await run(name, { http: toRpcHttpRequest(request, params) });
      if (!result.ok || !response) return { status: 500 };
      return httpResponse(response, reg.functions.get(name.toLowerCase())!.metadata);
    },
    terminate: () => reg.runHooks("appTerminate", { hookData: reg.appHookData, appHookData: reg.appHookData }),
  };
}

type InvocationState = NonNullable<CoreInvocationContext["state"]>;

/** The worker marks what an invocation is doing, so the library can flag logs after completion. */
async function inState<T>(ctx: { state?: InvocationState }, state: InvocationState, fn: () => Promise<T>): Promise<T> {
  ctx.state = state;
  try {
    return await fn();
  } finally {
    ctx.state = undefined;
  }
}

/** The HTTP response is the `$return` binding, or else the first `http` output binding. */
function httpResponse(response: CoreInvocationResponse, metadata: CoreFunctionMetadata): HostResponse {
  const returned = response.returnValue?.http;
  if (returned) return fromRpcHttpResponse(returned);
  const outputName = Object.entries(metadata.bindings).find(([, b]) => b.direction === "out" && b.type.toLowerCase() === "http")?.[0];
  const output = response.outputData?.find((o) => o.name === outputName)?.data.http;
  // A function that sets no response: the host answers 204 No Content.
  return output ? fromRpcHttpResponse(output) : { status: 204 };
}

function toRegistration(metadata: CoreFunctionMetadata): FunctionRegistration {
  const trigger = Object.entries(metadata.bindings).find(([, b]) => /trigger$/i.test(b.type));
  if (!trigger) throw new Error(`function "${metadata.name}" has no trigger binding`);
  return { name: metadata.name, bindings: metadata.bindings, triggerName: trigger[0], trigger: trigger[1] };
}

/** The files `main` names in the app's package.json; like the worker, `main` may be a glob. */
export function entryPoints(appDir: string): string[] {
  const pkg = JSON.parse(readFileSync(path.join(appDir, "package.json"), "utf8")) as { main?: string };
  const main = pkg.main ?? "index.js";
  const files = globSync(main.replace(/\\/g, "/"), { cwd: appDir }).map((f) => path.resolve(appDir, f)).sort();
  if (files.length === 0) throw new Error(`Found zero files matching the supplied "main" path "${main}" in ${appDir}`);
  return files;
}

async function requireEntry(appDir: string, file: string): Promise<void> {
  if (file.endsWith(".mjs")) {
    await import(pathToFileURL(file).href);
    return;
  }
  createRequire(path.join(appDir, "package.json"))(file);
}
