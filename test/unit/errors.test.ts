import { connect } from "node:net";
import { createServer } from "node:net";
import { createHttpPoller } from "@azure/core-lro";
import { RestError } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { AzureStepError, classifyAzureError, parseStepError, toStepError } from "../../src/azure/errors.js";

/** A real ECONNREFUSED from a loopback port that was just closed. */
async function refusedConnection(): Promise<unknown> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return new Promise((resolve) => connect(port, "127.0.0.1").on("error", resolve));
}

/** Drives core-lro's real poller through a failed Azure-AsyncOperation, as a failed template PUT does. */
async function failedLro(): Promise<unknown> {
  const poller = createHttpPoller(
    {
      sendInitialRequest: async () => ({
        flatResponse: {},
        rawResponse: { statusCode: 201, headers: { "azure-asyncoperation": "https://127.0.0.1/op/1" }, request: { method: "PUT", url: "https://127.0.0.1/t" } },
      }),
      sendPollRequest: async () => ({
        flatResponse: {},
        rawResponse: {
          statusCode: 200,
          headers: {},
          request: { method: "GET", url: "https://127.0.0.1/op/1" },
          body: { status: "Failed", error: { code: "ValidationFailed", message: "Validation failed: Error with Hyper-V Version validation (cross-generation)." } },
        },
      }),
    },
    { intervalInMs: 1 },
  );
  return poller.pollUntilDone().then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe("classifyAzureError", () => {
  it.each([
    [403, "AuthorizationFailed", "needsPermission"],
    [400, "PrincipalNotFound", "transient"],
    [409, "MissingSubscriptionRegistration", "permanent"],
    [400, "RoleDefinitionLimitExceeded", "permanent"],
    [409, "RoleAssignmentExists", "permanent"],
    [429, "TooManyRequests", "transient"],
    [503, "SomethingNew", "transient"],
    [500, "ServerError", "transient"],
    [404, "ResourceNotFound", "permanent"],
    [418, "Teapot", "permanent"],
  ] as const)("maps RestError %i %s to %s", (statusCode, code, kind) => {
    const info = classifyAzureError(new RestError("Azure says no", { statusCode, code }));
    expect(info).toMatchObject({ kind, code, statusCode, message: "Azure says no" });
    expect(info.hint.length).toBeGreaterThan(0);
  });

  it("duck-types errors from another copy of core-rest-pipeline", () => {
    const foreign = Object.assign(new Error("The client 'x' does not have authorization"), { name: "RestError", statusCode: 403, code: "AuthorizationFailed" });
    expect(classifyAzureError(foreign)).toMatchObject({ kind: "needsPermission", code: "AuthorizationFailed", hint: expect.stringContaining("10 minutes") });
  });

  it("reads the code out of core-lro's plain Error", async () => {
    const error = await failedLro();
    expect(error).toBeInstanceOf(Error);
    expect(classifyAzureError(error)).toEqual({
      kind: "permanent",
      code: "ValidationFailed",
      message: "Validation failed: Error with Hyper-V Version validation (cross-generation).",
      hint: expect.stringContaining("cross-generation"),
    });
  });

  it("knows the template-update conflict and AIB's permission messages", () => {
    const conflict = new RestError("'Conflict'. Details: Update/Upgrade of image templates is currently not supported", { statusCode: 409, code: "Conflict" });
    expect(classifyAzureError(conflict)).toMatchObject({ kind: "permanent", code: "Conflict", hint: expect.stringContaining("delete the template first") });
    const lro = new Error("The long-running operation has failed. InternalOperationError. Not authorized to access the resource: /subscriptions/x. Please check the user assigned identity has the correct permissions.");
    expect(classifyAzureError(lro)).toMatchObject({ kind: "needsPermission", code: "InternalOperationError" });
  });

  it("treats network failures as transient", async () => {
    expect(classifyAzureError(await refusedConnection())).toMatchObject({ kind: "transient", code: "ECONNREFUSED" });
    expect(classifyAzureError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))).toMatchObject({ kind: "transient" });
  });

  it("handles things that are not errors", () => {
    expect(classifyAzureError("boom")).toMatchObject({ kind: "permanent", code: "Unknown", message: "boom" });
    expect(classifyAzureError(new RestError("Unexpected status code: 502", { statusCode: 502 }))).toMatchObject({ kind: "transient", code: "Http502" });
  });
});

describe("AzureStepError across the Durable activity boundary", () => {
  const error = toStepError(new RestError("The client 'app' with object id 'o' does not have authorization to perform action 'a' over scope 's'.", { statusCode: 403, code: "AuthorizationFailed" }));

  it("carries kind and code in name and message", () => {
    expect(error).toBeInstanceOf(AzureStepError);
    expect(error.name).toBe("AzureStepError(needsPermission/AuthorizationFailed)");
    expect(error.message).toMatch(/^\[needsPermission\] AuthorizationFailed: The client 'app' .* — grant the missing role/);
    expect(toStepError(error)).toBe(error);
  });

  it("is recovered from the texts an orchestrator sees", () => {
    const expected = { kind: "needsPermission", code: "AuthorizationFailed", message: error.info.message, hint: error.info.hint };
    // durable-functions TaskFailedError: "<errorType>: <errorMessage>"
    expect(parseStepError(`${error.name}: ${error.message}`)).toEqual(expected);
    // legacy Reason/Details, with a stack trace after the message
    expect(parseStepError(`Activity function 'createRoleAssignment' failed: ${error.message} \n ${error.stack}`)).toEqual(expected);
    expect(parseStepError("TypeError: x is undefined")).toBeUndefined();
  });

  it("keeps a message that itself contains a dash separator whole", () => {
    const e = toStepError(new RestError("first — second", { statusCode: 500, code: "InternalServerError" }));
    expect(parseStepError(e.message)).toMatchObject({ message: "first — second", code: "InternalServerError", kind: "transient" });
  });
});
