// Request bodies (and path names) are checked against the official OpenAPI specs, as an RP's generated
// model binding would, so a client that sends a field the real service rejects fails here too.
import { ArmError } from "./errors.js";
import { isObject, specs, type Json, type Located, type SpecLibrary } from "./spec-library.js";

export interface FieldViolation {
  /** dotted path into the body, e.g. `properties.customize[0].type` ("" for the body itself) */
  path: string;
  message: string;
}

export interface ValidateOptions {
  /** report fields the schema does not declare (AIB since 2024-02-01 rejects them, case-sensitively) */
  rejectUnknownFields?: boolean;
}

/** The schema of an operation's body parameter, and whether the body is required. */
function bodySchema(operationId: string): { schema: Located; required: boolean } | undefined {
  const body = specs().parameters(operationId).find((p) => p.node.in === "body");
  return body && { schema: { node: body.node.schema as Json, file: body.file }, required: body.node.required === true };
}

const childPath = (path: string, key: string) => (path ? `${path}.${key}` : key);

// Fields the client may echo back from a GET but cannot set.
const isReadOnly = (lib: SpecLibrary, loc: Located): boolean => {
  const target = lib.deref(loc);
  for (const node of [loc.node, target.node]) {
    if (node.readOnly === true) return true;
    const mutability = node["x-ms-mutability"];
    if (Array.isArray(mutability) && !mutability.includes("create") && !mutability.includes("update")) return true;
  }
  return false;
};

// An enum is closed unless x-ms-enum says `modelAsString: true`. Values compare case-insensitively,
// as ARM RPs (case-insensitive .NET enum parsing) accept "powershell" for "PowerShell".
const enumViolation = (node: Json, value: unknown): string | undefined => {
  const values = node.enum as unknown[] | undefined;
  const extensible = (node["x-ms-enum"] as Json | undefined)?.modelAsString === true;
  if (!values || extensible) return undefined;
  const text = String(value).toLowerCase();
  if (values.some((v) => String(v).toLowerCase() === text)) return undefined;
  return `The value '${String(value)}' is not valid. Allowed values: ${values.map(String).join(", ")}.`;
};

const patterns = new Map<string, RegExp | undefined>();
/** A spec `pattern` as a RegExp; one JavaScript cannot compile is not enforced rather than failing the request. */
function compiled(pattern: string): RegExp | undefined {
  if (!patterns.has(pattern)) {
    try {
      patterns.set(pattern, new RegExp(pattern));
    } catch {
      patterns.set(pattern, undefined);
    }
  }
  return patterns.get(pattern);
}

class Checker {
  readonly violations: FieldViolation[] = [];
  constructor(
    private readonly lib: SpecLibrary,
    private readonly options: ValidateOptions,
  ) {}

  check(loc: Located, value: unknown, path: string): void {
    const { node, file } = this.lib.deref(loc);
    const type = node.type ?? (node.properties || node.allOf || node.additionalProperties ? "object" : undefined);
    if (value === null || value === undefined) return;
    const fail = (message: string): void => void this.violations.push({ path, message });
    if (type === "object") return this.#object({ node, file }, value, path);
    if (type === "array") {
      if (!Array.isArray(value)) return fail(`Expected an array, got ${typeof value}.`);
      if (typeof node.minItems === "number" && value.length < node.minItems) fail(`At least ${node.minItems} items are required.`);
      if (typeof node.maxItems === "number" && value.length > node.maxItems) fail(`At most ${node.maxItems} items are allowed.`);
      if (isObject(node.items)) value.forEach((item, i) => this.check({ node: node.items as Json, file }, item, `${path}[${i}]`));
      return;
    }
    if (type === "string" && typeof value !== "string") return fail(`Expected a string, got ${typeof value}.`);
    if (type === "boolean" && typeof value !== "boolean") return fail(`Expected a boolean, got ${typeof value}.`);
    if ((type === "integer" || type === "number") && typeof value !== "number") return fail(`Expected a ${type}, got ${typeof value}.`);
    if (type === "integer" && !Number.isInteger(value)) return fail(`Expected an integer, got ${String(value)}.`);
    const badEnum = enumViolation(node, value);
    if (badEnum) return fail(badEnum);
    if (typeof value === "string") {
      if (typeof node.minLength === "number" && value.length < node.minLength) fail(`The value must be at least ${node.minLength} characters long.`);
      if (typeof node.maxLength === "number" && value.length > node.maxLength) fail(`The value must be at most ${node.maxLength} characters long.`);
      if (typeof node.pattern === "string" && compiled(node.pattern)?.test(value) === false) fail(`The value '${value}' does not match the pattern '${node.pattern}'.`);
    }
    if (typeof value === "number") {
      if (typeof node.minimum === "number" && (node.exclusiveMinimum ? value <= node.minimum : value < node.minimum)) fail(`The value ${value} is below the minimum ${node.minimum}.`);
      if (typeof node.maximum === "number" && (node.exclusiveMaximum ? value >= node.maximum : value > node.maximum)) fail(`The value ${value} is above the maximum ${node.maximum}.`);
    }
  }

  #object(loc: Located, value: unknown, path: string): void {
    if (!isObject(value)) {
      this.violations.push({ path, message: `Expected an object, got ${Array.isArray(value) ? "an array" : typeof value}.` });
      return;
    }
    let shape = this.lib.shape(loc);
    const disc = shape.discriminator;
    if (disc && typeof value[disc.property] === "string") {
      // Polymorphism: the discriminator value picks the concrete schema (e.g. a PowerShell customizer).
      const kinds = this.lib.subtypes(disc.root);
      const target = kinds.get((value[disc.property] as string).toLowerCase());
      if (!target) {
        const allowed = [...kinds.values()].map((k) => k.kind);
        this.violations.push({ path: childPath(path, disc.property), message: `The value '${String(value[disc.property])}' is not valid. Allowed values: ${allowed.join(", ")}.` });
        return;
      }
      shape = this.lib.shape(target);
    }
    for (const name of shape.required) {
      const prop = shape.properties.get(name);
      if ((value[name] === undefined || value[name] === null) && !(prop && isReadOnly(this.lib, prop))) {
        this.violations.push({ path: childPath(path, name), message: `The required property '${name}' is missing.` });
      }
    }
    for (const [name, field] of Object.entries(value)) {
      const prop = shape.properties.get(name);
      if (prop) {
        if (!isReadOnly(this.lib, prop)) this.check(prop, field, childPath(path, name));
      } else if (typeof shape.additional === "object") {
        this.check(shape.additional, field, childPath(path, name));
      } else if (shape.additional === false || (shape.additional === undefined && shape.properties.size > 0 && this.options.rejectUnknownFields)) {
        // (a bare `type: object` declares no members and is free-form, like GenericResource.properties)
        this.violations.push({ path: childPath(path, name), message: `Could not find member '${name}' on the object.` });
      }
    }
  }
}

/** Checks a request body against the body parameter of `operationId` in the official specs. */
export function validateBody(operationId: string, body: unknown, options: ValidateOptions = {}): FieldViolation[] {
  const param = bodySchema(operationId);
  if (!param) throw new Error(`operation ${operationId} takes no body`);
  if (body === undefined || body === null) {
    return param.required ? [{ path: "", message: "The request body is required." }] : [];
  }
  const checker = new Checker(specs(), options);
  checker.check(param.schema, body, "");
  return checker.violations;
}

/** `validateBody`, throwing the 400 ArmError an RP answers with (code `InvalidRequestContent` unless given). */
export function assertValidBody(operationId: string, body: unknown, options: ValidateOptions & { code?: string } = {}): void {
  const violations = validateBody(operationId, body, options);
  if (violations.length === 0) return;
  const describe = (v: FieldViolation) => (v.path ? `'${v.path}': ${v.message}` : v.message);
  const code = options.code ?? "InvalidRequestContent";
  throw new ArmError(400, code, `The request content was invalid. ${violations.map(describe).join(" ")}`, {
    target: violations[0].path || undefined,
    details: violations.map((v) => ({ code, message: describe(v), target: v.path })),
  });
}

/**
 * Checks path values (resource names) against the `in: path` parameters `operationId` declares
 * (pattern, minLength, maxLength); keys are the spec's parameter names, e.g. `{ galleryName: "g-1" }`.
 * Names the operation does not declare are ignored. Each violation's `path` is the parameter name.
 */
export function validatePathParameters(operationId: string, values: Record<string, string>): FieldViolation[] {
  const checker = new Checker(specs(), {});
  for (const param of specs().parameters(operationId)) {
    const name = param.node.name;
    if (param.node.in === "path" && typeof name === "string" && values[name] !== undefined) checker.check(param, values[name], name);
  }
  return checker.violations;
}
