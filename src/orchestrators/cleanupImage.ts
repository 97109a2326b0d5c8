// The how-to's clean-up, in its order: stop a running build, delete the template (awaited, so AIB's
// IT_ staging group goes with it), then for scope "all" the verification leftovers, role assignment,
// role, identity and finally the resource group, which only goes if this app created it for this image.
import type * as df from "durable-functions";
import { cancelImageBuildName, type Output as CancelOut } from "../activities/cancelImageBuild.js";
import { deleteImageTemplateName, type Output as TemplateDeleteOut } from "../activities/deleteImageTemplate.js";
import { deleteVerificationResourcesName } from "../activities/deleteVerificationResources.js";
import { deleteImageBuilderAccessName, type Output as AccessOut } from "../activities/deleteImageBuilderAccess.js";
import { deleteResourceGroupName, type Output as GroupDeleteOut } from "../activities/deleteResourceGroup.js";
import type { ImageScope } from "../builds/scope.js";
import { Progress } from "./progress.js";
import { transientRetry } from "./retry.js";
import { repeatUntil, type Steps } from "./waits.js";

export const cleanupImageName = "cleanupImage";

export type CleanupScope = "template" | "all";

export interface CleanupImageInput {
  target: ImageScope;
  scope: CleanupScope;
}

export interface CleanupResult {
  image: string;
  scope: CleanupScope;
  access?: AccessOut;
  resourceGroupDeleted: boolean;
}

export function* cleanupImage(context: df.OrchestrationContext): Steps<CleanupResult> {
  const { target, scope } = context.df.getInput<CleanupImageInput>();
  const progress = new Progress(context, target.image);
  const call = (name: string) => context.df.callActivityWithRetry(name, transientRetry, target);
  const until = <T>(name: string, done: (r: T) => boolean, what: string) =>
    repeatUntil<T>(context, () => call(name), done, { what, everyMinutes: 1, timeoutMinutes: 90, cancelable: false });
  try {
    progress.enter("cancelImageBuild");
    yield* until<CancelOut>(cancelImageBuildName, (r) => r.running.length === 0, "cancellation of the running build");

    progress.enter("deleteImageTemplate");
    yield* until<TemplateDeleteOut>(deleteImageTemplateName, (r) => r.state === "gone", "template deletion");
    if (scope === "template") return { image: target.image, scope, resourceGroupDeleted: false };

    progress.enter("deleteVerificationResources");
    yield call(deleteVerificationResourcesName);

    progress.enter("deleteImageBuilderAccess");
    const access = (yield call(deleteImageBuilderAccessName)) as AccessOut;

    progress.enter("deleteResourceGroup");
    yield* until<GroupDeleteOut>(deleteResourceGroupName, (r) => r.state === "gone", "resource group deletion");

    progress.enter("done");
    return { image: target.image, scope, access, resourceGroupDeleted: true };
  } catch (error) {
    throw progress.failed(error);
  }
}
