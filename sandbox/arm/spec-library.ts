// The official OpenAPI specs in ./specs (copied from Azure/azure-rest-api-specs, see its README),
// indexed by operationId: loaded on first use and cached, with `$ref`s resolved across files, `allOf`
// parents merged and discriminated subtypes found, for spec-validation.ts.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export type Json = Record<string, unknown>;
/** A schema node and the spec file it lives in, which relative `$ref`s resolve against. */
export interface Located {
  node: Json;
  file: string;
}
export interface Shape {
  properties: Map<string, Located>;
  required: Set<string>;
  additional?: boolean | Located;
  /** the discriminator property and the schema declaring it */
  discriminator?: { property: string; root: Located };
}

export const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

// Compiled output (dist/sandbox/arm) has no copy of the JSON files, so fall back to the source tree.
const SPEC_ROOT = [join(__dirname, "specs"), join(__dirname, "..", "..", "..", "sandbox", "arm", "specs")].find((dir) =>
  existsSync(dir),
);

export class SpecLibrary {
  #docs = new Map<string, Json>();
  #operations = new Map<string, { op: Json; file: string; pathParams: unknown[] }[]>();
  #shapes = new WeakMap<Json, Shape>();
  #subtypes = new WeakMap<Json, Map<string, Located & { kind: string }>>();

  constructor(private readonly root: string) {
    for (const file of this.#jsonFiles(root)) this.#index(file);
  }

  /** The parameters of an operation (its path item's and its own), `$ref`s resolved. */
  parameters(operationId: string): Located[] {
    const found = this.#operations.get(operationId);
    if (!found) throw new Error(`operationId ${operationId} is in no spec under ${this.root}`);
    if (found.length > 1) throw new Error(`operationId ${operationId} is ambiguous: ${found.map((f) => f.file).join(", ")}`);
    const { op, file, pathParams } = found[0];
    return [...pathParams, ...((op.parameters as unknown[] | undefined) ?? [])].map((param) => this.deref({ node: param as Json, file }));
  }

  /** Follows `$ref`s until a node that is not a reference. */
  deref(loc: Located): Located {
    let current = loc;
    for (let hops = 0; typeof current.node.$ref === "string"; hops++) {
      if (hops > 50) throw new Error(`$ref cycle at ${String(current.node.$ref)}`);
      const [relative, pointer = ""] = (current.node.$ref as string).split("#");
      const file = relative ? resolve(dirname(current.file), relative) : current.file;
      let node: unknown = this.#doc(file);
      for (const part of pointer.split("/").filter(Boolean)) {
        node = (node as Json)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
      }
      if (!isObject(node)) throw new Error(`unresolved $ref ${String(current.node.$ref)} in ${current.file}`);
      current = { node, file };
    }
    return current;
  }

  /** Properties, required names and extras of an object schema, with its `allOf` parents merged in. */
  shape(loc: Located): Shape {
    const target = this.deref(loc);
    const cached = this.#shapes.get(target.node);
    if (cached) return cached;
    const shape: Shape = { properties: new Map(), required: new Set() };
    for (const parent of (target.node.allOf as Json[] | undefined) ?? []) {
      const inherited = this.shape({ node: parent, file: target.file });
      for (const [name, prop] of inherited.properties) shape.properties.set(name, prop);
      for (const name of inherited.required) shape.required.add(name);
      shape.additional ??= inherited.additional;
      shape.discriminator ??= inherited.discriminator;
    }
    for (const [name, prop] of Object.entries((target.node.properties as Json | undefined) ?? {})) {
      shape.properties.set(name, { node: prop as Json, file: target.file });
    }
    for (const name of (target.node.required as string[] | undefined) ?? []) shape.required.add(name);
    const additional = target.node.additionalProperties;
    if (additional !== undefined) shape.additional = isObject(additional) ? { node: additional, file: target.file } : Boolean(additional);
    if (typeof target.node.discriminator === "string") shape.discriminator = { property: target.node.discriminator, root: target };
    this.#shapes.set(target.node, shape);
    return shape;
  }

  /** Every schema in the hierarchy under a discriminator root, by lower-cased discriminator value. */
  subtypes(root: Located): Map<string, Located & { kind: string }> {
    const cached = this.#subtypes.get(root.node);
    if (cached) return cached;
    const found = new Map<string, Located & { kind: string }>();
    for (const [file, doc] of this.#docs) {
      for (const [name, node] of Object.entries((doc.definitions as Json | undefined) ?? {})) {
        const loc = { node: node as Json, file };
        // The root itself is a valid kind only when it names its own value.
        const isKind = node === root.node ? loc.node["x-ms-discriminator-value"] !== undefined : this.#extends(loc, root.node);
        const kind = String(loc.node["x-ms-discriminator-value"] ?? name);
        if (isKind) found.set(kind.toLowerCase(), { ...loc, kind });
      }
    }
    this.#subtypes.set(root.node, found);
    return found;
  }

  #extends(loc: Located, ancestor: Json): boolean {
    return ((loc.node.allOf as Json[] | undefined) ?? []).some((parent) => {
      const target = this.deref({ node: parent, file: loc.file });
      return target.node === ancestor || this.#extends(target, ancestor);
    });
  }

  #doc(file: string): Json {
    let doc = this.#docs.get(file);
    if (!doc) {
      doc = JSON.parse(readFileSync(file, "utf8")) as Json;
      this.#docs.set(file, doc);
    }
    return doc;
  }

  #index(file: string): void {
    const doc = this.#doc(file);
    for (const section of ["paths", "x-ms-paths"]) {
      for (const item of Object.values((doc[section] as Record<string, Json> | undefined) ?? {})) {
        for (const op of Object.values(item)) {
          if (!isObject(op) || typeof op.operationId !== "string") continue;
          const list = this.#operations.get(op.operationId) ?? [];
          list.push({ op, file, pathParams: (item.parameters as unknown[] | undefined) ?? [] });
          this.#operations.set(op.operationId, list);
        }
      }
    }
  }

  *#jsonFiles(dir: string): Generator<string> {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) yield* this.#jsonFiles(full);
      else if (entry.name.endsWith(".json")) yield full;
    }
  }
}

let library: SpecLibrary | undefined;
export const specs = (): SpecLibrary => {
  if (!SPEC_ROOT) throw new Error("sandbox/arm/specs not found");
  return (library ??= new SpecLibrary(SPEC_ROOT));
};
