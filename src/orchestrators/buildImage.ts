// The how-to, one step per line: register providers, resource group, identity, role, gallery and
// image definition, template, run, wait, result, replication, boot check. Every step is an idempotent
// activity, so a replay or a re-run picks up where Azure already is. A "cancel" event ends the build
// at its next wait: the Azure run is canceled and the orchestration completes with outcome "canceled".
import type * as df from "durable-functions";
import type { Output as SourceOut } from "../activities/checkSourceImage.js";
import { checkSourceImageName } from "../activities/checkSourceImage.js";
import { REQUIRED_PROVIDERS, registerProvidersName, type Output as ProvidersOut } from "../activities/registerProviders.js";
import { ensureResourceGroupName } from "../activities/ensureResourceGroup.js";
import { ensureIdentityName, type Output as IdentityOut } from "../activities/ensureIdentity.js";
import { ensureImageBuilderRoleName, type Output as RoleOut } from "../activities/ensureImageBuilderRole.js";
import { assignImageBuilderRoleName } from "../activities/assignImageBuilderRole.js";
import { ensureGalleryName } from "../activities/ensureGallery.js";
import { ensureImageDefinitionName, type Output as ImageDefOut } from "../activities/ensureImageDefinition.js";
import { submitImageTemplateName, type Output as SubmitOut } from "../activities/submitImageTemplate.js";
import { runImageBuildName, type Output as RunOut } from "../activities/runImageBuild.js";
import { getRunOutputName, type Output as RunOutputOut } from "../activities/getRunOutput.js";
import { getReplicationStatusName, type Output as ReplicationOut } from "../activities/getReplicationStatus.js";
import { cancelImageBuildName, type Output as CancelOut } from "../activities/cancelImageBuild.js";
import type { ImageDefinition } from "../images/types.js";
import type { BuildResult } from "../builds/status.js";
import { scopeOf, type ImageScope } from "../builds/scope.js";
import { waitInstanceId } from "../builds/instance-ids.js";
import { addMinutes } from "../builds/time.js";
import { Progress } from "./progress.js";
import { pollRetry, replicationRetry, roleTakesEffectRetry, transientRetry } from "./retry.js";
import { verifyImageBoots } from "./verifyImageBoots.js";
import { waitForBuildName, type WaitForBuildInput, type WaitForBuildOutput } from "./waitForBuild.js";
import { CancelRequested, orCancel, repeatUntil, sleep, throwIfCancelRequested, type Steps } from "./waits.js";

export const buildImageName = "buildImage";

export interface BuildImageInput {
  /** validated, with its subscriptionId filled in */
  definition: ImageDefinition;
  /** minutes to wait before the first step: the nightly run spreads its builds' setup over time */
  startDelayMinutes?: number;
}

/** Queueing, and AIB's own clean-up after the run, come on top of the template's timeout. */
const BUILD_MARGIN_MINUTES = 30;

export function* buildImage(context: df.OrchestrationContext): Steps<BuildResult> {
  const { definition, startDelayMinutes } = context.df.getInput<BuildImageInput>();
  const scope = scopeOf(definition);
  const progress = new Progress(context, definition.name);
  const call = (name: string, input: unknown, retry: df.RetryOptions = transientRetry) =>
    context.df.callActivityWithRetry(name, retry, input);
  let templateName: string | undefined;
  /** from sending `run` until its outcome is known */
  let runInFlight = false;
  try {
    if (startDelayMinutes) {
      progress.enter("scheduled");
      yield* sleep(context, startDelayMinutes);
    }

    progress.enter("checkSourceImage");
    const source = (yield call(checkSourceImageName, { source: definition.source })) as SourceOut;

    progress.enter("registerProviders");
    const providers = { subscriptionId: scope.subscriptionId, namespaces: REQUIRED_PROVIDERS, features: definition.features ?? [] };
    yield* repeatUntil<ProvidersOut>(context, () => call(registerProvidersName, providers), (r) => r.pending.length === 0, {
      what: "provider registration",
      everyMinutes: 1,
      timeoutMinutes: 60,
    });

    progress.enter("ensureResourceGroup");
    yield call(ensureResourceGroupName, scope);

    progress.enter("ensureIdentity");
    const identity = (yield call(ensureIdentityName, scope)) as IdentityOut;

    progress.enter("ensureImageBuilderRole");
    const role = (yield call(ensureImageBuilderRoleName, scope)) as RoleOut;

    progress.enter("assignImageBuilderRole");
    const assignment = { ...scope, principalId: identity.principalId, roleDefinitionId: role.roleDefinitionId };
    yield call(assignImageBuilderRoleName, assignment, replicationRetry);

    progress.enter("ensureGallery");
    yield call(ensureGalleryName, { ...scope, galleryName: definition.gallery.name, tags: definition.tags });

    progress.enter("ensureImageDefinition");
    const imageDefinition = (yield call(ensureImageDefinitionName, { ...scope, gallery: definition.gallery, tags: definition.tags })) as ImageDefOut;

    progress.enter("submitImageTemplate");
    const submission = { ...scope, definition, identityId: identity.id, galleryImageId: imageDefinition.id, ...source };
    const submitted = yield* repeatUntil<SubmitOut>(
      context,
      () => call(submitImageTemplateName, submission, roleTakesEffectRetry),
      (r) => r.state !== "pending",
      { what: "template submission", everyMinutes: 1, timeoutMinutes: 60 },
    );
    templateName = submitted.templateName;
    progress.publish({ templateName });
    if (submitted.state === "failed") {
      throw new Error(`Image Builder rejected template ${templateName}: ${submitted.error?.code}: ${submitted.error?.message}`);
    }

    progress.enter("runImageBuild");
    runInFlight = true;
    const run = (yield call(runImageBuildName, { ...scope, templateName })) as RunOut;

    progress.enter("waitForBuild");
    const build = (yield* waitForTheBuild(context, scope, templateName, run, definition.buildTimeoutInMinutes)) as WaitForBuildOutput;
    runInFlight = false;
    progress.publish({ runState: build.runState, runSubState: build.runSubState });
    if (build.timedOut) {
      // A build left running would keep its VM and IT_ group: stop it before reporting.
      yield* stopRun(context, { ...scope, templateName });
      throw new Error(`the build was still ${build.runState}/${build.runSubState ?? "-"} ${BUILD_MARGIN_MINUTES} minutes after its ${definition.buildTimeoutInMinutes}-minute timeout; it was canceled`);
    }
    if (build.runState !== "Succeeded") {
      // A run that failed while distributing has made its version: report it and how far each region got.
      if (build.runSubState === "Distributing") {
        try {
          const made = (yield call(getRunOutputName, { ...scope, templateName, runOutputName: definition.runOutputName })) as RunOutputOut;
          progress.publish({ imageVersionId: made.imageVersionId });
          const regions = (yield call(getReplicationStatusName, { imageVersionId: made.imageVersionId }, pollRetry)) as ReplicationOut;
          progress.publish({ regions: regions.regions });
        } catch {
          // No version was published before the failure: there is nothing more to report.
        }
      }
      throw new Error(`the build ended ${build.runState}: ${build.message ?? "no message"}`);
    }

    progress.enter("getRunOutput");
    const output = (yield call(getRunOutputName, { ...scope, templateName, runOutputName: definition.runOutputName })) as RunOutputOut;
    const imageVersionId = output.imageVersionId;
    progress.publish({ imageVersionId });

    progress.enter("waitForReplication");
    const replication = yield* repeatUntil<ReplicationOut>(
      context,
      () => call(getReplicationStatusName, { imageVersionId }, pollRetry),
      (r) => r.aggregatedState === "Completed" || r.aggregatedState === "Failed" || r.regions.some((x) => x.state === "Failed"),
      { what: "replication", everyMinutes: 2, timeoutMinutes: 240 },
    );
    progress.publish({ regions: replication.regions });
    const failedRegions = replication.regions.filter((r) => r.state === "Failed");
    if (replication.aggregatedState === "Failed" || failedRegions.length > 0) {
      const named = failedRegions.map((r) => `${r.region}${r.details ? ` (${r.details})` : ""}`).join(", ");
      throw new Error(`replication of ${imageVersionId} failed in ${named || "a region"}`);
    }

    let verificationPassed: boolean | null = null;
    if (definition.verification.enabled) {
      progress.enter("verifyImageBoots");
      const checkCancel = () => throwIfCancelRequested(context);
      verificationPassed = yield* verifyImageBoots(call, checkCancel, { ...scope, buildId: context.df.instanceId }, definition.verification, imageVersionId);
    }

    progress.enter("done");
    return { outcome: "succeeded", image: scope.image, templateName, imageVersionId, regions: replication.regions, verificationPassed, phases: progress.phases };
  } catch (error) {
    if (error instanceof CancelRequested) return yield* cancelBuild(context, progress, scope, templateName);
    if (runInFlight && templateName) {
      // The build failed while Azure's run may still go on (e.g. its status could not be read): stop it,
      // or its VM and IT_ group bill until AIB's own timeout and the next build adopts it.
      try {
        yield* stopRun(context, { ...scope, templateName });
      } catch {
        // The original failure is the one to report.
      }
    }
    throw progress.failed(error);
  }
}

function* waitForTheBuild(context: df.OrchestrationContext, scope: ImageScope, templateName: string, run: RunOut, timeoutMinutes: number): Steps<unknown> {
  const now = context.df.currentUtcDateTime;
  const input: WaitForBuildInput = {
    status: { ...scope, templateName, previousStartTime: run.previousStartTime },
    startedAt: now.toISOString(),
    deadline: addMinutes(now, timeoutMinutes + BUILD_MARGIN_MINUTES).toISOString(),
  };
  return yield* orCancel(context, context.df.callSubOrchestrator(waitForBuildName, input, waitInstanceId(context.df.instanceId)));
}

/** Cancel requested: stop the Azure run (if one was started), then end with outcome "canceled". */
function* cancelBuild(context: df.OrchestrationContext, progress: Progress, scope: ImageScope, templateName: string | undefined): Steps<BuildResult> {
  progress.enter("canceling");
  if (templateName) yield* stopRun(context, { ...scope, templateName });
  progress.enter("canceled");
  return { outcome: "canceled", image: scope.image, templateName, regions: [], verificationPassed: null, phases: progress.phases };
}

/** Cancels the template's run and waits until Azure says it is no longer running. */
function* stopRun(context: df.OrchestrationContext, input: ImageScope & { templateName: string }): Steps<CancelOut> {
  return yield* repeatUntil<CancelOut>(context, () => context.df.callActivityWithRetry(cancelImageBuildName, transientRetry, input), (r) => r.running.length === 0, {
    what: "cancellation",
    everyMinutes: 1,
    timeoutMinutes: 60,
    cancelable: false,
  });
}
