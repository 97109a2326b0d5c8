import { describe, expect, it } from "vitest";
import { parseNcrontab } from "../../sandbox/host/ncrontab.js";

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();

function occurrences(expression: string, from: string, count: number): string[] {
  const schedule = parseNcrontab(expression);
  const out: string[] = [];
  let t = at(from);
  for (let i = 0; i < count; i++) out.push(iso((t = schedule.next(t))));
  return out;
}

describe("NCRONTAB", () => {
  it("steps through seconds, strictly after the given time", () => {
    expect(occurrences("*/10 * * * * *", "2024-01-01T00:00:00.000Z", 3)).toEqual([
      "2024-01-01T00:00:10.000Z",
      "2024-01-01T00:00:20.000Z",
      "2024-01-01T00:00:30.000Z",
    ]);
    expect(occurrences("*/10 * * * * *", "2024-01-01T00:00:09.999Z", 1)).toEqual(["2024-01-01T00:00:10.000Z"]);
  });

  it("fires daily at a fixed time, rolling over month and year ends", () => {
    expect(occurrences("0 0 2 * * *", "2024-12-31T03:00:00Z", 2)).toEqual(["2025-01-01T02:00:00.000Z", "2025-01-02T02:00:00.000Z"]);
  });

  it("accepts ranges, lists, steps and names", () => {
    expect(occurrences("0 30 9-17/4 * * MON-FRI", "2024-01-05T16:00:00Z", 4)).toEqual([
      "2024-01-05T17:30:00.000Z",
      "2024-01-08T09:30:00.000Z",
      "2024-01-08T13:30:00.000Z",
      "2024-01-08T17:30:00.000Z",
    ]);
    expect(occurrences("0 0 0 1 JAN,jul *", "2024-02-01T00:00:00Z", 2)).toEqual(["2024-07-01T00:00:00.000Z", "2025-01-01T00:00:00.000Z"]);
    expect(occurrences("5/20 * * * * *", "2024-01-01T00:00:00Z", 3)).toEqual([
      "2024-01-01T00:00:05.000Z",
      "2024-01-01T00:00:25.000Z",
      "2024-01-01T00:00:45.000Z",
    ]);
  });

  it("requires day-of-month AND day-of-week to match, as NCrontab does", () => {
    // Friday the 13th.
    expect(occurrences("0 0 0 13 * 5", "2024-01-01T00:00:00Z", 2)).toEqual(["2024-09-13T00:00:00.000Z", "2024-12-13T00:00:00.000Z"]);
  });

  it("treats five fields as minute precision", () => {
    expect(occurrences("15 * * * *", "2024-01-01T00:20:00Z", 1)).toEqual(["2024-01-01T01:15:00.000Z"]);
  });

  it("finds leap days and rejects impossible or malformed schedules", () => {
    expect(occurrences("0 0 0 29 2 *", "2024-03-01T00:00:00Z", 1)).toEqual(["2028-02-29T00:00:00.000Z"]);
    expect(() => parseNcrontab("0 0 0 31 2 *").next(at("2024-01-01T00:00:00Z"))).toThrow(/no occurrence/);
    expect(() => parseNcrontab("* * * *")).toThrow(/6 fields/);
    expect(() => parseNcrontab("60 * * * * *")).toThrow(/second/);
    expect(() => parseNcrontab("0 0 0 * * FUNDAY")).toThrow(/day-of-week/);
    expect(() => parseNcrontab("*/0 * * * * *")).toThrow(/step/);
    expect(() => parseNcrontab("0 0 5-1 * * *")).toThrow(/range/);
  });
});
