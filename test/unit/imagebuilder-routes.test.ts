import { describe, expect, it } from "vitest";
import { ArmError } from "../../sandbox/arm/errors.js";
import { ImageBuilderBackend } from "../../sandbox/arm/providers/imagebuilder/backend.js";
import { imageBuilderRoutes } from "../../sandbox/arm/providers/imagebuilder/routes.js";
import type { ArmRequest, ArmResponse } from "../../sandbox/arm/types.js";
import { fakeSim, howToTemplate, RG, SUB } from "./imagebuilder-fakes.js";

const PATH = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.VirtualMachineImages/imageTemplates/t1`;

function put(body: unknown, apiVersion = "2025-10-01"): ArmResponse | ArmError {
  const fakes = fakeSim();
  const route = imageBuilderRoutes(fakes.sim, new ImageBuilderBackend(fakes.sim)).find((r) => r.method === "PUT")!;
  const req: ArmRequest = {
    method: "PUT",
    path: PATH,
    params: { subscriptionId: SUB, resourceGroupName: RG, imageTemplateName: "t1" },
    query: new URLSearchParams({ "api-version": apiVersion }),
    headers: {},
    body,
    apiVersion,
    principal: { objectId: "o", clientId: "c", tenantId: "t" },
  };
  try {
    return route.handler(req) as ArmResponse;
  } catch (e) {
    if (e instanceof ArmError) return e;
    throw e;
  }
}

describe("image template PUT on the wire", () => {
  it("answers 201 with the nested wire shape and an Azure-AsyncOperation header", () => {
    const res = put(howToTemplate()) as ArmResponse;
    expect(res.status).toBe(201);
    expect(res.headers?.["azure-asyncoperation"]).toBeDefined();
    expect(res.body).toMatchObject({ name: "t1", type: "Microsoft.VirtualMachineImages/imageTemplates", properties: { provisioningState: "Creating", buildTimeoutInMinutes: 100 } });
  });

  it("rejects unknown and mis-cased fields from api-version 2024-02-01 on, as AIB does", () => {
    const body = howToTemplate() as unknown as { properties: Record<string, unknown> };
    body.properties.BuildTimeoutInMinutes = 100;
    const e = put(body) as ArmError;
    expect([e.status, e.code]).toEqual([400, "InvalidRequestContent"]);
    expect(e.message).toContain("BuildTimeoutInMinutes");
    expect((put(body, "2023-07-01") as ArmResponse).status).toBe(201);
  });

  it("validates enums and required fields against the spec", () => {
    const body = howToTemplate();
    body.properties.distribute = [];
    delete (body.properties as { source?: unknown }).source;
    expect(put(body)).toMatchObject({ status: 400, code: "InvalidRequestContent" });
  });
});
