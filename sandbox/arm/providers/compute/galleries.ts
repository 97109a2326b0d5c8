// Compute galleries and gallery image definitions (GalleryRP): PUT/GET/DELETE/list. Image versions are
// in image-versions.ts because only image builds create them.
import type { ArmRequest, ArmResponse, RouteDef, Sim } from "../../types.js";
import type { ResourceRecord } from "../../state.js";
import { errors } from "../../errors.js";
import { assertValidBody } from "../../spec-validation.js";
import {
  asObject, live, liveOfType, putRecord, putResponse, requestResourceId, requireBody, requireLocation, requireResourceGroup,
  startDelete, tagsOf,
} from "../tracked.js";
import { COMPUTE, GALLERY_API_VERSIONS, GALLERY_PATH, IMAGE_PATH, RG_PATH, TYPES, list, view } from "./common.js";

const GALLERY_NAME = /^[A-Za-z0-9._]{1,80}$/;
const IMAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,78}[A-Za-z0-9]$|^[A-Za-z0-9]$/;

/** Properties of an image definition that Compute refuses to change once it exists. */
const IMMUTABLE_IMAGE_PROPERTIES = ["osType", "osState", "hyperVGeneration", "identifier"] as const;

const gone = (type: string, req: ArmRequest, name: string) => errors.resourceNotFound(type, name, req.params.resourceGroupName);

export function getGallery(sim: Sim, req: ArmRequest): ResourceRecord {
  const record = live(sim, requestResourceId(req).replace(/\/images\/.*$/i, ""));
  if (!record) throw gone(TYPES.gallery, req, req.params.galleryName);
  return record;
}

export function getImage(sim: Sim, req: ArmRequest): ResourceRecord {
  getGallery(sim, req);
  const id = requestResourceId(req).replace(/\/versions(\/.*)?$/i, "");
  const record = live(sim, id);
  if (!record) throw gone(TYPES.image, req, `${req.params.galleryName}/${req.params.galleryImageName}`);
  return record;
}

function putGallery(sim: Sim, req: ArmRequest): ArmResponse {
  requireResourceGroup(sim, req);
  const name = req.params.galleryName;
  if (!GALLERY_NAME.test(name)) {
    throw errors.invalidParameter(
      `The gallery name '${name}' is invalid. The gallery name can contain only letters, numbers, periods and underscores, and is 1 to 80 characters long.`,
      "galleryName",
    );
  }
  const body = requireBody(req);
  assertValidBody("Galleries_CreateOrUpdate", body, { code: "InvalidParameter" });
  const id = requestResourceId(req);
  const location = requireLocation(sim, body, id);
  const requested = asObject(body.properties) ?? {};
  const properties: Record<string, unknown> = {
    identifier: { uniqueName: `${req.params.subscriptionId}-${name.toUpperCase()}` },
  };
  if (typeof requested.description === "string") properties.description = requested.description;
  const record = putRecord(sim, { id, type: TYPES.gallery, name, body: { id, name, type: TYPES.gallery, location, tags: tagsOf(body), properties } });
  return putResponse(sim, COMPUTE, record, view(sim, record), ["azure-asyncoperation", "location"]);
}

const oneOf = (value: unknown, allowed: string[], target: string): string => {
  const match = allowed.find((a) => typeof value === "string" && a.toLowerCase() === value.toLowerCase());
  if (!match) {
    throw errors.invalidParameter(
      value === undefined
        ? `Required parameter '${target}' is missing (null).`
        : `The value '${String(value)}' of parameter '${target}' is not allowed. Allowed values are '${allowed.join("', '")}'.`,
      target,
    );
  }
  return match;
};

function imageProperties(requested: Record<string, unknown>): Record<string, unknown> {
  const identifier = asObject(requested.identifier);
  if (!identifier) throw errors.invalidParameter("Required parameter 'galleryImage.properties.identifier' is missing (null).", "galleryImage.properties.identifier");
  for (const part of ["publisher", "offer", "sku"]) {
    if (typeof identifier[part] !== "string" || !identifier[part]) {
      throw errors.invalidParameter(`Required parameter 'galleryImage.properties.identifier.${part}' is missing (null).`, `identifier.${part}`);
    }
  }
  const properties: Record<string, unknown> = {
    ...requested,
    osType: oneOf(requested.osType, ["Windows", "Linux"], "osType"),
    osState: oneOf(requested.osState, ["Generalized", "Specialized"], "osState"),
    hyperVGeneration: oneOf(requested.hyperVGeneration ?? "V1", ["V1", "V2"], "hyperVGeneration"),
    identifier: { publisher: identifier.publisher, offer: identifier.offer, sku: identifier.sku },
  };
  delete properties.provisioningState;
  const features = Array.isArray(requested.features) ? requested.features.map((f) => asObject(f) ?? {}) : [];
  const security = features.find((f) => String(f.name).toLowerCase() === "securitytype");
  if (security && String(security.value) !== "Standard" && properties.hyperVGeneration !== "V2") {
    throw errors.invalidParameter(
      `The SecurityType feature with value '${String(security.value)}' requires hyperVGeneration 'V2'.`,
      "galleryImage.properties.hyperVGeneration",
    );
  }
  return properties;
}

function putImage(sim: Sim, req: ArmRequest): ArmResponse {
  requireResourceGroup(sim, req);
  const gallery = live(sim, requestResourceId(req).replace(/\/images\/[^/]+$/i, ""));
  if (!gallery) throw errors.parentResourceNotFound(req.params.galleryName);
  const name = req.params.galleryImageName;
  if (!IMAGE_NAME.test(name)) {
    throw errors.invalidParameter(
      `The gallery image name '${name}' is invalid. It can contain only letters, numbers, periods, underscores and dashes, must start and end with a letter or number, and is 1 to 80 characters long.`,
      "galleryImageName",
    );
  }
  const body = requireBody(req);
  const id = requestResourceId(req);
  const location = requireLocation(sim, body, id);
  if (location !== gallery.body.location) {
    throw errors.invalidParameter(
      `The gallery image must be in the same location as its gallery '${gallery.name}' (${String(gallery.body.location)}).`,
      "galleryImage.location",
    );
  }
  const properties = imageProperties(asObject(body.properties) ?? {});
  assertValidBody("GalleryImages_CreateOrUpdate", body, { code: "InvalidParameter" });
  const existing = live(sim, id);
  if (existing) {
    const before = existing.body.properties as Record<string, unknown>;
    for (const key of IMMUTABLE_IMAGE_PROPERTIES) {
      if (JSON.stringify(before[key]) !== JSON.stringify(properties[key])) throw errors.propertyChangeNotAllowed(`galleryImage.properties.${key}`);
    }
  }
  const fullName = `${req.params.galleryName}/${name}`;
  const record = putRecord(sim, { id, type: TYPES.image, name: fullName, body: { id, name, type: TYPES.image, location, tags: tagsOf(body), properties } });
  return putResponse(sim, COMPUTE, record, view(sim, record), ["azure-asyncoperation", "location"]);
}

function deleteParent(sim: Sim, req: ArmRequest, childType: string): ArmResponse {
  const id = requestResourceId(req);
  if (liveOfType(sim, childType, id).length) throw errors.cannotDeleteResource();
  return startDelete(sim, COMPUTE, id, ["location"]);
}

export function galleryRoutes(sim: Sim): RouteDef[] {
  const apiVersions = GALLERY_API_VERSIONS;
  return [
    { method: "PUT", pattern: GALLERY_PATH, apiVersions, handler: (req) => putGallery(sim, req) },
    { method: "GET", pattern: GALLERY_PATH, apiVersions, handler: (req) => ({ status: 200, body: view(sim, getGallery(sim, req)) }) },
    { method: "DELETE", pattern: GALLERY_PATH, apiVersions, handler: (req) => deleteParent(sim, req, TYPES.image) },
    {
      method: "GET", pattern: `${RG_PATH}/galleries`, apiVersions,
      handler: (req) => {
        requireResourceGroup(sim, req);
        return { status: 200, body: list(sim, liveOfType(sim, TYPES.gallery, requestResourceId(req).replace(/\/providers\/.*$/i, ""))) };
      },
    },
    {
      method: "GET", pattern: "/subscriptions/{subscriptionId}/providers/Microsoft.Compute/galleries", apiVersions,
      handler: (req) => ({ status: 200, body: list(sim, liveOfType(sim, TYPES.gallery, `/subscriptions/${req.params.subscriptionId}`)) }),
    },
    { method: "PUT", pattern: IMAGE_PATH, apiVersions, handler: (req) => putImage(sim, req) },
    { method: "GET", pattern: IMAGE_PATH, apiVersions, handler: (req) => ({ status: 200, body: view(sim, getImage(sim, req)) }) },
    { method: "DELETE", pattern: IMAGE_PATH, apiVersions, handler: (req) => deleteParent(sim, req, TYPES.version) },
    {
      method: "GET", pattern: `${GALLERY_PATH}/images`, apiVersions,
      handler: (req) => ({ status: 200, body: list(sim, liveOfType(sim, TYPES.image, getGallery(sim, req).id)) }),
    },
  ];
}
