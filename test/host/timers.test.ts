// Timer triggers on the simulated clock, in process: schedules (with %SETTING%), "jump to next event",
// admin runs, and a missed occurrence after a restart firing once with isPastDue.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Clock } from "../../sandbox/arm/clock.js";
import { startHost, type RunningHost } from "../../sandbox/host/index.js";
import { resolveSettingExpression } from "../../sandbox/host/settings.js";
import { startChildHost } from "./child-host.js";

const appDir = path.resolve(__dirname, "../fixtures/host-app");
const dataDir = mkdtempSync(path.join(tmpdir(), "host-timers-"));
const lines: string[] = [];
const T0 = Date.parse("2030-01-01T00:00:00Z");
let host: RunningHost | undefined;

interface Fired {
  name: string;
  isPastDue: boolean;
  last?: string;
  next?: string;
}

async function fired(): Promise<Fired[]> {
  return (await (await fetch(`${host!.baseUrl}/api/fired`)).json()) as Fired[];
}

/** Polls until `count` invocations were recorded (the timer's setTimeout and the invocation are async). */
async function waitForFired(count: number): Promise<Fired[]> {
  for (let attempt = 0; ; attempt++) {
    const list = await fired();
    if (list.length >= count) return list;
    if (attempt > 500) throw new Error(`expected ${count} invocations, got ${JSON.stringify(list)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function start(clock: Clock): Promise<RunningHost> {
  // Hourly ticks at :30 keep the schedule far from the real passage of time at scale 1.
  return startHost({ appDir, port: 0, dataDir, clock, settings: { TICK_SCHEDULE: "0 30 * * * *" }, print: (l) => lines.push(l) });
}

afterAll(async () => {
  await host?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("timer triggers", () => {
  const clock = new Clock({ now: T0, scale: 1 });

  it("registers the next occurrences as pending clock events and fires on a jump", async () => {
    host = await start(clock);
    expect(clock.nextEvent()).toBe(Date.parse("2030-01-01T00:30:00Z"));
    clock.jumpToNextEvent();
    const [tick] = await waitForFired(1);
    expect(tick).toMatchObject({ name: "tick", isPastDue: false, next: "2030-01-01T00:30:00.000Z" });
    expect(clock.nextEvent()).toBe(Date.parse("2030-01-01T01:30:00Z"));
  });

  it("fires the next one with the previous occurrence as `last`", async () => {
    clock.jumpToNextEvent();
    const list = await waitForFired(2);
    expect(list[1]).toMatchObject({ name: "tick", last: "2030-01-01T00:30:00.000Z", next: "2030-01-01T01:30:00.000Z" });
  });

  it("fires a daily schedule when the clock passes it, once even if it skips several ticks", async () => {
    // From 01:30 to 03:45: nightly (02:00) is due, tick missed 02:30 and 03:30 but fires once.
    clock.advance(Date.parse("2030-01-01T03:45:00Z") - clock.now());
    const list = await waitForFired(4);
    expect(list.slice(2).map((f) => f.name).sort()).toEqual(["nightly", "tick"]);
    expect(list.find((f) => f.name === "nightly")).toMatchObject({ isPastDue: false });
  });

  it("runs a timer function now through the admin API", async () => {
    const res = await fetch(`${host!.baseUrl}/admin/functions/nightly`, {
      method: "POST",
      headers: { "x-functions-key": host!.keys.masterKey, "content-type": "application/json" },
      body: JSON.stringify({ input: "" }),
    });
    expect(res.status).toBe(202);
    const list = await waitForFired(5);
    expect(list[4]).toMatchObject({ name: "nightly", isPastDue: false });
  });

  it("keeps the schedule status on disk and fires a missed occurrence once, past due, after a restart", async () => {
    await host!.close();
    const status = JSON.parse(readFileSync(path.join(dataDir, "timers.json"), "utf8")) as Record<string, { next: string }>;
    expect(status.nightly.next).toBe("2030-01-02T02:00:00.000Z");
    // Two days later: both timers missed occurrences while the host was down.
    const later = new Clock({ now: Date.parse("2030-01-03T12:00:00Z"), scale: 1 });
    const before = (await fetch(`${host!.baseUrl}/api/fired`).catch(() => undefined))?.status;
    expect(before).toBeUndefined();
    host = await start(later);
    const list = await waitForFired(7);
    const restarted = list.slice(5);
    expect(restarted.map((f) => f.name).sort()).toEqual(["nightly", "tick"]);
    expect(restarted.every((f) => f.isPastDue)).toBe(true);
    expect(later.nextEvent()).toBe(Date.parse("2030-01-03T12:30:00Z"));
  });

  it("resolves %SETTING% schedules from the settings, and refuses an unset setting", () => {
    expect(host!.app.functions.get("tick")?.trigger.schedule).toBe("%TICK_SCHEDULE%");
    expect(host!.settings.TICK_SCHEDULE).toBe("0 30 * * * *");
    expect(() => resolveSettingExpression("%NOT_SET_ANYWHERE%", {})).toThrow(/NOT_SET_ANYWHERE/);
    expect(lines.join("\n")).not.toMatch(/test mode/);
  });
});

describe("timer triggers on a fast clock (CLI)", () => {
  it("fires local.settings.json's ten-second schedule repeatedly at 200x", async () => {
    const cliData = mkdtempSync(path.join(tmpdir(), "host-timers-cli-"));
    const child = await startChildHost(appDir, cliData, ["--scale", "200"]);
    try {
      for (let attempt = 0; ; attempt++) {
        const list = (await (await fetch(`${child.baseUrl}/api/fired`)).json()) as Fired[];
        if (list.filter((f) => f.name === "tick").length >= 3) {
          const nexts = list.map((f) => Date.parse(f.next ?? ""));
          expect(nexts.every((t) => t % 10_000 === 0)).toBe(true);
          break;
        }
        if (attempt > 500) throw new Error(`too few ticks: ${JSON.stringify(list)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await child.stop();
      rmSync(cliData, { recursive: true, force: true });
    }
  });
});
