// The waiting patterns every orchestration uses, built only from durable timers and events: a sleep
// that a "cancel" event cuts short, and "call this step again until it says done".
import type * as df from "durable-functions";
import { addMinutes } from "../builds/time.js";

/** Raised on a build by POST /api/builds/{id}/cancel. */
export const CANCEL_EVENT = "cancel";

/** Thrown out of a wait when a cancel was requested; the build orchestration catches it. */
export class CancelRequested extends Error {
  constructor() {
    super("canceled on request");
    this.name = "CancelRequested";
  }
}

export type Steps<T> = Generator<df.Task, T, unknown>;

export function minutesAfter(context: df.OrchestrationContext, minutes: number): Date {
  return addMinutes(context.df.currentUtcDateTime, minutes);
}

/**
 * Every cancel wait an orchestration has created, per execution (a replay gets a new context). A wait
 * that lost its race stays open, and durable-functions hands an event to the NEWEST open wait of its
 * name: a cancel raised during an activity completes the last abandoned wait, not the next one.
 */
const cancelWaits = new WeakMap<df.OrchestrationContext, df.Task[]>();

/**
 * Throws CancelRequested when a cancel already reached one of the build's earlier waits: a check between
 * steps that must not be cut short mid-way (an activity that creates a VM runs to its end either way).
 */
export function throwIfCancelRequested(context: df.OrchestrationContext): void {
  if ((cancelWaits.get(context) ?? []).some((wait) => wait.isCompleted)) throw new CancelRequested();
}

/** Waits for a task, or for the cancel event, whichever comes first (CancelRequested is thrown). */
export function* orCancel(context: df.OrchestrationContext, task: df.Task): Steps<unknown> {
  throwIfCancelRequested(context);
  const earlier = cancelWaits.get(context) ?? [];
  const cancel = context.df.waitForExternalEvent(CANCEL_EVENT);
  cancelWaits.set(context, [...earlier, cancel]);
  const first = (yield context.df.Task.any([task, cancel])) as df.Task;
  if (first === cancel) throw new CancelRequested();
  if (first.isFaulted) throw first.result;
  return first.result;
}

/** A durable timer; unless `cancelable` is false, the cancel event cuts it short. */
export function* sleep(context: df.OrchestrationContext, minutes: number, cancelable = true): Steps<void> {
  const timer = context.df.createTimer(minutesAfter(context, minutes));
  if (!cancelable) {
    yield timer;
    return;
  }
  try {
    yield* orCancel(context, timer);
  } catch (error) {
    timer.cancel();
    throw error;
  }
}

export interface RepeatOptions {
  /** what is awaited, for the timeout message */
  what: string;
  everyMinutes: number;
  timeoutMinutes: number;
  cancelable?: boolean;
}

/** Calls an idempotent step until `done` says so, sleeping in between; fails after the timeout. */
export function* repeatUntil<T>(
  context: df.OrchestrationContext,
  step: () => df.Task,
  done: (result: T) => boolean,
  options: RepeatOptions,
): Steps<T> {
  const deadline = minutesAfter(context, options.timeoutMinutes).getTime();
  for (;;) {
    const result = (yield step()) as T;
    if (done(result)) return result;
    if (context.df.currentUtcDateTime.getTime() >= deadline) {
      throw new Error(`${options.what} did not finish within ${options.timeoutMinutes} minutes`);
    }
    yield* sleep(context, options.everyMinutes, options.cancelable ?? true);
  }
}
