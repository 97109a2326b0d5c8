// Durable timers on the sandbox's shared clock: one real setTimeout for the earliest pending timer,
// re-armed whenever the clock is advanced or rescaled, and every pending fire time registered with
// the clock so its "jump to next event" lands on them.
import type { Clock } from "../../arm/clock.js";

const MAX_TIMEOUT = 2 ** 31 - 1;

export class DurableTimers {
  #pending = new Map<string, { fireAt: number; fire: () => void }>();
  #handle?: NodeJS.Timeout;
  #stopped = false;
  readonly #removeSource: () => void;
  readonly #onChanged = () => this.#arm();

  constructor(private readonly clock: Clock) {
    this.#removeSource = clock.addPendingEventSource(() => [...this.#pending.values()].map((t) => t.fireAt));
    clock.on("changed", this.#onChanged);
  }

  /** `key` identifies the timer (instance and timer id), so re-adding one after a reload is harmless. */
  add(key: string, fireAt: number, fire: () => void): void {
    if (this.#stopped) return;
    this.#pending.set(key, { fireAt, fire });
    this.#arm();
  }

  /** Drops an instance's timers (terminated or purged); keys start with `<instanceId>#`. */
  removeInstance(instanceId: string): void {
    for (const key of this.#pending.keys()) if (key.startsWith(`${instanceId}#`)) this.#pending.delete(key);
    this.#arm();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#handle);
    this.#pending.clear();
    this.#removeSource();
    this.clock.off("changed", this.#onChanged);
  }

  #arm(): void {
    clearTimeout(this.#handle);
    this.#handle = undefined;
    if (this.#stopped || this.#pending.size === 0) return;
    const earliest = Math.min(...[...this.#pending.values()].map((t) => t.fireAt));
    this.#handle = setTimeout(() => this.#fireDue(), Math.min(MAX_TIMEOUT, this.clock.realDelayUntil(earliest)));
    this.#handle.unref();
  }

  #fireDue(): void {
    const now = this.clock.now();
    const due = [...this.#pending.entries()].filter(([, t]) => t.fireAt <= now).sort(([, a], [, b]) => a.fireAt - b.fireAt);
    for (const [key, timer] of due) {
      this.#pending.delete(key);
      timer.fire();
    }
    this.#arm();
  }
}
