// Measurement hook of the runtime: how long each orchestrator invocation took and how much history it
// replayed, so `npm run bench` can compare early and late episodes of a long-lived instance. Only
// observes; a ring buffer keeps a long-running sandbox's memory bounded.

export interface EpisodeInvoke {
  instanceId: string;
  name: string;
  /** history events handed to the orchestrator (past and new) */
  historyLength: number;
  /** real ms the orchestrator invocation took */
  invokeMs: number;
}

export class DurableStats {
  #episodes: EpisodeInvoke[] = [];

  constructor(readonly limit = 20_000) {}

  recordInvoke(entry: EpisodeInvoke): void {
    this.#episodes.push(entry);
    if (this.#episodes.length > this.limit) this.#episodes.splice(0, this.#episodes.length - this.limit);
  }

  episodes(): EpisodeInvoke[] {
    return [...this.#episodes];
  }
}
