// What the sandbox's commands share: start, optionally run a job, then serve until Ctrl+C or SIGTERM and
// close cleanly (state files flushed); a failure to start is one line on stderr and exit code 1.

export interface Closable {
  close(): Promise<void>;
}

export function runCli<T extends Closable>(start: () => Promise<T>, job?: (running: T) => Promise<void>): void {
  const fail = (err: unknown): never => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  };
  start().then(async (running) => {
    const stop = (): void => {
      running.close().then(() => process.exit(0), fail);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    await job?.(running);
  }, fail).catch(fail);
}
