// The status JSON of the Durable HTTP API (what DurableOrchestrationStatus is built from), including
// the extension's condensed `historyEvents` (scheduling events folded into their completions).
import { fromJsonText, HistoryEventType as T, SCHEDULING_EVENTS, completionId, type HistoryEvent } from "./history.js";
import type { InstanceState } from "./store.js";

export interface StatusOptions {
  showInput: boolean;
  showHistory: boolean;
  showHistoryOutput: boolean;
}

/** The extension writes times without fractional seconds. */
export const wireTime = (ms: number | string) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export function statusJson(inst: InstanceState, options: StatusOptions): Record<string, unknown> {
  const s = inst.status;
  const body: Record<string, unknown> = {
    name: inst.meta.name,
    instanceId: inst.meta.instanceId,
    runtimeStatus: s.runtimeStatus,
    input: options.showInput ? (fromJsonText(s.input) ?? null) : null,
    customStatus: s.customStatus ?? null,
    output: fromJsonText(s.output) ?? null,
    createdTime: wireTime(inst.meta.createdTime),
    lastUpdatedTime: wireTime(s.lastUpdatedTime),
  };
  if (options.showHistory) body.historyEvents = condensedHistory(inst.history, options.showHistoryOutput);
  return body;
}

const SHOWN = new Set([
  T.ExecutionStarted,
  T.ExecutionCompleted,
  T.ExecutionTerminated,
  T.TaskCompleted,
  T.TaskFailed,
  T.SubOrchestrationInstanceCompleted,
  T.SubOrchestrationInstanceFailed,
  T.TimerFired,
  T.EventRaised,
  T.ExecutionSuspended,
  T.ExecutionResumed,
]);

function condensedHistory(history: HistoryEvent[], showOutput: boolean): Record<string, unknown>[] {
  const scheduled = new Map(history.filter((e) => SCHEDULING_EVENTS.has(e.EventType)).map((e) => [e.EventId, e]));
  return history
    .filter((e) => SHOWN.has(e.EventType))
    .map((e) => {
      const entry: Record<string, unknown> = { EventType: T[e.EventType], Timestamp: wireTime(e.Timestamp) };
      const id = completionId(e);
      const origin = id === undefined ? undefined : scheduled.get(id);
      if (e.EventType === T.ExecutionStarted) entry.FunctionName = e.Name;
      if (origin && e.EventType !== T.TimerFired) {
        entry.FunctionName = origin.Name;
        entry.ScheduledTime = wireTime(origin.Timestamp);
      }
      if (e.EventType === T.TimerFired) entry.FireAt = e.FireAt && wireTime(e.FireAt);
      if (e.EventType === T.EventRaised) entry.Name = e.Name;
      if (e.EventType === T.ExecutionCompleted) entry.OrchestrationStatus = e.OrchestrationStatus;
      if (e.Reason !== undefined) entry.Reason = e.Reason;
      if (showOutput) {
        if (e.Result !== undefined) entry.Result = fromJsonText(e.Result);
        if (e.Input !== undefined) entry.Input = fromJsonText(e.Input);
      }
      return entry;
    });
}
