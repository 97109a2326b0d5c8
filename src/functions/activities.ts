// Registers every activity. Each handler is wrapped once here: whatever it throws leaves as an
// AzureStepError whose name and message carry kind and Azure's code across the Durable boundary.
import * as df from "durable-functions";
import { toStepError } from "../azure/errors.js";
import { assignImageBuilderRole, assignImageBuilderRoleName } from "../activities/assignImageBuilderRole.js";
import { cancelImageBuild, cancelImageBuildName } from "../activities/cancelImageBuild.js";
import { checkSourceImage, checkSourceImageName } from "../activities/checkSourceImage.js";
import { createVerificationVm, createVerificationVmName } from "../activities/createVerificationVm.js";
import { deleteImageBuilderAccess, deleteImageBuilderAccessName } from "../activities/deleteImageBuilderAccess.js";
import { deleteImageTemplate, deleteImageTemplateName } from "../activities/deleteImageTemplate.js";
import { deleteResourceGroup, deleteResourceGroupName } from "../activities/deleteResourceGroup.js";
import { deleteVerificationResources, deleteVerificationResourcesName } from "../activities/deleteVerificationResources.js";
import { ensureGallery, ensureGalleryName } from "../activities/ensureGallery.js";
import { ensureIdentity, ensureIdentityName } from "../activities/ensureIdentity.js";
import { ensureImageBuilderRole, ensureImageBuilderRoleName } from "../activities/ensureImageBuilderRole.js";
import { ensureImageDefinition, ensureImageDefinitionName } from "../activities/ensureImageDefinition.js";
import { ensureResourceGroup, ensureResourceGroupName } from "../activities/ensureResourceGroup.js";
import { getBuildStatus, getBuildStatusName } from "../activities/getBuildStatus.js";
import { getReplicationStatus, getReplicationStatusName } from "../activities/getReplicationStatus.js";
import { getRunOutput, getRunOutputName } from "../activities/getRunOutput.js";
import { registerProviders, registerProvidersName } from "../activities/registerProviders.js";
import { runImageBuild, runImageBuildName } from "../activities/runImageBuild.js";
import { runVerificationCommand, runVerificationCommandName } from "../activities/runVerificationCommand.js";
import { submitImageTemplate, submitImageTemplateName } from "../activities/submitImageTemplate.js";

/** The orchestrator built the input from the activity's own Input type, so it is taken as such. */
function register<I, O>(name: string, step: (input: I) => Promise<O>): void {
  df.app.activity(name, {
    handler: async (input: unknown) => {
      try {
        return await step(input as I);
      } catch (error) {
        throw toStepError(error);
      }
    },
  });
}

register(checkSourceImageName, checkSourceImage);
register(registerProvidersName, registerProviders);
register(ensureResourceGroupName, ensureResourceGroup);
register(ensureIdentityName, ensureIdentity);
register(ensureImageBuilderRoleName, ensureImageBuilderRole);
register(assignImageBuilderRoleName, assignImageBuilderRole);
register(ensureGalleryName, ensureGallery);
register(ensureImageDefinitionName, ensureImageDefinition);
register(submitImageTemplateName, submitImageTemplate);
register(runImageBuildName, runImageBuild);
register(getBuildStatusName, getBuildStatus);
register(getRunOutputName, getRunOutput);
register(getReplicationStatusName, getReplicationStatus);
register(createVerificationVmName, createVerificationVm);
register(runVerificationCommandName, runVerificationCommand);
register(deleteVerificationResourcesName, deleteVerificationResources);
register(cancelImageBuildName, cancelImageBuild);
register(deleteImageTemplateName, deleteImageTemplate);
register(deleteImageBuilderAccessName, deleteImageBuilderAccess);
register(deleteResourceGroupName, deleteResourceGroup);
