// History events as the Durable extension hands them to an out-of-process orchestrator: DTFx's
// HistoryEvent serialized by Newtonsoft (PascalCase fields, EventType as the enum's integer,
// Timestamp as ISO text). The numbering is DTFx's, which durable-functions mirrors in HistoryEventType.

export enum HistoryEventType {
  ExecutionStarted = 0,
  ExecutionCompleted = 1,
  ExecutionFailed = 2,
  ExecutionTerminated = 3,
  TaskScheduled = 4,
  TaskCompleted = 5,
  TaskFailed = 6,
  SubOrchestrationInstanceCreated = 7,
  SubOrchestrationInstanceCompleted = 8,
  SubOrchestrationInstanceFailed = 9,
  TimerCreated = 10,
  TimerFired = 11,
  OrchestratorStarted = 12,
  OrchestratorCompleted = 13,
  EventSent = 14,
  EventRaised = 15,
  ContinueAsNew = 16,
  GenericEvent = 17,
  HistoryState = 18,
  ExecutionSuspended = 19,
  ExecutionResumed = 20,
}

export interface FailureDetails {
  ErrorType: string;
  ErrorMessage: string;
  StackTrace?: string;
  IsNonRetriable?: boolean;
}

export interface HistoryEvent {
  EventType: HistoryEventType;
  /** the sequence id for scheduling events, -1 otherwise */
  EventId: number;
  IsPlayed: boolean;
  Timestamp: string;
  Name?: string;
  /** JSON text */
  Input?: string;
  /** JSON text */
  Result?: string;
  Version?: string;
  InstanceId?: string;
  ParentInstance?: { Name: string; OrchestrationInstance: { InstanceId: string }; TaskScheduleId: number };
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
  Reason?: string;
  Details?: string;
  FailureDetails?: FailureDetails;
  OrchestrationStatus?: string;
}

/** Fields a builder may set besides the common ones. */
export type EventFields = Omit<HistoryEvent, "EventType" | "EventId" | "IsPlayed" | "Timestamp">;

export function historyEvent(type: HistoryEventType, at: number, fields: EventFields = {}, eventId = -1): HistoryEvent {
  return { EventType: type, EventId: eventId, IsPlayed: false, Timestamp: new Date(at).toISOString(), ...fields };
}

/** JSON text of a value, with `undefined` as `null` (the library JSON-parses results unconditionally). */
export const toJsonText = (value: unknown): string => JSON.stringify(value ?? null);

/** The value of JSON text, or undefined for absent text. */
export function fromJsonText(text: string | undefined): unknown {
  if (text === undefined || text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export const failureDetails = (error: { name?: string; message: string; stack?: string }): FailureDetails => ({
  ErrorType: error.name || "Error",
  ErrorMessage: error.message,
  StackTrace: error.stack,
  IsNonRetriable: false,
});

/** Events that schedule work carry its sequence id in EventId. */
export const SCHEDULING_EVENTS = new Set([
  HistoryEventType.TaskScheduled,
  HistoryEventType.TimerCreated,
  HistoryEventType.SubOrchestrationInstanceCreated,
  HistoryEventType.EventSent,
]);

/** Completion events and the field holding the sequence id they complete. */
export const COMPLETION_ID: Partial<Record<HistoryEventType, "TaskScheduledId" | "TimerId">> = {
  [HistoryEventType.TaskCompleted]: "TaskScheduledId",
  [HistoryEventType.TaskFailed]: "TaskScheduledId",
  [HistoryEventType.SubOrchestrationInstanceCompleted]: "TaskScheduledId",
  [HistoryEventType.SubOrchestrationInstanceFailed]: "TaskScheduledId",
  [HistoryEventType.TimerFired]: "TimerId",
};

export function completionId(event: HistoryEvent): number | undefined {
  const field = COMPLETION_ID[event.EventType];
  return field ? event[field] : undefined;
}

export const isFailure = (event: HistoryEvent): boolean =>
  event.EventType === HistoryEventType.TaskFailed || event.EventType === HistoryEventType.SubOrchestrationInstanceFailed;
