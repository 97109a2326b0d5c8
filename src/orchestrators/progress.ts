// The build's custom status: which step it is on, how long each step took, and what it has found so
// far. Replaced whole on every change, as setCustomStatus stores one value.
import type * as df from "durable-functions";
import { enterPhase, type BuildProgress } from "../builds/status.js";

export class Progress {
  private status: BuildProgress;

  constructor(
    private readonly context: df.OrchestrationContext,
    image: string,
  ) {
    this.status = { image, phase: "starting", phases: [] };
  }

  get phase(): string {
    return this.status.phase;
  }

  get phases(): BuildProgress["phases"] {
    return this.status.phases;
  }

  enter(phase: string): void {
    const phases = enterPhase(this.status.phases, phase, this.context.df.currentUtcDateTime);
    this.publish({ phase, phases });
  }

  /** Records the failure in the status and returns the error to throw: "<step>: <what went wrong>". */
  failed(error: unknown): Error {
    const step = this.status.phase;
    this.publish({ phase: "failed", error: messageOf(error) });
    return new Error(`${step}: ${messageOf(error)}`);
  }

  publish(fields: Partial<BuildProgress>): void {
    this.status = { ...this.status, ...fields };
    this.context.df.setCustomStatus(this.status);
  }
}

/** The message of whatever a step threw (activity failures arrive as TaskFailedError). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
