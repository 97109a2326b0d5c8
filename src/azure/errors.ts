// The ONE mapping from whatever an Azure call throws to what the pipeline should do about it.
// Inputs: RestError (duck-typed on statusCode/code: with two copies of core-rest-pipeline loaded,
// `instanceof RestError` is false), core-lro's plain Error "The long-running operation has failed.
// <code>. <message>", and Node network errors. The result survives the Durable activity boundary,
// where only name and message cross: parseStepError(message) recovers it in the orchestrator.

export type StepErrorKind = "transient" | "permanent" | "needsPermission";

export interface StepErrorInfo {
  kind: StepErrorKind;
  code: string;
  /** Azure's message, whitespace-collapsed to one line */
  message: string;
  hint: string;
  statusCode?: number;
}

interface Rule {
  kind: StepErrorKind;
  hint: string;
}

const WAIT_FOR_RBAC = "role changes can take up to 10 minutes to apply: wait and retry";
const RETRY = "transient: retry with backoff";
const MISSING_PERMISSION_SOMEWHERE = "usually missing permissions on the source, the gallery or a File customizer's storage: read the template's provisioningError";
const RESOURCE_BUSY = "another operation holds the resource: retry when it ends";

/** By Azure error code (ARM, RBAC, AIB provisioningErrorCode, Compute). */
const BY_CODE: Record<string, Rule> = {
  PrincipalNotFound: { kind: "transient", hint: "the identity is new and not yet replicated in the directory: retry for a few minutes, and send principalType: ServicePrincipal" },
  RoleDefinitionDoesNotExist: { kind: "transient", hint: "a new custom role replicates slowly: retry the assignment for about a minute" },
  AuthorizationFailed: { kind: "needsPermission", hint: `grant the missing role to the identity named in the message; ${WAIT_FOR_RBAC}` },
  LinkedAuthorizationFailed: { kind: "needsPermission", hint: `grant the identity the linked action named in the message; ${WAIT_FOR_RBAC}` },
  InvalidAuthenticationToken: { kind: "needsPermission", hint: "the app's managed identity token was refused: check the identity and tenant" },
  MissingSubscriptionRegistration: { kind: "permanent", hint: "register the resource provider (POST /subscriptions/{s}/providers/{ns}/register) and wait for Registered" },
  RoleDefinitionLimitExceeded: { kind: "permanent", hint: "the directory has 5000 custom roles: delete unused ones; the factory reuses one role per resource group" },
  RoleAssignmentLimitExceeded: { kind: "permanent", hint: "the subscription has 4000 role assignments: remove unused ones" },
  RoleAssignmentExists: { kind: "permanent", hint: "the assignment already exists: treat as success" },
  RoleDefinitionWithSameNameExists: { kind: "permanent", hint: "role names are tenant-unique: look the role up by roleName and reuse it" },
  RoleAssignmentUpdateNotPermitted: { kind: "permanent", hint: "the assignment GUID belongs to another principal (a recreated identity?): derive it from scope, principal and role" },
  RoleDefinitionHasAssignments: { kind: "permanent", hint: "delete the role's assignments first" },
  ServerError: { kind: "transient", hint: "AIB service error: delete the template and resubmit" },
  InternalServerError: { kind: "transient", hint: RETRY },
  InternalOperationError: { kind: "needsPermission", hint: MISSING_PERMISSION_SOMEWHERE },
  ResourceDeploymentFailure: { kind: "needsPermission", hint: MISSING_PERMISSION_SOMEWHERE },
  TooManyRequests: { kind: "transient", hint: "throttled by ARM: wait for Retry-After and poll less often" },
  RetryableErrorDueToAnotherOperation: { kind: "transient", hint: RESOURCE_BUSY },
  AnotherOperationInProgress: { kind: "transient", hint: RESOURCE_BUSY },
  OperationPreempted: { kind: "transient", hint: RETRY },
  GatewayTimeout: { kind: "transient", hint: RETRY },
  ServiceUnavailable: { kind: "transient", hint: RETRY },
  RequestTimeout: { kind: "transient", hint: RETRY },
  ResourceNotFound: { kind: "permanent", hint: "the resource does not exist (wrong name, or not in this region)" },
  ResourceGroupNotFound: { kind: "permanent", hint: "create the resource group first" },
  NotFound: { kind: "permanent", hint: "the resource does not exist" },
  ValidationFailed: { kind: "permanent", hint: "AIB refused the template (e.g. cross-generation source and definition): fix the definition" },
  InvalidParameter: { kind: "permanent", hint: "a request value is invalid: fix the definition" },
  BadRequest: { kind: "permanent", hint: "the request is invalid: fix the definition" },
  SkuNotAvailable: { kind: "permanent", hint: "the VM size is not offered in this region: pick another size" },
  QuotaExceeded: { kind: "permanent", hint: "request more vCPU quota in the region or use a smaller VM size" },
  OperationNotAllowed: { kind: "permanent", hint: "usually a quota limit: request more quota or use a smaller VM size" },
  RequestDisallowedByPolicy: { kind: "permanent", hint: "an Azure Policy blocks the resource: exempt the IT_ staging resource group" },
  Canceled: { kind: "permanent", hint: "the operation was canceled" },
};

/** Rules that depend on the message more than the code (AIB reuses generic codes). */
const BY_MESSAGE: { test: RegExp; code: string; rule: Rule }[] = [
  { test: /Update\/Upgrade of image templates is currently not supported/i, code: "Conflict", rule: { kind: "permanent", hint: "image templates are immutable: delete the template first, then submit it again" } },
  { test: /Not authorized to access the resource/i, code: "AuthorizationFailed", rule: { kind: "needsPermission", hint: `grant the image builder identity access to the resource; ${WAIT_FOR_RBAC}` } },
  { test: /managed identity cannot be used/i, code: "IdentityNotUsable", rule: { kind: "permanent", hint: "the identity was deleted before the template: delete the template and resubmit" } },
];

const NETWORK_CODES = new Set([
  "ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "ESOCKETTIMEDOUT", "EPIPE", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH",
  "UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT", "REQUEST_SEND_ERROR",
]);

const LRO_FAILED = /^The long-running operation has failed\. ([^.\s]+)\. ([\s\S]*)$/;
const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

function fromStatus(statusCode: number | undefined): Rule {
  if (statusCode === 429 || statusCode === 408 || (statusCode !== undefined && statusCode >= 500)) return { kind: "transient", hint: RETRY };
  if (statusCode === 401 || statusCode === 403) return { kind: "needsPermission", hint: WAIT_FOR_RBAC };
  return { kind: "permanent", hint: "see the message" };
}

/** Classifies anything thrown by an Azure call. */
export function classifyAzureError(error: unknown): StepErrorInfo {
  if (error instanceof AzureStepError) return error.info;
  const e = (typeof error === "object" && error !== null ? error : { message: String(error) }) as Record<string, unknown>;
  const statusCode = typeof e.statusCode === "number" ? e.statusCode : undefined;
  let code = typeof e.code === "string" && e.code ? e.code : undefined;
  let message = oneLine(typeof e.message === "string" ? e.message : String(error));

  const lro = LRO_FAILED.exec(message);
  if (lro) [code, message] = [lro[1], oneLine(lro[2])];
  if (message === "Operation was canceled") code ??= "Canceled";

  const status = statusCode === undefined ? {} : { statusCode };
  if (code && NETWORK_CODES.has(code)) return { kind: "transient", code, message, hint: "network error talking to Azure: retry", ...status };
  for (const m of BY_MESSAGE) {
    if (m.test.test(message)) return { ...m.rule, code: code ?? m.code, message, ...status };
  }
  const rule = (code && Object.hasOwn(BY_CODE, code) ? BY_CODE[code] : undefined) ?? fromStatus(statusCode);
  return { ...rule, code: code ?? (statusCode ? `Http${statusCode}` : "Unknown"), message, ...status };
}

/** Thrown by activities: name and message carry kind and code across the Durable boundary. */
export class AzureStepError extends Error {
  readonly info: StepErrorInfo;
  constructor(info: StepErrorInfo) {
    super(`[${info.kind}] ${info.code}: ${info.message} — ${info.hint}`);
    this.name = `AzureStepError(${info.kind}/${info.code})`;
    this.info = info;
  }
  get kind(): StepErrorKind {
    return this.info.kind;
  }
  get code(): string {
    return this.info.code;
  }
}

export function toStepError(error: unknown): AzureStepError {
  return error instanceof AzureStepError ? error : new AzureStepError(classifyAzureError(error));
}

// The hint is the text after the last " — " (hints never contain one; Azure messages might).
const MARKER = /\[(transient|permanent|needsPermission)\] ([A-Za-z0-9_.-]+): (.*) — ([^—\n]*)$/m;

/**
 * Recovers a step error from the text an orchestrator sees (the host wraps the activity's message,
 * e.g. "Activity function 'x' failed: ..." or "Error: ...\n    at ..."); undefined when it is not one.
 */
export function parseStepError(text: string): StepErrorInfo | undefined {
  const m = MARKER.exec(text);
  if (!m) return undefined;
  return { kind: m[1] as StepErrorKind, code: m[2], message: m[3].trim(), hint: m[4].trim() };
}
