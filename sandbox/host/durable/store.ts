// The task hub on disk: `<dataDir>/<hubName>/instances/<id>.jsonl`, one append-only log per instance.
// Every record is one line written with a single write and fsync'd before the runtime acts on it
// (write-ahead), so a SIGKILL at any moment loses at most the record being written; a torn last line
// is cut off when the hub is loaded. Replaying the records rebuilds the instance: its current
// generation's history, the messages it has not consumed yet (its inbox) and its status.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, truncateSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { HistoryEvent } from "./history.js";

export type RuntimeStatus = "Pending" | "Running" | "Completed" | "ContinuedAsNew" | "Failed" | "Terminated" | "Suspended";

export const TERMINAL: ReadonlySet<RuntimeStatus> = new Set(["Completed", "Failed", "Terminated"]);

/** Something that happened to an instance and that its next episode will see. */
export interface Message {
  seq: number;
  /** a history event to append (ExecutionStarted, TaskCompleted, TimerFired, EventRaised, ...) */
  event?: HistoryEvent;
  /** a management request */
  control?: { kind: "terminate" | "suspend" | "resume"; reason?: string };
}

export interface InstanceMeta {
  instanceId: string;
  name: string;
  /** simulated ms */
  createdTime: number;
  parent?: { instanceId: string; taskId: number };
}

export interface InstanceStatus {
  runtimeStatus: RuntimeStatus;
  /** JSON text of the current generation's input */
  input?: string;
  /** JSON text */
  output?: string;
  customStatus?: unknown;
  /** simulated ms */
  lastUpdatedTime: number;
}

export type LogRecord =
  | { t: "created"; meta: InstanceMeta; status: InstanceStatus; messages: Message[] }
  | { t: "msg"; msg: Message }
  | {
      t: "episode";
      /** appended to the history */
      events: HistoryEvent[];
      /** seqs of inbox messages this episode consumed */
      consumed: number[];
      status: InstanceStatus;
      /** continueAsNew: the history starts over with these messages in the inbox */
      nextGeneration?: Message[];
    };

export interface InstanceState {
  meta: InstanceMeta;
  status: InstanceStatus;
  history: HistoryEvent[];
  inbox: Message[];
  nextSeq: number;
}

export function applyRecord(state: InstanceState | undefined, record: LogRecord): InstanceState {
  if (record.t === "created") {
    return { meta: record.meta, status: record.status, history: [], inbox: [...record.messages], nextSeq: nextSeq(0, record.messages) };
  }
  if (!state) throw new Error("corrupt task hub log: a record before the instance was created");
  if (record.t === "msg") {
    state.inbox.push(record.msg);
    state.nextSeq = Math.max(state.nextSeq, record.msg.seq + 1);
    return state;
  }
  const consumed = new Set(record.consumed);
  state.inbox = state.inbox.filter((m) => !consumed.has(m.seq));
  state.history.push(...record.events);
  state.status = record.status;
  if (record.nextGeneration) {
    state.history = [];
    state.inbox.push(...record.nextGeneration);
    state.nextSeq = nextSeq(state.nextSeq, record.nextGeneration);
  }
  return state;
}

const nextSeq = (from: number, messages: Message[]) => messages.reduce((n, m) => Math.max(n, m.seq + 1), from);

export class TaskHubStore {
  readonly dir: string;

  constructor(dataDir: string, hubName: string) {
    this.dir = join(dataDir, hubName, "instances");
    mkdirSync(this.dir, { recursive: true });
  }

  #file(instanceId: string): string {
    return join(this.dir, `${Buffer.from(instanceId).toString("base64url")}.jsonl`);
  }

  /** Every instance in the hub, rebuilt from its log (cutting off a torn last line). */
  loadAll(): Map<string, InstanceState> {
    const instances = new Map<string, InstanceState>();
    for (const name of readdirSync(this.dir)) {
      if (!name.endsWith(".jsonl")) continue;
      const state = this.#load(join(this.dir, name));
      if (state) instances.set(state.meta.instanceId, state);
    }
    return instances;
  }

  #load(file: string): InstanceState | undefined {
    const text = readFileSync(file, "utf8");
    const end = text.lastIndexOf("\n") + 1;
    if (end < text.length) truncateSync(file, Buffer.byteLength(text.slice(0, end)));
    let state: InstanceState | undefined;
    for (const line of text.slice(0, end).split("\n")) {
      if (line) state = applyRecord(state, JSON.parse(line) as LogRecord);
    }
    return state;
  }

  /** Starts (or restarts, for a reused id) an instance's log atomically. */
  create(record: Extract<LogRecord, { t: "created" }>): InstanceState {
    const file = this.#file(record.meta.instanceId);
    const tmp = `${file}.tmp`;
    this.#writeLine(tmp, record, "w");
    renameSync(tmp, file);
    this.#syncDir();
    return applyRecord(undefined, record);
  }

  /** Writes a record durably, then applies it to the in-memory state. */
  append(state: InstanceState, record: LogRecord): void {
    this.#writeLine(this.#file(state.meta.instanceId), record, "a");
    applyRecord(state, record);
  }

  purge(instanceId: string): void {
    rmSync(this.#file(instanceId), { force: true });
  }

  exists(instanceId: string): boolean {
    return existsSync(this.#file(instanceId));
  }

  #writeLine(file: string, record: LogRecord, flags: "a" | "w"): void {
    const fd = openSync(file, flags);
    try {
      writeSync(fd, JSON.stringify(record) + "\n");
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  #syncDir(): void {
    const fd = openSync(this.dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
