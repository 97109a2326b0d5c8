import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { imageDefinitionJsonSchema, renderImageSchemaFile } from "../../src/images/json-schema.js";
import { IMAGE_DEFINITION_SCHEMA, type SchemaNode } from "../../src/images/schema.js";

const imagesDir = join(__dirname, "../../images");

type JsonObject = { [key: string]: unknown };
function* objects(value: unknown): Generator<JsonObject> {
  if (Array.isArray(value)) for (const v of value) yield* objects(v);
  else if (typeof value === "object" && value !== null) {
    yield value as JsonObject;
    for (const v of Object.values(value)) yield* objects(v);
  }
}

describe("images/image.schema.json", () => {
  it("is exactly what `npm run schema` emits from schema.ts (run it after changing the schema)", () => {
    expect(readFileSync(join(imagesDir, "image.schema.json"), "utf8")).toBe(renderImageSchemaFile());
  });

  it("is what the definitions point their editors at", () => {
    const sample = JSON.parse(readFileSync(join(imagesDir, "win2019-gallery.json"), "utf8"));
    expect(sample.$schema).toBe("./image.schema.json");
  });

  it("closes every object to unknown fields and uses patterns valid in ECMAScript", () => {
    const schema = imageDefinitionJsonSchema();
    for (const node of objects(schema)) {
      if (node.type === "object" && node.properties && !("propertyNames" in node) && !("allOf" in node)) {
        expect(node.additionalProperties).toBe(false);
      }
      if (typeof node.pattern === "string") expect(() => new RegExp(node.pattern as string, "u")).not.toThrow();
    }
  });

  it("states the top-level requirements and every definition field", () => {
    const schema = imageDefinitionJsonSchema();
    expect(schema.required).toEqual(IMAGE_DEFINITION_SCHEMA.required);
    expect(Object.keys(schema.properties as object)).toEqual(Object.keys(IMAGE_DEFINITION_SCHEMA.properties));
    const refs = [...objects(schema)].filter((n) => typeof n.$ref === "string").map((n) => n.$ref);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect((schema.$defs as JsonObject)[(ref as string).replace("#/$defs/", "")]).toBeDefined();
  });

  it("says exactly one of inline and scriptUri for PowerShell", () => {
    const customizers = (IMAGE_DEFINITION_SCHEMA.properties.customizers as Extract<SchemaNode, { kind: "array" }>).items;
    expect(customizers.kind).toBe("union");
    const powerShell = [...objects(imageDefinitionJsonSchema())].find((n) => (n.if as JsonObject | undefined) && JSON.stringify(n.if).includes('"PowerShell"'));
    expect((powerShell?.then as JsonObject).oneOf).toEqual([{ required: ["inline"] }, { required: ["scriptUri"] }]);
  });
});
