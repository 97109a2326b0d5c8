// How a template reads on the wire at a given moment, and the texts AIB writes into a failed run's
// lastRunStatus.message.
import type { Sim } from "../../types.js";
import type { RunFacts, TemplateRecord } from "./model.js";
import { RUN_OUTPUT_TYPE } from "./model.js";
import { lastRunStatus, type RunMessages } from "./run.js";

export type ProvisioningState = "Creating" | "Succeeded" | "Failed" | "Deleting";

export function provisioningState(t: TemplateRecord): ProvisioningState {
  if (t.internal.deletingAt !== undefined) return "Deleting";
  return t.internal.provisioning.outcome?.state ?? "Creating";
}

export function templateView(sim: Sim, t: TemplateRecord): Record<string, unknown> {
  const { internal, body } = t;
  const [identityId] = Object.keys(body.identity?.userAssignedIdentities ?? {});
  const failure = internal.provisioning.outcome?.failure;
  const exactVersion = internal.exactVersion;
  return {
    ...body,
    identity: { type: "UserAssigned", userAssignedIdentities: { [identityId]: { principalId: internal.principalId, clientId: internal.clientId } } },
    properties: {
      ...body.properties,
      source: { ...body.properties.source, ...(exactVersion ? { exactVersion } : {}) },
      provisioningState: provisioningState(t),
      ...(failure ? { provisioningError: { provisioningErrorCode: failure.provisioningErrorCode, message: failure.message } } : {}),
      ...(internal.run ? { lastRunStatus: lastRunStatus(internal.run, sim.clock.now()) } : {}),
      exactStagingResourceGroup: `/subscriptions/${internal.subscriptionId}/resourceGroups/${internal.stagingResourceGroup}`,
    },
  };
}

export function runOutputView(t: TemplateRecord, name: string): Record<string, unknown> {
  const output = t.internal.runOutputs[name];
  const run = t.internal.run;
  // the output belongs to the latest run once that run has distributed; it succeeded with that run
  const current = run?.distributed?.[name] !== undefined;
  const state = !current || run?.end?.state === "Succeeded" ? "Succeeded" : run?.end ? "Failed" : "Creating";
  return { id: `${t.id}/runOutputs/${name}`, name, type: RUN_OUTPUT_TYPE, properties: { ...output, provisioningState: state } };
}

export function runMessages(t: TemplateRecord, run: RunFacts): RunMessages {
  const total = t.body.properties.distribute.length;
  const log = `https://${t.internal.storageAccount}.blob.core.windows.net/packerlogs/${run.id}/customization.log`;
  return {
    customizationFailed: (injected) =>
      "Failed while waiting for packerizer: Microservice has failed: Failed while processing request: Error when executing packerizer: " +
      "Packer build command has failed: exit status 1. During the image build, a failure has occurred, please check the customization.log " +
      `for more information (${injected}). Image Build log location: ${log}. OperationId: ${run.id}. Use this operationId when contacting support.`,
    distributionFailed: (detail) => `Failed in distributing 1 images out of total ${total}: {${detail}}`,
  };
}
