// Renders schema.ts as a JSON Schema (draft 2020-12) for editors: images/*.json point at
// images/image.schema.json through "$schema". The committed file is this output (checked by a test).
import { IMAGE_DEFINITION_SCHEMA, type ObjectNode, type SchemaNode } from "./schema.js";

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export const SCHEMA_ID = "https://aib-image-factory.local/image.schema.json";

function withDescription(node: SchemaNode, body: Record<string, Json>): Record<string, Json> {
  return node.description ? { description: node.description, ...body } : body;
}

/** Shared string nodes (defName), collected while rendering. */
type Defs = Record<string, Json>;

function toJson(node: SchemaNode, defs: Defs): Record<string, Json> {
  switch (node.kind) {
    case "string":
      if (node.defName) {
        defs[node.defName] ??= toJson({ ...node, defName: undefined, description: undefined }, defs);
        return withDescription(node, { $ref: `#/$defs/${node.defName}` });
      }
      return withDescription(node, {
        type: "string",
        ...(node.enum ? { enum: [...node.enum] } : {}),
        ...(node.pattern ? { pattern: node.pattern } : {}),
        ...(node.minLength !== undefined ? { minLength: node.minLength } : {}),
        ...(node.maxLength !== undefined ? { maxLength: node.maxLength } : {}),
      });
    case "integer":
      return withDescription(node, {
        type: "integer",
        ...(node.minimum !== undefined ? { minimum: node.minimum } : {}),
        ...(node.maximum !== undefined ? { maximum: node.maximum } : {}),
      });
    case "boolean":
      return withDescription(node, { type: "boolean" });
    case "array":
      return withDescription(node, {
        type: "array",
        items: toJson(node.items, defs),
        ...(node.minItems !== undefined ? { minItems: node.minItems } : {}),
        ...(node.maxItems !== undefined ? { maxItems: node.maxItems } : {}),
        ...(node.uniqueItems ? { uniqueItems: true } : {}),
      });
    case "object":
      return objectToJson(node, defs);
    case "record":
      return withDescription(node, {
        type: "object",
        propertyNames: toJson(node.keys, defs),
        additionalProperties: toJson(node.values, defs),
        ...(node.maxProperties !== undefined ? { maxProperties: node.maxProperties } : {}),
      });
    case "union": {
      const types = Object.keys(node.variants);
      // if/then per type (rather than oneOf) so editors report the fields of the chosen type only.
      return withDescription(node, {
        type: "object",
        required: ["type"],
        properties: { type: { enum: types } },
        allOf: types.map((t) => ({ if: { properties: { type: { const: t } } }, then: objectToJson(node.variants[t], defs) })),
      });
    }
  }
}

function objectToJson(node: ObjectNode, defs: Defs): Record<string, Json> {
  const properties: Record<string, Json> = {};
  for (const [key, child] of Object.entries(node.properties)) properties[key] = toJson(child, defs);
  const dependentRequired: Record<string, Json> = {};
  for (const [key, needs] of Object.entries(node.dependentRequired ?? {})) dependentRequired[key] = [...needs];
  return withDescription(node, {
    type: "object",
    properties,
    ...(node.required?.length ? { required: [...node.required] } : {}),
    additionalProperties: false,
    ...(node.exactlyOneOf ? { oneOf: node.exactlyOneOf.map((k) => ({ required: [k] })) } : {}),
    ...(node.dependentRequired ? { dependentRequired } : {}),
  });
}

export function imageDefinitionJsonSchema(): Record<string, Json> {
  const defs: Defs = {};
  const body = toJson(IMAGE_DEFINITION_SCHEMA, defs);
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: SCHEMA_ID,
    title: "AIB image factory: image definition",
    ...body,
    $defs: defs,
  };
}

/** The exact text of images/image.schema.json. */
export function renderImageSchemaFile(): string {
  return `${JSON.stringify(imageDefinitionJsonSchema(), null, 2)}\n`;
}
