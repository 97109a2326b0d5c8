// Image template routes (moto's urls.py + responses.py): parse and check the request, call the
// backend, shape the wire response. The wire nests template settings under `properties`.
import { errors } from "../../errors.js";
import { assertValidBody } from "../../spec-validation.js";
import type { ArmRequest, ArmResponse, RouteDef, Sim } from "../../types.js";
import { requireBody } from "../tracked.js";
import type { ImageBuilderBackend } from "./backend.js";
import { NAMESPACE, PROVIDER_NAME, templateId, type TemplateRecord, type TemplateWire } from "./model.js";
import { runOutputView, templateView } from "./view.js";

// @azure/arm-imagebuilder 5.x and 4.x
const API_VERSIONS = ["2025-10-01", "2023-07-01"];
/** AIB rejects unknown and mis-cased fields from this api-version on */
const STRICT_FROM = "2024-02-01";

const RG_PATH = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${NAMESPACE}/imageTemplates`;
const TEMPLATE_PATH = `${RG_PATH}/{imageTemplateName}`;

export function imageBuilderRoutes(sim: Sim, backend: ImageBuilderBackend): RouteDef[] {
  const template = (req: ArmRequest) => backend.require(req.params.subscriptionId, req.params.resourceGroupName, req.params.imageTemplateName);
  const view = (t: TemplateRecord) => templateView(sim, t);
  const operation = (t: TemplateRecord, kind: string, data: Record<string, unknown>, headers: ("azure-asyncoperation" | "location")[]) =>
    sim.operations.start({ provider: PROVIDER_NAME, namespace: NAMESPACE, location: String(t.body.location), resourceId: t.id, kind, data }, headers).headers;
  const validated = (req: ArmRequest, operationId: string) => {
    const body = requireBody(req);
    assertValidBody(operationId, body, { rejectUnknownFields: req.apiVersion >= STRICT_FROM });
    return body;
  };

  const put = (req: ArmRequest): ArmResponse => {
    const body = validated(req, "VirtualMachineImageTemplates_CreateOrUpdate") as unknown as TemplateWire;
    const { subscriptionId, resourceGroupName, imageTemplateName } = req.params;
    const { template: t, created } = backend.submit(subscriptionId, resourceGroupName, imageTemplateName, body);
    if (!created) return { status: 200, body: view(t) };
    return { status: 201, body: view(t), headers: operation(t, "put", {}, ["azure-asyncoperation"]) };
  };

  const patch = (req: ArmRequest): ArmResponse => {
    const body = validated(req, "VirtualMachineImageTemplates_Update");
    return { status: 200, body: view(backend.update(template(req), body as Parameters<ImageBuilderBackend["update"]>[1])) };
  };

  const remove = (req: ArmRequest): ArmResponse => {
    const { subscriptionId, resourceGroupName, imageTemplateName } = req.params;
    if (!sim.backends.resources.resourceGroup(subscriptionId, resourceGroupName)) throw errors.resourceGroupNotFound(resourceGroupName);
    const t = backend.get(templateId(subscriptionId, resourceGroupName, imageTemplateName));
    if (!t) return { status: 204 };
    backend.beginDelete(t);
    return { status: 202, headers: operation(t, "delete", {}, ["location"]) };
  };

  const run = (req: ArmRequest): ArmResponse => {
    const t = template(req);
    const facts = backend.startRun(t);
    return { status: 202, headers: operation(t, "run", { runId: facts.id }, ["azure-asyncoperation", "location"]) };
  };

  const cancel = (req: ArmRequest): ArmResponse => {
    const t = template(req);
    const facts = backend.cancel(t);
    return { status: 202, headers: operation(t, "cancel", { runId: facts.id }, ["azure-asyncoperation", "location"]) };
  };

  const runOutput = (req: ArmRequest): ArmResponse => {
    const t = template(req);
    const name = Object.keys(t.internal.runOutputs).find((n) => n.toLowerCase() === req.params.runOutputName.toLowerCase());
    if (!name) throw errors.runOutputNotFound(req.params.runOutputName);
    return { status: 200, body: runOutputView(t, name) };
  };

  const route = (method: RouteDef["method"], pattern: string, handler: RouteDef["handler"]): RouteDef => ({ method, pattern, apiVersions: API_VERSIONS, handler });
  return [
    route("GET", `/subscriptions/{subscriptionId}/providers/${NAMESPACE}/imageTemplates`, (req) => ({
      status: 200,
      body: { value: backend.list(`/subscriptions/${req.params.subscriptionId}`).map(view) },
    })),
    route("GET", RG_PATH, (req) => ({
      status: 200,
      body: { value: backend.list(`/subscriptions/${req.params.subscriptionId}/resourceGroups/${req.params.resourceGroupName}`).map(view) },
    })),
    route("PUT", TEMPLATE_PATH, put),
    route("PATCH", TEMPLATE_PATH, patch),
    route("GET", TEMPLATE_PATH, (req) => ({ status: 200, body: view(template(req)) })),
    route("DELETE", TEMPLATE_PATH, remove),
    route("POST", `${TEMPLATE_PATH}/run`, run),
    route("POST", `${TEMPLATE_PATH}/cancel`, cancel),
    route("GET", `${TEMPLATE_PATH}/runOutputs`, (req) => {
      const t = template(req);
      return { status: 200, body: { value: Object.keys(t.internal.runOutputs).map((n) => runOutputView(t, n)) } };
    }),
    route("GET", `${TEMPLATE_PATH}/runOutputs/{runOutputName}`, runOutput),
  ];
}
