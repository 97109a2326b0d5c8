import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildImageTemplate, canonicalJson, templateContentHash } from "../../src/images/template.js";
import { validateDefinition } from "../../src/images/validate.js";
import type { ImageDefinition } from "../../src/images/types.js";
import { templateName } from "../../src/azure/names.js";
import { howToWireTemplate } from "../fixtures/how-to.js";

const SUB = "11111111-2222-3333-4444-555555555555";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a draft to edit before validation
type Draft = any;

function sampleDefinition(change: (d: Draft) => void = () => {}): ImageDefinition {
  const raw = JSON.parse(readFileSync(join(__dirname, "../../images/win2019-gallery.json"), "utf8"));
  change(raw);
  const r = validateDefinition(raw, { defaultSubscriptionId: SUB });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.definition;
}

const inputsFor = (def: ImageDefinition, generalizations = 1) => ({
  identityId: `/subscriptions/${SUB}/resourceGroups/${def.resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aibIdentity-${def.name}`,
  galleryImageId: `/subscriptions/${SUB}/resourceGroups/${def.resourceGroup}/providers/Microsoft.Compute/galleries/${def.gallery.name}/images/${def.gallery.imageDefinition}`,
  generalizations,
});

/** armTemplateWinSIG.json's resource (reference §2) with the how-to's placeholders filled in, as wire JSON. */
function howToFor(def: ImageDefinition) {
  const inputs = inputsFor(def);
  return howToWireTemplate(inputs.identityId, `/subscriptions/${SUB}/resourceGroups/aibwinsig/providers/Microsoft.Compute/galleries/myIBSIG/images/winSvrimage`);
}

describe("buildImageTemplate", () => {
  it("reproduces the how-to's template value for value, flattened as the v5 SDK type wants", () => {
    const def = sampleDefinition();
    const template = buildImageTemplate(def, inputsFor(def));
    const { properties, ...top } = howToFor(def);
    const expected = { ...top, ...properties };
    // The factory adds its own artifact tags; everything else is the how-to's.
    expected.distribute[0].artifactTags = { ...expected.distribute[0].artifactTags, aibFactoryImage: "win2019-gallery", aibFactoryGeneralizations: "1" } as never;
    expect(JSON.parse(JSON.stringify(template))).toEqual(expected);
    expect(Object.keys(template)).not.toContain("properties");
  });

  it("adds the definition's tags, keeps the factory's, and tags gallery-on-gallery builds as the how-to does", () => {
    const id = `/subscriptions/${SUB}/resourceGroups/aibwinsig/providers/Microsoft.Compute/galleries/myIBSIG/images/winSvrimage/versions/0.24105.52755`;
    const def = sampleDefinition((d) => {
      d.tags = { team: "platform" };
      d.source = { type: "SharedImageVersion", imageVersionId: id };
    });
    const template = buildImageTemplate(def, { ...inputsFor(def, 3), sourceBaseOs: "windows2019" });
    expect(template.tags).toEqual({ team: "platform", imagebuilderTemplate: "AzureVMImageBuilderSIGonSIG", userIdentity: "enabled" });
    expect(template.source).toEqual({ type: "SharedImageVersion", imageVersionId: id });
    expect(template.distribute?.[0].artifactTags).toMatchObject({ baseosimg: "windows2019", aibFactoryGeneralizations: "3" });
  });
});

describe("templateContentHash", () => {
  it("is stable across key order and changes with any content", () => {
    const def = sampleDefinition();
    const a = buildImageTemplate(def, inputsFor(def));
    const reordered = JSON.parse(canonicalJson(a));
    expect(templateContentHash(reordered)).toBe(templateContentHash(a));
    expect(templateContentHash(a)).toMatch(/^[0-9a-f]{64}$/);
    const changed = buildImageTemplate(sampleDefinition((d) => (d.buildTimeoutInMinutes = 120)), inputsFor(def));
    expect(templateContentHash(changed)).not.toBe(templateContentHash(a));
    expect(templateName(def.name, templateContentHash(a))).toMatch(/^win2019-gallery-[0-9a-f]{8}$/);
  });

  it("sorts keys at every level and drops undefined like JSON does", () => {
    expect(canonicalJson({ b: [{ d: 1, c: undefined, a: "x" }], a: null })).toBe('{"a":null,"b":[{"a":"x","d":1}]}');
  });
});
