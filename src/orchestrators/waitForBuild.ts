// Step 9 of buildImage as its own orchestration: poll the run's status with durable timers at a pace
// that follows the run's phase, publish it, stop at the template's timeout plus a margin, and continue
// as new every few polls so the history of a 16-hour build stays short.
import type * as df from "durable-functions";
import { getBuildStatusName, type Input as StatusInput, type Output as RunStatus } from "../activities/getBuildStatus.js";
import { TERMINAL_RUN_STATES, buildPollMinutes } from "../builds/status.js";
import { minutesBetween } from "../builds/time.js";
import { pollRetry } from "./retry.js";
import { sleep, type Steps } from "./waits.js";

export const waitForBuildName = "waitForBuild";

/** Polls per generation before continueAsNew. */
const POLLS_PER_GENERATION = 10;

export interface WaitForBuildInput {
  status: StatusInput;
  startedAt: string;
  /** ISO instant after which the build counts as timed out */
  deadline: string;
  polls?: number;
}

/** The run's last status; `timedOut` when it was still going at the deadline (the caller cancels it). */
export type WaitForBuildOutput = RunStatus & { timedOut?: boolean };

export function* waitForBuild(context: df.OrchestrationContext): Steps<WaitForBuildOutput | undefined> {
  const input = context.df.getInput<WaitForBuildInput>();
  for (let polls = input.polls ?? 0; ; polls++) {
    const run = (yield context.df.callActivityWithRetry(getBuildStatusName, pollRetry, input.status)) as RunStatus;
    const now = context.df.currentUtcDateTime;
    const elapsedMinutes = minutesBetween(input.startedAt, now);
    context.df.setCustomStatus({ phase: "waitForBuild", runState: run.runState, runSubState: run.runSubState, elapsedMinutes });
    if (TERMINAL_RUN_STATES.has(run.runState)) return run;
    if (now.toISOString() >= input.deadline) return { ...run, timedOut: true };
    // Not cancelable itself: the parent hears the cancel, cancels the run, and this ends on Canceled.
    yield* sleep(context, buildPollMinutes(run.runState, run.runSubState, elapsedMinutes), false);
    if ((polls + 1) % POLLS_PER_GENERATION === 0) {
      context.df.continueAsNew({ ...input, polls: polls + 1 });
      return undefined;
    }
  }
}
