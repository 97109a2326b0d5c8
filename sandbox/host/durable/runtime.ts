// The Durable Task side of the local host: instances in the on-disk task hub, one episode at a time
// per instance, and the work episodes start (activities, timers, sub-orchestrations). Everything an
// instance learns arrives as a message written to its log before an episode reads it, and every
// episode is written before its work starts, so a restart resumes from the logs: pending work is
// found in the history and started again (activities run at least once).
import type { Clock } from "../../arm/clock.js";
import type { LoadedApp } from "../app-types.js";
import { runEpisode, failedOutput, inputText, isOrchestrator, type EpisodeSettings } from "./episode.js";
import { completionId, failureDetails, fromJsonText, historyEvent, HistoryEventType as T, SCHEDULING_EVENTS, toJsonText, type EventFields } from "./history.js";
import type { NewWork } from "./replay.js";
import { TaskHubStore, TERMINAL, type InstanceState, type Message } from "./store.js";
import { DurableStats } from "./stats.js";
import { DurableTimers } from "./timers.js";

export interface RuntimeOptions {
  app: LoadedApp;
  clock: Clock;
  dataDir: string;
  hubName: string;
  maxConcurrentActivities: number;
  episode: EpisodeSettings;
  log: (line: string) => void;
}

export class ManagementError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 410,
    message: string,
  ) {
    super(message);
  }
}

export class Orchestrations {
  readonly instances = new Map<string, InstanceState>();
  /** orchestrator invocation timings, for the bench */
  readonly stats = new DurableStats();
  readonly #store: TaskHubStore;
  readonly #timers: DurableTimers;
  #running = new Map<string, Promise<void>>();
  #again = new Set<string>();
  #activities = new Set<Promise<void>>();
  #activityQueue: Array<() => void> = [];
  #activeActivities = 0;
  #stopped = false;

  constructor(private readonly o: RuntimeOptions) {
    this.#store = new TaskHubStore(o.dataDir, o.hubName);
    this.#timers = new DurableTimers(o.clock);
  }

  /** Loads the hub and resumes every instance that has not finished. */
  start(): void {
    for (const [id, inst] of this.#store.loadAll()) this.instances.set(id, inst);
    for (const inst of this.instances.values()) {
      if (TERMINAL.has(inst.status.runtimeStatus)) continue;
      this.#resumePendingWork(inst);
      if (inst.inbox.length > 0) this.#schedule(inst.meta.instanceId);
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#timers.stop();
    await Promise.allSettled([...this.#running.values()]);
  }

  /** Resolves when no episode or activity is running (tests; the host's idle detection). */
  async idle(): Promise<void> {
    while (this.#running.size > 0 || this.#activities.size > 0) await Promise.allSettled([...this.#running.values(), ...this.#activities]);
  }

  startNew(name: string, instanceId: string, input: string | undefined, parent?: { instanceId: string; taskId: number }): InstanceState {
    if (!isOrchestrator(this.o.app, name)) throw new ManagementError(400, `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`);
    const existing = this.instances.get(instanceId);
    if (existing && !TERMINAL.has(existing.status.runtimeStatus))
      throw new ManagementError(409, `An Orchestration instance with the status ${existing.status.runtimeStatus} already exists.`);
    const now = this.o.clock.now();
    const ParentInstance = parent && { Name: "", OrchestrationInstance: { InstanceId: parent.instanceId }, TaskScheduleId: parent.taskId };
    const started = historyEvent(T.ExecutionStarted, now, { Name: name, Input: input, Version: "", ParentInstance });
    const inst = this.#store.create({
      t: "created",
      meta: { instanceId, name, createdTime: now, parent },
      status: { runtimeStatus: "Pending", input, lastUpdatedTime: now },
      messages: [{ seq: 0, event: started }],
    });
    this.#timers.removeInstance(instanceId);
    this.instances.set(instanceId, inst);
    this.o.log(`Durable: started ${name} (${instanceId})`);
    this.#schedule(instanceId);
    return inst;
  }

  raiseEvent(instanceId: string, eventName: string, data: string | undefined): void {
    this.#active(instanceId);
    this.#deliver(instanceId, { event: historyEvent(T.EventRaised, this.o.clock.now(), { Name: eventName, Input: data }) });
  }

  control(instanceId: string, kind: "terminate" | "suspend" | "resume", reason?: string): void {
    this.#active(instanceId);
    this.#deliver(instanceId, { control: { kind, reason } });
  }

  purge(instanceId: string): boolean {
    const inst = this.instances.get(instanceId);
    if (!inst || !TERMINAL.has(inst.status.runtimeStatus)) return false;
    this.#store.purge(instanceId);
    this.instances.delete(instanceId);
    return true;
  }

  #active(instanceId: string): InstanceState {
    const inst = this.instances.get(instanceId);
    if (!inst) throw new ManagementError(404, `No instance with ID '${instanceId}' was found.`);
    if (TERMINAL.has(inst.status.runtimeStatus)) throw new ManagementError(410, `The instance '${instanceId}' is ${inst.status.runtimeStatus}.`);
    return inst;
  }

  /** Writes a message to the instance's log, then lets an episode read it. */
  #deliver(instanceId: string, content: Omit<Message, "seq">): void {
    const inst = this.instances.get(instanceId);
    if (!inst || this.#stopped) return;
    this.#store.append(inst, { t: "msg", msg: { seq: inst.nextSeq, ...content } });
    this.#schedule(instanceId);
  }

  #schedule(instanceId: string): void {
    if (this.#stopped) return;
    if (this.#running.has(instanceId)) {
      this.#again.add(instanceId);
      return;
    }
    const run = (async () => {
      do {
        this.#again.delete(instanceId);
        await this.#episode(instanceId);
      } while (this.#again.has(instanceId) && !this.#stopped);
    })()
      .catch((e: unknown) => this.o.log(`Durable: episode of ${instanceId} failed in the host: ${e instanceof Error ? e.stack : String(e)}`))
      .finally(() => this.#running.delete(instanceId));
    this.#running.set(instanceId, run);
  }

  async #episode(instanceId: string): Promise<void> {
    const inst = this.instances.get(instanceId);
    if (!inst || inst.inbox.length === 0) return;
    const { record, newWork } = await runEpisode(this.o.app, inst, this.o.clock.now(), this.o.episode, this.stats);
    if (this.#stopped || this.instances.get(instanceId) !== inst) return;
    this.#store.append(inst, record);
    const status = inst.status.runtimeStatus;
    if (status !== "Running" && status !== "Suspended") this.o.log(`Durable: ${inst.meta.name} (${instanceId}) is ${status}`);
    for (const work of newWork) this.#startWork(inst, work);
    if (status === "ContinuedAsNew") this.#again.add(instanceId);
    if (TERMINAL.has(status) && record.events.length > 0) this.#finished(inst);
  }

  #finished(inst: InstanceState): void {
    this.#timers.removeInstance(inst.meta.instanceId);
    const parent = inst.meta.parent;
    if (!parent || inst.status.runtimeStatus === "Terminated") return;
    this.#deliver(parent.instanceId, { event: this.#subOrchestrationOutcome(inst, parent.taskId) });
  }

  #subOrchestrationOutcome(inst: InstanceState, taskId: number) {
    const now = this.o.clock.now();
    if (inst.status.runtimeStatus === "Completed")
      return historyEvent(T.SubOrchestrationInstanceCompleted, now, { TaskScheduledId: taskId, Result: inst.status.output ?? "null" });
    const message = String(fromJsonText(inst.status.output) ?? failedOutput(inst.meta.name, "failed"));
    return historyEvent(T.SubOrchestrationInstanceFailed, now, {
      TaskScheduledId: taskId,
      Reason: message,
      Details: "",
      FailureDetails: failureDetails({ name: "OrchestrationFailureException", message }),
    });
  }

  #startWork(inst: InstanceState, work: NewWork): void {
    const instanceId = inst.meta.instanceId;
    if (work.kind === "timer") {
      const FireAt = new Date(work.fireAt).toISOString();
      this.#timers.add(`${instanceId}#${work.id}`, work.fireAt, () =>
        this.#deliver(instanceId, { event: historyEvent(T.TimerFired, this.o.clock.now(), { TimerId: work.id, FireAt }) }),
      );
    } else if (work.kind === "activity") {
      this.#runActivity(instanceId, work);
    } else {
      const child = this.instances.get(work.instanceId);
      const ours = child?.meta.parent?.instanceId === instanceId && child.meta.parent.taskId === work.id;
      if (ours && TERMINAL.has(child.status.runtimeStatus)) this.#deliver(instanceId, { event: this.#subOrchestrationOutcome(child, work.id) });
      else if (!ours) this.#startSubOrchestration(instanceId, work);
    }
  }

  #startSubOrchestration(parentId: string, work: Extract<NewWork, { kind: "subOrchestration" }>): void {
    try {
      this.startNew(work.name, work.instanceId, inputText(work.input), { instanceId: parentId, taskId: work.id });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const fields: EventFields = { TaskScheduledId: work.id, Reason: message, Details: "", FailureDetails: failureDetails({ message }) };
      this.#deliver(parentId, { event: historyEvent(T.SubOrchestrationInstanceFailed, this.o.clock.now(), fields) });
    }
  }

  #runActivity(instanceId: string, work: Extract<NewWork, { kind: "activity" }>): void {
    const run = (async () => {
      await this.#activitySlot();
      try {
        if (this.#stopped) return;
        // A string input was JSON-stringified by the library; the worker parses string trigger data back.
        const input = typeof work.input === "string" ? fromJsonText(work.input) : work.input;
        const result = await this.o.app.invoke(work.name, input);
        const now = this.o.clock.now();
        const event = result.ok
          ? historyEvent(T.TaskCompleted, now, { TaskScheduledId: work.id, Result: toJsonText(result.value) })
          : historyEvent(T.TaskFailed, now, {
              TaskScheduledId: work.id,
              Reason: result.error.message,
              Details: result.error.stack ?? "",
              FailureDetails: failureDetails(result.error),
            });
        this.#deliver(instanceId, { event });
      } finally {
        this.#releaseActivitySlot();
      }
    })();
    this.#activities.add(run);
    void run.finally(() => this.#activities.delete(run));
  }

  #activitySlot(): Promise<void> {
    if (this.#activeActivities < this.o.maxConcurrentActivities) {
      this.#activeActivities++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#activityQueue.push(resolve));
  }

  #releaseActivitySlot(): void {
    const next = this.#activityQueue.shift();
    if (next) next();
    else this.#activeActivities--;
  }

  /** After a restart: work the history scheduled whose outcome is neither in the history nor in the inbox. */
  #resumePendingWork(inst: InstanceState): void {
    const done = new Set<number>();
    for (const e of [...inst.history, ...inst.inbox.flatMap((m) => (m.event ? [m.event] : []))]) {
      const id = completionId(e);
      if (id !== undefined) done.add(id);
    }
    for (const e of inst.history) {
      if (!SCHEDULING_EVENTS.has(e.EventType) || done.has(e.EventId)) continue;
      const input = fromJsonText(e.Input);
      if (e.EventType === T.TaskScheduled) this.#startWork(inst, { kind: "activity", id: e.EventId, name: e.Name ?? "", input });
      if (e.EventType === T.TimerCreated) this.#startWork(inst, { kind: "timer", id: e.EventId, fireAt: Date.parse(e.FireAt ?? "") });
      if (e.EventType === T.SubOrchestrationInstanceCreated)
        this.#startWork(inst, { kind: "subOrchestration", id: e.EventId, name: e.Name ?? "", instanceId: e.InstanceId ?? "", input });
    }
  }
}
