// One episode of an instance: take its inbox, frame the new events with OrchestratorStarted …
// OrchestratorCompleted, invoke the orchestrator with the extension's payload, replay its actions on
// the host side and decide what the episode commits (history, status) and what work it starts.
import type { LoadedApp } from "../app-types.js";
import { historyEvent, HistoryEventType as T, fromJsonText, toJsonText, type HistoryEvent } from "./history.js";
import { replay, topLevelActions, type NewWork, type ReplayOptions } from "./replay.js";
import type { DurableStats } from "./stats.js";
import type { InstanceState, InstanceStatus, LogRecord, Message } from "./store.js";

const OUT_OF_PROC_LABEL = "$OutOfProcData$:";

export interface EpisodeSettings {
  maximumShortTimerMs: number;
  longRunningTimerIntervalMs: number;
  /** the payload's duration texts, matching the two numbers above */
  maximumShortTimerDuration: string;
  longRunningTimerIntervalDuration: string;
}

export interface EpisodeResult {
  record: Extract<LogRecord, { t: "episode" }>;
  newWork: NewWork[];
}

interface OrchestratorStateWire {
  isDone?: boolean;
  actions?: unknown;
  output?: unknown;
  error?: string;
  customStatus?: unknown;
}

const isOrchestrator = (app: LoadedApp, name: string) => functionType(app, name) === "orchestrationtrigger";
const isActivity = (app: LoadedApp, name: string) => functionType(app, name) === "activitytrigger";
function functionType(app: LoadedApp, name: string): string | undefined {
  for (const [fn, reg] of app.functions) if (fn.toLowerCase() === name.toLowerCase()) return reg.trigger.type.toLowerCase();
  return undefined;
}
export { isActivity, isOrchestrator };

export const failedOutput = (name: string, message: string) => `Orchestrator function '${name}' failed: ${message}`;

export async function runEpisode(app: LoadedApp, inst: InstanceState, now: number, settings: EpisodeSettings, stats?: DurableStats): Promise<EpisodeResult> {
  const inbox = [...inst.inbox];
  const status = (patch: Partial<InstanceStatus>): InstanceStatus => ({ ...inst.status, lastUpdatedTime: now, ...patch });
  const framed = (events: HistoryEvent[]) => [historyEvent(T.OrchestratorStarted, now), ...events, historyEvent(T.OrchestratorCompleted, now)];
  const episode = (events: HistoryEvent[], consumed: Message[], s: InstanceStatus, nextGeneration?: Message[]): EpisodeResult => ({
    record: { t: "episode", events, consumed: consumed.map((m) => m.seq), status: s, nextGeneration },
    newWork: [],
  });

  if (["Completed", "Failed", "Terminated"].includes(inst.status.runtimeStatus)) return episode([], inbox, inst.status);

  const terminate = inbox.find((m) => m.control?.kind === "terminate");
  if (terminate) {
    const reason = toJsonText(terminate.control?.reason ?? "");
    const events = [
      historyEvent(T.ExecutionTerminated, now, { Input: reason }),
      historyEvent(T.ExecutionCompleted, now, { OrchestrationStatus: "Terminated", Result: reason }),
    ];
    return episode(framed(events), inbox, status({ runtimeStatus: "Terminated", output: reason }));
  }

  // Suspension holds every other message in the inbox until the instance is resumed.
  let suspended = inst.status.runtimeStatus === "Suspended";
  const controlEvents: HistoryEvent[] = [];
  for (const m of inbox) {
    if (m.control?.kind === "suspend" && !suspended) controlEvents.push(historyEvent(T.ExecutionSuspended, now, { Reason: m.control.reason }));
    if (m.control?.kind === "resume" && suspended) controlEvents.push(historyEvent(T.ExecutionResumed, now, { Reason: m.control.reason }));
    if (m.control?.kind === "suspend") suspended = true;
    if (m.control?.kind === "resume") suspended = false;
  }
  if (suspended) {
    const controls = inbox.filter((m) => m.control);
    return episode(controlEvents.length ? framed(controlEvents) : [], controls, status({ runtimeStatus: "Suspended" }));
  }

  const newEvents = [historyEvent(T.OrchestratorStarted, now), ...controlEvents, ...inbox.flatMap((m) => (m.event ? [m.event] : []))];
  const history = [...inst.history.map((e) => ({ ...e, IsPlayed: true })), ...newEvents];
  const name = inst.meta.name;
  const fail = (message: string, customStatus?: unknown) => {
    const output = toJsonText(failedOutput(name, message));
    const completed = historyEvent(T.ExecutionCompleted, now, { OrchestrationStatus: "Failed", Result: output });
    return episode([...newEvents, historyEvent(T.OrchestratorCompleted, now), completed], inbox, status({ runtimeStatus: "Failed", output, customStatus }));
  };
  if (!isOrchestrator(app, name)) return fail(`The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`);

  const started = history.find((e) => e.EventType === T.ExecutionStarted);
  const payload = {
    history,
    input: fromJsonText(started?.Input) ?? null,
    instanceId: inst.meta.instanceId,
    isReplaying: inst.history.length > 0,
    parentInstanceId: inst.meta.parent?.instanceId ?? null,
    upperSchemaVersion: 1,
    // V3: long timers are split on the host (LongTimerTask); V4 would announce entity locks, which this host does not run.
    upperSchemaVersionNew: 2,
    longRunningTimerIntervalDuration: settings.longRunningTimerIntervalDuration,
    maximumShortTimerDuration: settings.maximumShortTimerDuration,
    defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
  };
  const invokeStarted = performance.now();
  const result = await app.invoke(name, payload);
  stats?.recordInvoke({ instanceId: inst.meta.instanceId, name, historyLength: history.length, invokeMs: performance.now() - invokeStarted });
  const { state, error } = orchestratorState(result);
  const options: ReplayOptions = {
    instanceId: inst.meta.instanceId,
    isActivity: (n) => isActivity(app, n),
    isOrchestrator: (n) => isOrchestrator(app, n),
    maximumShortTimerMs: settings.maximumShortTimerMs,
    longRunningTimerIntervalMs: settings.longRunningTimerIntervalMs,
  };
  const replayed = replay(topLevelActions(state.actions), history, options);
  if (replayed.failure) return fail(replayed.failure, state.customStatus);
  if (error !== undefined) return fail(error, state.customStatus);

  const scheduled = replayed.newWork.map(schedulingEvent(now));
  const closing = [...newEvents, ...scheduled, historyEvent(T.OrchestratorCompleted, now)];
  if (state.isDone && replayed.continueAsNewInput) {
    const input = inputText(replayed.continueAsNewInput.value);
    const completed = historyEvent(T.ExecutionCompleted, now, { OrchestrationStatus: "ContinuedAsNew", Result: input });
    // The new generation starts from a fresh history; events nobody waited for are carried over.
    let seq = inst.nextSeq;
    const next: Message[] = [
      { seq: seq++, event: historyEvent(T.ExecutionStarted, now, { Name: name, Input: input, Version: "", ParentInstance: started?.ParentInstance }) },
      ...replayed.unconsumedEvents.map((e) => ({ seq: seq++, event: { ...e, IsPlayed: false } })),
    ];
    return episode([...closing, completed], inbox, status({ runtimeStatus: "ContinuedAsNew", input, customStatus: state.customStatus }), next);
  }
  if (state.isDone) {
    const output = toJsonText(state.output);
    const completed = historyEvent(T.ExecutionCompleted, now, { OrchestrationStatus: "Completed", Result: output });
    return episode([...closing, completed], inbox, status({ runtimeStatus: "Completed", output, customStatus: state.customStatus }));
  }
  const running = episode(closing, inbox, status({ runtimeStatus: "Running", customStatus: state.customStatus }));
  return { ...running, newWork: replayed.newWork };
}

/** JSON text of an input value, or undefined for none. */
export const inputText = (value: unknown): string | undefined => (value === undefined ? undefined : JSON.stringify(value));

function schedulingEvent(now: number) {
  return (work: NewWork): HistoryEvent => {
    if (work.kind === "activity") return historyEvent(T.TaskScheduled, now, { Name: work.name, Input: inputText(work.input), Version: "" }, work.id);
    if (work.kind === "timer") return historyEvent(T.TimerCreated, now, { FireAt: new Date(work.fireAt).toISOString() }, work.id);
    return historyEvent(
      T.SubOrchestrationInstanceCreated,
      now,
      { Name: work.name, InstanceId: work.instanceId, Input: inputText(work.input), Version: "" },
      work.id,
    );
  };
}

/** The state the orchestrator returned, or the one a failed orchestrator carried after `$OutOfProcData$:`. */
function orchestratorState(result: Awaited<ReturnType<LoadedApp["invoke"]>>): { state: OrchestratorStateWire; error?: string } {
  if (result.ok) return { state: (result.value ?? {}) as OrchestratorStateWire };
  const message = result.error.message;
  const at = message.indexOf(OUT_OF_PROC_LABEL);
  if (at < 0) return { state: {}, error: message };
  try {
    const state = JSON.parse(message.slice(at + OUT_OF_PROC_LABEL.length)) as OrchestratorStateWire;
    return { state, error: state.error ?? message.slice(0, at).trim() };
  } catch {
    return { state: {}, error: message };
  }
}
