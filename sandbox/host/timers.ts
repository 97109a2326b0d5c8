// Timer triggers on the shared simulated clock. Each timer arms one real setTimeout for the real delay
// until its next occurrence and re-arms whenever the clock is advanced or rescaled. Like the host's
// schedule monitor (useMonitor), the last status is kept in <dataDir>/timers.json, so an occurrence
// missed while the sandbox was stopped fires once at start-up with isPastDue = true.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Clock } from "../arm/clock.js";
import type { LoadedApp } from "./app-types.js";
import { parseNcrontab, type CronSchedule } from "./ncrontab.js";
import { isFunctionDisabled, resolveSettingExpression } from "./settings.js";

const NEVER = "0001-01-01T00:00:00.000Z";

interface ScheduleStatus {
  last: string;
  next: string;
  lastUpdated: string;
}

interface Timer {
  name: string;
  schedule: CronSchedule;
  runOnStartup: boolean;
  /** the occurrence the timer waits for */
  next: number;
  handle?: NodeJS.Timeout;
  running: boolean;
}

export interface TimerHost {
  /** the trigger value the host passes (also for an admin-invoked run of a timer function) */
  timerInfo(name: string, isPastDue: boolean): unknown;
  stop(): void;
}

export interface TimerOptions {
  app: LoadedApp;
  clock: Clock;
  settings: Record<string, string>;
  dataDir: string;
  print: (line: string) => void;
}

export function startTimers({ app, clock, settings, dataDir, print }: TimerOptions): TimerHost {
  const file = path.join(dataDir, "timers.json");
  const statuses: Record<string, ScheduleStatus> = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  const timers: Timer[] = [];
  for (const fn of app.functions.values()) {
    if (fn.trigger.type.toLowerCase() !== "timertrigger" || isFunctionDisabled(fn.name, settings)) continue;
    const expression = resolveSettingExpression(String(fn.trigger.schedule), settings);
    const schedule = parseNcrontab(expression);
    timers.push({ name: fn.name, schedule, runOnStartup: fn.trigger.runOnStartup === true, next: schedule.next(clock.now()), running: false });
  }
  let stopped = false;

  function save(): void {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${JSON.stringify(statuses, null, 2)}\n`);
  }

  function timerInfo(name: string, isPastDue: boolean): unknown {
    const status = statuses[name];
    const timer = timers.find((t) => t.name === name);
    // PascalCase as the host serializes TimerInfo; the library camel-cases it for the handler. Next
    // is the occurrence being served.
    return {
      Schedule: { AdjustForDST: true },
      ScheduleStatus: status && timer ? { Last: status.last, Next: new Date(timer.next).toISOString(), LastUpdated: status.lastUpdated } : null,
      IsPastDue: isPastDue,
    };
  }

  async function fire(timer: Timer, isPastDue: boolean): Promise<void> {
    timer.running = true;
    const occurrence = timer.next;
    try {
      const result = await app.invoke(timer.name, timerInfo(timer.name, isPastDue));
      if (!result.ok) print(`[${timer.name}] timer invocation failed: ${result.error.message}`);
    } finally {
      timer.running = false;
    }
    if (stopped) return;
    const now = clock.now();
    // Missed occurrences (the clock jumped over several) are not replayed: the host schedules the next one from now.
    timer.next = timer.schedule.next(Math.max(now, occurrence));
    statuses[timer.name] = { last: new Date(Math.min(occurrence, now)).toISOString(), next: new Date(timer.next).toISOString(), lastUpdated: new Date(now).toISOString() };
    save();
    arm(timer);
  }

  function arm(timer: Timer): void {
    clearTimeout(timer.handle);
    timer.handle = undefined;
    if (stopped || timer.running) return;
    timer.handle = setTimeout(() => {
      timer.handle = undefined;
      if (clock.now() >= timer.next) void fire(timer, false);
      else arm(timer); // the clock slowed down since arming
    }, clock.realDelayUntil(timer.next));
  }

  const rearmAll = (): void => timers.forEach(arm);
  clock.on("changed", rearmAll);
  const removeSource = clock.addPendingEventSource(() => timers.map((t) => t.next));

  const now = clock.now();
  for (const timer of timers) {
    const status = statuses[timer.name];
    const missed = status !== undefined && Date.parse(status.next) <= now;
    // The host's first status for a timer: Last = DateTime.MinValue.
    statuses[timer.name] ??= { last: NEVER, next: new Date(timer.next).toISOString(), lastUpdated: new Date(now).toISOString() };
    if (missed) timer.next = Date.parse(status.next);
    else if (timer.runOnStartup) timer.next = now;
    if (missed || timer.runOnStartup) void fire(timer, missed);
    else arm(timer);
  }
  save();

  return {
    timerInfo,
    stop(): void {
      stopped = true;
      clock.off("changed", rearmAll);
      removeSource();
      for (const timer of timers) clearTimeout(timer.handle);
    },
  };
}
