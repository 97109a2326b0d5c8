// Runs the verification script on the VM with Run Command (RunPowerShellScript) and reads the result.
import type { ImageScope } from "../builds/scope.js";
import { readVerificationResult, verificationScript, type VerificationOutcome } from "../builds/verification.js";
import { completed, getClients } from "./deps.js";

export const runVerificationCommandName = "runVerificationCommand";

export interface Input extends ImageScope {
  vmName: string;
  paths?: string[];
  script?: string[];
}

export type Output = VerificationOutcome;

export async function runVerificationCommand(input: Input): Promise<Output> {
  const { virtualMachines } = getClients(input.subscriptionId).compute;
  const command = { commandId: "RunPowerShellScript", script: verificationScript(input) };
  const result = await completed((options) => virtualMachines.runCommand(input.resourceGroup, input.vmName, command, options));
  return readVerificationResult(result.value ?? []);
}
