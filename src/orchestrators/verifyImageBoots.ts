// Step 12 of buildImage: boot a VM from exactly the new version and check it with Run Command. The VM
// and its network are deleted whatever happens, so a failed check never leaves billing resources. A
// cancel is honoured between the steps, never inside one: a VM being created is always deleted after.
import type * as df from "durable-functions";
import { createVerificationVmName, type Input as VmInput, type Output as VmOut } from "../activities/createVerificationVm.js";
import { runVerificationCommandName, type Output as CheckOut } from "../activities/runVerificationCommand.js";
import { deleteVerificationResourcesName } from "../activities/deleteVerificationResources.js";
import type { ImageScope } from "../builds/scope.js";
import type { ImageDefinition } from "../images/types.js";
import type { Steps } from "./waits.js";

/** A size every region offers that boots Windows Server in a few minutes. */
const DEFAULT_VM_SIZE = "Standard_D2s_v3";

type Call = (name: string, input: unknown) => df.Task;

export function* verifyImageBoots(
  call: Call,
  /** throws when a cancel was requested */
  checkCancel: () => void,
  target: ImageScope & { buildId: string },
  verification: ImageDefinition["verification"],
  imageVersionId: string,
): Steps<boolean> {
  let failure: unknown;
  try {
    const vmInput: VmInput = {
      ...target,
      region: verification.region ?? target.location,
      vmSize: verification.vmSize ?? DEFAULT_VM_SIZE,
      imageVersionId,
    };
    const vm = (yield call(createVerificationVmName, vmInput)) as VmOut;
    checkCancel();
    const check = (yield call(runVerificationCommandName, { ...target, vmName: vm.vmName, paths: verification.paths, script: verification.script })) as CheckOut;
    checkCancel();
    if (!check.passed) {
      throw new Error(`the VM from ${imageVersionId} failed the check: ${check.stdout || "(no output)"} ${check.stderr}`.trim());
    }
    return true;
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    try {
      yield call(deleteVerificationResourcesName, target);
    } catch (deleteError) {
      // A failed or canceled check is the outcome to report; the delete's own failure only after a pass.
      if (failure === undefined) throw deleteError;
    }
  }
}
