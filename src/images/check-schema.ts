// Walks a value against a schema node (schema.ts) and lists every problem by JSON path, instead of
// stopping at the first, so one edit-and-retry fixes a whole definition.
import type { FieldError } from "./types.js";
import type { ArrayNode, ObjectNode, RecordNode, SchemaNode, StringNode, UnionNode } from "./schema.js";

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function childPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}

type Report = (path: string, message: string) => void;

export function checkAgainstSchema(node: SchemaNode, value: unknown, path = ""): FieldError[] {
  const errors: FieldError[] = [];
  check(node, value, path, (p, message) => errors.push({ path: p, message }));
  return errors;
}

function check(node: SchemaNode, value: unknown, path: string, report: Report): void {
  switch (node.kind) {
    case "string":
      return checkString(node, value, path, report);
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value)) return report(path, "must be an integer");
      if ((node.minimum !== undefined && value < node.minimum) || (node.maximum !== undefined && value > node.maximum)) {
        report(path, `must be between ${node.minimum ?? "-∞"} and ${node.maximum ?? "∞"}`);
      }
      return;
    case "boolean":
      if (typeof value !== "boolean") report(path, "must be true or false");
      return;
    case "array":
      return checkArray(node, value, path, report);
    case "object":
      return checkObject(node, value, path, report);
    case "record":
      return checkRecord(node, value, path, report);
    case "union":
      return checkUnion(node, value, path, report);
  }
}

function checkString(node: StringNode, value: unknown, path: string, report: Report): void {
  if (typeof value !== "string") return report(path, "must be a string");
  if (node.minLength !== undefined && value.length < node.minLength) {
    return report(path, node.minLength === 1 ? "must not be empty" : `must be at least ${node.minLength} characters`);
  }
  if (node.maxLength !== undefined && value.length > node.maxLength) return report(path, `must be at most ${node.maxLength} characters`);
  if (node.enum && !node.enum.includes(value)) {
    const shown = JSON.stringify(value.slice(0, 64));
    return report(path, node.enumLabel ? `unknown ${node.enumLabel} ${shown}` : `must be one of ${node.enum.join(", ")}`);
  }
  if (node.pattern && !new RegExp(node.pattern, "u").test(value)) report(path, node.patternMessage ?? `must match ${node.pattern}`);
}

function checkArray(node: ArrayNode, value: unknown, path: string, report: Report): void {
  if (!Array.isArray(value)) return report(path, "must be an array");
  if (node.minItems !== undefined && value.length < node.minItems) report(path, `must have at least ${node.minItems} item(s)`);
  if (node.maxItems !== undefined && value.length > node.maxItems) report(path, `must have at most ${node.maxItems} items`);
  const seen = new Set<string>();
  value.forEach((item, i) => {
    if (node.uniqueItems) {
      const key = JSON.stringify(item);
      if (seen.has(key)) report(childPath(path, i), "duplicate value");
      seen.add(key);
    }
    check(node.items, item, childPath(path, i), report);
  });
}

function checkObject(node: ObjectNode, value: unknown, path: string, report: Report): void {
  if (!isPlainObject(value)) return report(path || "(definition)", "must be an object");
  const known = Object.keys(node.properties);
  for (const key of Object.keys(value)) {
    if (Object.hasOwn(node.properties, key)) continue;
    // AIB (api ≥ 2024-02-01) rejects unknown and mis-cased fields, so we name the likely intended one.
    const intended = known.find((k) => k.toLowerCase() === key.toLowerCase());
    report(childPath(path, key), intended ? `unknown field (field names are case-sensitive: did you mean "${intended}"?)` : "unknown field");
  }
  for (const key of node.required ?? []) {
    if (value[key] === undefined) report(childPath(path, key), "is required");
  }
  if (node.exactlyOneOf) {
    const present = node.exactlyOneOf.filter((k) => value[k] !== undefined);
    if (present.length === 0) report(path, `needs one of ${node.exactlyOneOf.join(" or ")}`);
    if (present.length > 1) report(path, `${present.join(" and ")} are mutually exclusive: give only one`);
  }
  for (const [key, needs] of Object.entries(node.dependentRequired ?? {})) {
    if (value[key] === undefined) continue;
    for (const need of needs) {
      if (value[need] === undefined) report(childPath(path, key), `needs ${need}`);
    }
  }
  for (const [key, child] of Object.entries(node.properties)) {
    if (value[key] !== undefined) check(child, value[key], childPath(path, key), report);
  }
}

function checkRecord(node: RecordNode, value: unknown, path: string, report: Report): void {
  if (!isPlainObject(value)) return report(path, "must be an object");
  const entries = Object.entries(value);
  if (node.maxProperties !== undefined && entries.length > node.maxProperties) report(path, `must have at most ${node.maxProperties} entries`);
  for (const [key, item] of entries) {
    const at = childPath(path, key);
    check(node.keys, key, at, (p, message) => report(p, `name ${message}`));
    check(node.values, item, at, report);
  }
}

function checkUnion(node: UnionNode, value: unknown, path: string, report: Report): void {
  if (!isPlainObject(value)) return report(path, "must be an object");
  const types = Object.keys(node.variants);
  if (value.type === undefined) return report(childPath(path, "type"), `is required (one of ${types.join(", ")})`);
  const variant = typeof value.type === "string" && Object.hasOwn(node.variants, value.type) ? node.variants[value.type] : undefined;
  if (!variant) return report(childPath(path, "type"), `must be one of ${types.join(", ")}`);
  checkObject(variant, value, path, report);
}
