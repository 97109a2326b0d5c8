// The host half of an episode, as the extension's out-of-process shim does it on top of DTFx: the
// actions the orchestrator returned are re-issued in order, each awaited, while the generation's
// history is replayed event by event. Scheduling gets DTFx's sequence ids (idCounter++ for every
// activity, timer and sub-orchestration, including the retry interceptor's timers and the pieces of
// a long timer), recorded scheduling events are checked against them (non-determinism), and what is
// scheduled but not yet in history is the new work of this episode.
import {
  completionId,
  HistoryEventType as T,
  isFailure,
  SCHEDULING_EVENTS,
  type HistoryEvent,
} from "./history.js";

export interface RetryOptionsWire {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

/** An action of the orchestrator's state, after a JSON round trip (dates are ISO text). */
export interface WireAction {
  actionType: number;
  functionName?: string;
  input?: unknown;
  retryOptions?: RetryOptionsWire;
  instanceId?: string;
  version?: string;
  fireAt?: string;
  isCanceled?: boolean;
  externalEventName?: string;
  compoundActions?: WireAction[];
}

export type NewWork =
  | { kind: "activity"; id: number; name: string; input: unknown }
  | { kind: "timer"; id: number; fireAt: number }
  | { kind: "subOrchestration"; id: number; name: string; instanceId: string; input: unknown };

export interface ReplayOptions {
  instanceId: string;
  isActivity(name: string): boolean;
  isOrchestrator(name: string): boolean;
  /** "6.00:00:00" and "3.00:00:00" as ms */
  maximumShortTimerMs: number;
  longRunningTimerIntervalMs: number;
}

export interface ReplayResult {
  newWork: NewWork[];
  /** why the instance must fail (non-determinism, unknown function, unsupported action) */
  failure?: string;
  continueAsNewInput?: { value: unknown };
  /** EventRaised events no wait consumed: continueAsNew carries them to the next generation */
  unconsumedEvents: HistoryEvent[];
}

const ACTION_CLASS: Record<NewWork["kind"], string> = {
  activity: "ScheduleTaskOrchestratorAction",
  timer: "CreateTimerOrchestratorAction",
  subOrchestration: "CreateSubOrchestrationAction",
};
const CHANGED = " Was a change made to the orchestrator code after this instance had already started running?";
const ND = "Non-Deterministic workflow detected: ";
// What the extension's CallActivityAsync/CallSubOrchestratorAsync throw for a function they do not know.
export const unknownFunction = (name: string, kind: "activity" | "orchestrator") =>
  `The function '${name}' doesn't exist, is disabled, or is not an ${kind} function.`;

type Done = (ok: boolean, event?: HistoryEvent) => void;

class Abort extends Error {}

class Replayer {
  #nextId = 0;
  #now = 0;
  /** scheduled in this replay, not yet completed */
  #open = new Map<number, Done>();
  /** scheduled in this replay and not (yet) matched by a scheduling event of the history */
  #unmatched = new Map<number, NewWork>();
  #deferred = new Map<number, HistoryEvent>();
  #waiters = new Map<string, Done[]>();
  #buffered: HistoryEvent[] = [];
  failure?: string;
  continueAsNewInput?: { value: unknown };

  constructor(
    private readonly actions: WireAction[],
    private readonly options: ReplayOptions,
  ) {}

  run(history: HistoryEvent[]): ReplayResult {
    try {
      for (const event of history) this.#process(event);
    } catch (e) {
      if (!(e instanceof Abort)) throw e;
    }
    const newWork = [...this.#unmatched.values()];
    if (!this.failure) {
      for (const work of newWork) {
        if (work.kind === "activity" && !this.options.isActivity(work.name)) this.failure = unknownFunction(work.name, "activity");
        if (work.kind === "subOrchestration" && !this.options.isOrchestrator(work.name))
          this.failure = unknownFunction(work.name, "orchestrator");
      }
    }
    return { newWork, failure: this.failure, continueAsNewInput: this.continueAsNewInput, unconsumedEvents: this.#buffered };
  }

  #fail(message: string): never {
    this.failure = message;
    throw new Abort(message);
  }

  #process(event: HistoryEvent): void {
    if (event.EventType === T.OrchestratorStarted) this.#now = Date.parse(event.Timestamp);
    else if (event.EventType === T.ExecutionStarted) this.#sequence(0);
    else if (SCHEDULING_EVENTS.has(event.EventType)) this.#match(event);
    else if (event.EventType === T.EventRaised) this.#raise(event);
    else {
      const id = completionId(event);
      if (id === undefined) return;
      const done = this.#open.get(id);
      if (done) {
        this.#open.delete(id);
        done(!isFailure(event), event);
      } else if (id >= this.#nextId) this.#deferred.set(id, event);
      // else: a duplicate completion, which DTFx logs and drops
    }
  }

  /** Awaits the top-level actions one after the other, as ProcessAsyncActionsV2 does. */
  #sequence(index: number): void {
    if (index >= this.actions.length) return;
    this.#start(this.actions[index], () => this.#sequence(index + 1));
  }

  #start(action: WireAction, done: Done): void {
    switch (action.actionType) {
      case 0:
        return this.#activity(action, done);
      case 1:
        return this.#retry(action, (attemptDone) => this.#activity(action, attemptDone), done);
      case 2:
        return this.#subOrchestration(action, done);
      case 3:
        return this.#retry(action, (attemptDone) => this.#subOrchestration(action, attemptDone), done);
      case 4:
        this.continueAsNewInput = { value: action.input };
        return done(true);
      case 5:
        return this.#timer(Date.parse(action.fireAt ?? ""), done);
      case 6:
        return this.#wait(action.externalEventName ?? "", done);
      case 11:
      case 12:
        return this.#compound(action.compoundActions ?? [], action.actionType === 11, done);
      default:
        this.#fail(`Action type ${action.actionType} (entities, durable HTTP) is not supported by the sandbox host.`);
    }
  }

  #schedule(make: (id: number) => NewWork, done: Done): void {
    const id = this.#nextId++;
    const scheduled = make(id);
    this.#open.set(id, done);
    this.#unmatched.set(id, scheduled);
    const early = this.#deferred.get(id);
    if (early) {
      this.#deferred.delete(id);
      this.#process(early);
    }
  }

  #activity(action: WireAction, done: Done): void {
    this.#schedule((id) => ({ kind: "activity", id, name: action.functionName ?? "", input: action.input }), done);
  }

  #subOrchestration(action: WireAction, done: Done): void {
    const name = action.functionName ?? "";
    const instanceId = (id: number) => action.instanceId || `${this.options.instanceId}:${id}`;
    this.#schedule((id) => ({ kind: "subOrchestration", id, name, instanceId: instanceId(id), input: action.input }), done);
  }

  /** Long timers are split into intervals the way the extension's CreateTimer does (the library mirrors it). */
  #timer(fireAt: number, done: Done): void {
    const { maximumShortTimerMs, longRunningTimerIntervalMs } = this.options;
    if (fireAt - this.#now > maximumShortTimerMs) {
      this.#createTimer(this.#now + longRunningTimerIntervalMs, () => (fireAt > this.#now ? this.#timer(fireAt, done) : done(true)));
    } else this.#createTimer(fireAt, () => done(true));
  }

  #createTimer(fireAt: number, done: Done): void {
    this.#schedule((id) => ({ kind: "timer", id, fireAt }), done);
  }

  /** DTFx RetryInterceptor, including the immediate "Dummy timer for back-compat" after the last attempt. */
  #retry(action: WireAction, attempt: (done: Done) => void, done: Done): void {
    const options = action.retryOptions ?? { firstRetryIntervalInMilliseconds: 1000, maxNumberOfAttempts: 1 };
    const firstAttempt = this.#now;
    let retryCount = 0;
    const run = () =>
      attempt((ok, event) => {
        if (ok || event?.FailureDetails?.IsNonRetriable) return done(ok, event);
        if (retryCount + 1 >= options.maxNumberOfAttempts) return this.#createTimer(this.#now, () => done(false, event));
        const delay = nextDelay(options, retryCount, firstAttempt, this.#now);
        if (delay === 0) return done(false, event);
        retryCount++;
        this.#createTimer(this.#now + delay, run);
      });
    run();
  }

  #wait(name: string, done: Done): void {
    const index = this.#buffered.findIndex((e) => e.Name === name);
    if (index >= 0) {
      const [event] = this.#buffered.splice(index, 1);
      return done(true, event);
    }
    this.#waiters.set(name, [...(this.#waiters.get(name) ?? []), done]);
  }

  /**
   * The extension keeps a stack of waiters per event name and pops it, so the NEWEST wait gets the event
   * (a wait abandoned by an earlier Task.any in a loop never swallows it), as durable-functions does too.
   */
  #raise(event: HistoryEvent): void {
    const waiters = this.#waiters.get(event.Name ?? "");
    const waiter = waiters?.pop();
    if (waiter) waiter(true, event);
    else this.#buffered.push(event);
  }

  #compound(children: WireAction[], any: boolean, done: Done): void {
    let remaining = children.length;
    let finished = false;
    if (remaining === 0) return done(true);
    for (const child of children) {
      this.#start(child, () => {
        remaining--;
        if (finished || (!any && remaining > 0)) return;
        finished = true;
        done(true);
      });
    }
  }

  #match(event: HistoryEvent): void {
    const id = event.EventId;
    const scheduled = this.#unmatched.get(id);
    const recorded = recordedKind(event.EventType);
    if (!recorded) return;
    const version = event.Version ?? "";
    if (!scheduled) this.#fail(ND + missing(recorded, id, event, version));
    if (scheduled.kind !== recorded) this.#fail(ND + otherKind(recorded, id, event, version, ACTION_CLASS[scheduled.kind]));
    if (scheduled.kind !== "timer" && scheduled.name.toLowerCase() !== (event.Name ?? "").toLowerCase())
      this.#fail(ND + renamed(recorded, id, event, version, scheduled.name));
    this.#unmatched.delete(id);
  }
}

function recordedKind(type: T): NewWork["kind"] | undefined {
  if (type === T.TaskScheduled) return "activity";
  if (type === T.TimerCreated) return "timer";
  if (type === T.SubOrchestrationInstanceCreated) return "subOrchestration";
  return undefined; // EventSent: entities, which this host does not run
}

// DTFx NonDeterministicOrchestrationException texts (TaskOrchestrationContext), verbatim.
function missing(kind: NewWork["kind"], id: number, e: HistoryEvent, version: string): string {
  if (kind === "activity")
    return `A previous execution of this orchestration scheduled an activity task with sequence ID ${id} and name '${e.Name}' (version '${version}'), but the current replay execution hasn't (yet?) scheduled this task.${CHANGED}`;
  if (kind === "timer")
    return `A previous execution of this orchestration scheduled a timer task with sequence number ${id} but the current replay execution hasn't (yet?) scheduled this task.${CHANGED}`;
  return `${subPrefix(id, e, version)}, but the current replay execution hasn't (yet?) scheduled this task.${CHANGED}`;
}

function otherKind(kind: NewWork["kind"], id: number, e: HistoryEvent, version: string, actionClass: string): string {
  if (kind === "activity")
    return `A previous execution of this orchestration scheduled an activity task with sequence number ${id} named '${e.Name}', but the current orchestration replay instead produced a ${actionClass} action with this sequence number.${CHANGED}`;
  if (kind === "timer")
    return `A previous execution of this orchestration scheduled a timer task with sequence number ${id} named but the current orchestration replay instead produced a ${actionClass} action with this sequence number.${CHANGED}`;
  return `${subPrefix(id, e, version)}, but the current orchestration replay instead produced a ${actionClass} action at this sequence number.${CHANGED}`;
}

function renamed(kind: NewWork["kind"], id: number, e: HistoryEvent, version: string, name: string): string {
  if (kind === "activity")
    return `A previous execution of this orchestration scheduled an activity task with sequence number ${id} named '${e.Name}', but the current orchestration replay instead scheduled an activity task named '${name}' with this sequence number. ${CHANGED}`;
  return `${subPrefix(id, e, version)}, but the current orchestration replay instead scheduled a sub-orchestration task with name ${name} at this sequence number.${CHANGED}`;
}

const subPrefix = (id: number, e: HistoryEvent, version: string) =>
  `A previous execution of this orchestration scheduled a sub-orchestration task with sequence ID ${id} and name '${e.Name}' (version '${version}', instance ID '${e.InstanceId}')`;

/** RetryInterceptor.ComputeNextDelay with the extension's defaults (backoff 1, max interval 6 days, no timeout). */
export function nextDelay(options: RetryOptionsWire, attempt: number, firstAttempt: number, now: number): number {
  const timeout = options.retryTimeoutInMilliseconds;
  if (timeout !== undefined && timeout > 0 && now >= firstAttempt + timeout) return 0;
  const delay = options.firstRetryIntervalInMilliseconds * Math.pow(options.backoffCoefficient ?? 1, attempt);
  const max = options.maxRetryIntervalInMilliseconds ?? 6 * 24 * 3600_000;
  return Math.round(delay < max ? delay : max);
}

/** Flattens the state's `actions` (schema ≥ V2: one list of every action since the start). */
export function topLevelActions(actions: unknown): WireAction[] {
  if (!Array.isArray(actions)) return [];
  return actions.flatMap((group: unknown) => (Array.isArray(group) ? (group as WireAction[]) : [group as WireAction]));
}

export function replay(actions: WireAction[], history: HistoryEvent[], options: ReplayOptions): ReplayResult {
  return new Replayer(actions, options).run(history);
}
