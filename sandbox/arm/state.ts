// Everything the simulator knows, and nothing about HTTP (Azurite's persistence layer, moto's
// backends). Resources are keyed by their lower-cased ARM id, because ARM ids are case-insensitive;
// the id keeps the casing it was created with. Provider-wide facts that are not resources
// (provider registrations, principals, async operations, scenario knobs) live in named bags.
// State is in memory and, given a file, saved after every change and loaded at start.
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from "node:fs";
import { dirname } from "node:path";

export interface ResourceRecord {
  /** ARM id, with the casing of its creation */
  id: string;
  /** e.g. Microsoft.Compute/galleries/images */
  type: string;
  name: string;
  /** the resource as GET returns it, apart from fields the provider derives when it is read */
  body: Record<string, unknown>;
  /** simulator-only facts (start times, lineage, secrets never returned) */
  internal: Record<string, unknown>;
  /** simulated ms */
  createdAt: number;
}

export interface StateFile {
  resources: ResourceRecord[];
  bags: Record<string, unknown>;
  clock?: { now: number; scale: number };
}

export const key = (id: string) => id.toLowerCase().replace(/\/+$/, "");

export class ArmState {
  #resources = new Map<string, ResourceRecord>();
  #bags = new Map<string, unknown>();
  #file?: string;
  /** called before saving, so the clock can be stored with the state */
  extra: () => Partial<StateFile> = () => ({});

  constructor(file?: string) {
    this.#file = file;
  }

  /** Reads the state file, if there is one; returns what it held apart from resources and bags. */
  load(): Partial<StateFile> {
    if (!this.#file || !existsSync(this.#file)) return {};
    const data = JSON.parse(readFileSync(this.#file, "utf8")) as StateFile;
    this.#resources = new Map(data.resources.map((r) => [key(r.id), r]));
    this.#bags = new Map(Object.entries(data.bags));
    return data;
  }

  get(id: string): ResourceRecord | undefined {
    return this.#resources.get(key(id));
  }

  put(record: ResourceRecord): ResourceRecord {
    this.#resources.set(key(record.id), record);
    this.save();
    return record;
  }

  delete(id: string): boolean {
    const deleted = this.#resources.delete(key(id));
    if (deleted) this.save();
    return deleted;
  }

  /** Resources strictly inside `id` (its children, grandchildren, ...). */
  descendants(id: string): ResourceRecord[] {
    const prefix = key(id) + "/";
    return [...this.#resources.entries()].filter(([k]) => k.startsWith(prefix)).map(([, r]) => r);
  }

  /** Resources of one type (case-insensitive), optionally inside a scope. */
  ofType(type: string, scope?: string): ResourceRecord[] {
    const t = type.toLowerCase();
    const prefix = scope ? key(scope) + "/" : "";
    return [...this.#resources.entries()]
      .filter(([k, r]) => r.type.toLowerCase() === t && k.startsWith(prefix))
      .map(([, r]) => r);
  }

  all(): ResourceRecord[] {
    return [...this.#resources.values()];
  }

  /** A named, persisted bag of provider state; created with `init` on first use. */
  bag<T>(name: string, init: () => T): T {
    if (!this.#bags.has(name)) this.#bags.set(name, init());
    return this.#bags.get(name) as T;
  }

  reset(): void {
    this.#resources.clear();
    this.#bags.clear();
    this.save();
  }

  dump(): StateFile {
    return { resources: this.all(), bags: Object.fromEntries(this.#bags), ...this.extra() };
  }

  /** Writes the state file atomically (write then rename), so a kill never leaves half a file. */
  save(): void {
    if (!this.#file) return;
    mkdirSync(dirname(this.#file), { recursive: true });
    const tmp = `${this.#file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.dump()));
    renameSync(tmp, this.#file);
  }
}
