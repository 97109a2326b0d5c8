// Date arithmetic for orchestrators, which may not touch the Date global (lint): they pass in
// context.df.currentUtcDateTime and get a new instant back, which keeps replays deterministic.
export function addMinutes(at: Date, minutes: number): Date {
  return new Date(at.getTime() + minutes * 60_000);
}

export function minutesBetween(from: Date | string, to: Date | string): number {
  return Math.round((new Date(to).getTime() - new Date(from).getTime()) / 60_000);
}
