// Run Command (`POST .../virtualMachines/{vm}/runCommand`): the script runs against the VM's image when
// the command is accepted, and its output is what the operation returns once `runCommandMs` passed.
// A script that exits non-zero still succeeds as an operation, as in Azure: the caller reads stderr.
import type { ArmRequest, ArmResponse, Operation, OperationState, RouteDef, Sim } from "../../types.js";
import { errors } from "../../errors.js";
import { assertValidBody } from "../../spec-validation.js";
import { asObject, provisioningState, requireBody } from "../tracked.js";
import { COMPUTE, VM_API_VERSIONS, VM_PATH } from "./common.js";
import { runPowerShell } from "./powershell.js";
import { getVm, type VmImage } from "./virtual-machines.js";

export const RUN_COMMAND = "runCommand";

const COMMAND_FOR_OS = { Windows: "RunPowerShellScript", Linux: "RunShellScript" } as const;

function runCommand(sim: Sim, req: ArmRequest): ArmResponse {
  const vm = getVm(sim, req);
  const body = requireBody(req);
  assertValidBody("VirtualMachines_RunCommand", body, { code: "InvalidParameter" });
  const image = vm.internal.image as VmImage;
  const commandId = String(body.commandId);
  if (commandId !== COMMAND_FOR_OS[image.osType]) {
    throw errors.invalidParameter(`The command '${commandId}' is not supported on this ${image.osType} virtual machine; use '${COMMAND_FOR_OS[image.osType]}'.`, "commandId");
  }
  const state = provisioningState(sim, vm);
  if (state !== "Succeeded") throw errors.conflict(`Operation 'RunCommand' is not allowed on VM '${vm.name}' since the VM is in provisioning state '${state}'.`);
  const script = Array.isArray(body.script) ? body.script.map(String).join("\n") : "";
  const parameters = Array.isArray(body.parameters) ? body.parameters.map((p) => asObject(p) ?? {}) : [];
  // Script parameters are bound as PowerShell variables in Azure; here they are substituted as text.
  const bound = parameters.reduce((s, p) => s.replaceAll(`$${String(p.name)}`, String(p.value ?? "")), script);
  const result = runPowerShell(bound, { paths: image.paths, modified: new Date(image.publishedDate) });
  const readyAt = sim.clock.now() + sim.scenario().runCommandMs;
  pending(sim).push(readyAt);
  sim.state.save();
  const { headers } = sim.operations.start(
    {
      ...COMPUTE, location: String(vm.body.location), resourceId: vm.id, kind: RUN_COMMAND,
      data: { readyAt, stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode },
    },
    ["azure-asyncoperation", "location"],
  );
  return { status: 202, headers };
}

/** The RunCommandResult once the command has run. */
export function runCommandState(sim: Sim, op: Operation): OperationState {
  if (sim.clock.now() < Number(op.data.readyAt)) return { status: "InProgress" };
  const status = (stream: "StdOut" | "StdErr", message: unknown) => ({
    code: `ComponentStatus/${stream}/succeeded`,
    level: "Info",
    displayStatus: "Provisioning succeeded",
    message: String(message),
  });
  return { status: "Succeeded", resource: { value: [status("StdOut", op.data.stdout), status("StdErr", op.data.stderr)] } };
}

/** Completion times of accepted commands, kept for "jump to next event". */
const pending = (sim: Sim) => sim.state.bag<number[]>("compute.runCommands", () => []);

export function runCommandEvents(sim: Sim): number[] {
  const list = pending(sim);
  const future = list.filter((t) => t > sim.clock.now());
  if (future.length !== list.length) {
    list.splice(0, list.length, ...future);
    sim.state.save();
  }
  return future;
}

export function runCommandRoutes(sim: Sim): RouteDef[] {
  return [{ method: "POST", pattern: `${VM_PATH}/runCommand`, apiVersions: VM_API_VERSIONS, handler: (req) => runCommand(sim, req) }];
}
