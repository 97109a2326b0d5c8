// The single simulated clock of the sandbox, shared by the ARM simulator and the Functions host, so a
// durable timer and a simulated build agree on what time it is. Simulated time runs `scale` times
// faster than real time and can be advanced or jumped to the next pending event. This is the only
// place in sandbox/ that reads Date.now.
import { EventEmitter } from "node:events";

export interface ClockSnapshot {
  /** simulated epoch ms at the moment the snapshot was taken */
  now: number;
  scale: number;
}

/** Something that knows the simulated times at which its state will next change. */
export type PendingEventSource = () => Iterable<number>;

export class Clock extends EventEmitter {
  #anchorReal: number;
  #anchorSim: number;
  #scale: number;
  #sources = new Set<PendingEventSource>();

  constructor(options: { scale?: number; now?: number } = {}) {
    super();
    this.#anchorReal = Date.now();
    this.#anchorSim = options.now ?? this.#anchorReal;
    this.#scale = options.scale ?? 1;
  }

  /** Simulated epoch milliseconds. */
  now(): number {
    return Math.floor(this.#anchorSim + (Date.now() - this.#anchorReal) * this.#scale);
  }

  date(): Date {
    return new Date(this.now());
  }

  get scale(): number {
    return this.#scale;
  }

  setScale(scale: number): void {
    if (!(scale > 0)) throw new RangeError("scale must be a positive number");
    this.#rebase(this.now());
    this.#scale = scale;
    this.emit("changed");
  }

  advance(ms: number): void {
    if (ms < 0) throw new RangeError("the clock only moves forward");
    this.#rebase(this.now() + ms);
    this.emit("changed");
  }

  /** Moves to the earliest future event any source knows of; returns the new time, or undefined. */
  jumpToNextEvent(): number | undefined {
    const next = this.nextEvent();
    if (next === undefined) return undefined;
    this.advance(Math.max(0, next - this.now()));
    return this.now();
  }

  nextEvent(): number | undefined {
    const now = this.now();
    let next: number | undefined;
    for (const source of this.#sources) {
      for (const t of source()) if (t > now && (next === undefined || t < next)) next = t;
    }
    return next;
  }

  addPendingEventSource(source: PendingEventSource): () => void {
    this.#sources.add(source);
    return () => this.#sources.delete(source);
  }

  /** Real milliseconds until simulated time `t` (0 if it has passed). */
  realDelayUntil(t: number): number {
    return Math.max(0, Math.ceil((t - this.now()) / this.#scale));
  }

  snapshot(): ClockSnapshot {
    return { now: this.now(), scale: this.#scale };
  }

  /** Continues from a saved snapshot, so a restarted sandbox carries on where it stopped. */
  restore(snapshot: ClockSnapshot): void {
    this.#scale = snapshot.scale;
    this.#rebase(snapshot.now);
    this.emit("changed");
  }

  #rebase(sim: number): void {
    this.#anchorReal = Date.now();
    this.#anchorSim = sim;
  }
}

/** Real epoch ms, for the few facts that live in real time (token expiry, request log times). */
export const realNow = (): number => Date.now();
