// NCRONTAB, the timer trigger's schedule syntax: `{second} {minute} {hour} {day} {month} {day-of-week}`
// (five fields means no seconds), with `*`, ranges, lists, steps and month/day names. As in the NCrontab
// library the host uses, day-of-month and day-of-week must BOTH match (classic cron ORs them).
// Times are UTC: the sandbox does not model WEBSITE_TIME_ZONE.

export interface CronSchedule {
  readonly expression: string;
  /** the first occurrence strictly after `after` (epoch ms), at whole seconds */
  next(after: number): number;
}

interface Field {
  name: string;
  min: number;
  max: number;
  names?: string[];
}

const SECOND: Field = { name: "second", min: 0, max: 59 };
const MINUTE: Field = { name: "minute", min: 0, max: 59 };
const HOUR: Field = { name: "hour", min: 0, max: 23 };
const DAY: Field = { name: "day", min: 1, max: 31 };
const MONTH: Field = {
  name: "month", min: 1, max: 12,
  names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
};
const WEEKDAY: Field = { name: "day-of-week", min: 0, max: 6, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] };

function parseValue(text: string, field: Field): number {
  const index = field.names?.indexOf(text.toUpperCase()) ?? -1;
  const value = index >= 0 ? index + field.min : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(value >= field.min && value <= field.max)) {
    throw new Error(`"${text}" is not a valid ${field.name} (${field.min}-${field.max})`);
  }
  return value;
}

function parseField(text: string, field: Field): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(",")) {
    const [range, stepText, extra] = part.split("/");
    if (extra !== undefined || range === "") throw new Error(`invalid ${field.name} field "${text}"`);
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`invalid step in ${field.name} field "${text}"`);
    let from: number;
    let to: number;
    if (range === "*") {
      [from, to] = [field.min, field.max];
    } else if (range.includes("-")) {
      const [a, b] = range.split("-");
      [from, to] = [parseValue(a, field), parseValue(b, field)];
      if (from > to) throw new Error(`invalid range "${range}" in ${field.name} field`);
    } else {
      from = parseValue(range, field);
      // `5/15` means from 5 to the end in steps of 15, as in NCrontab.
      to = stepText === undefined ? from : field.max;
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

export function parseNcrontab(expression: string): CronSchedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 6 && parts.length !== 5) {
    throw new Error(`"${expression}" is not an NCRONTAB expression: expected 6 fields (or 5 without seconds)`);
  }
  const fields = parts.length === 6 ? parts : ["0", ...parts];
  const [seconds, minutes, hours, days, months, weekdays] = fields.map((text, i) =>
    parseField(text, [SECOND, MINUTE, HOUR, DAY, MONTH, WEEKDAY][i]),
  );

  function next(after: number): number {
    const d = new Date(Math.floor(after / 1000) * 1000 + 1000);
    // A schedule that never matches (e.g. 31 FEB) must not loop forever: give up after 8 years,
    // which covers any leap-day schedule.
    const limit = d.getTime() + 8 * 366 * 86_400_000;
    while (d.getTime() <= limit) {
      if (!months.has(d.getUTCMonth() + 1)) {
        d.setUTCMonth(d.getUTCMonth() + 1, 1);
        d.setUTCHours(0, 0, 0, 0);
      } else if (!days.has(d.getUTCDate()) || !weekdays.has(d.getUTCDay())) {
        d.setUTCDate(d.getUTCDate() + 1);
        d.setUTCHours(0, 0, 0, 0);
      } else if (!hours.has(d.getUTCHours())) {
        d.setUTCHours(d.getUTCHours() + 1, 0, 0, 0);
      } else if (!minutes.has(d.getUTCMinutes())) {
        d.setUTCMinutes(d.getUTCMinutes() + 1, 0, 0);
      } else if (!seconds.has(d.getUTCSeconds())) {
        d.setUTCSeconds(d.getUTCSeconds() + 1, 0);
      } else {
        return d.getTime();
      }
    }
    throw new Error(`the schedule "${expression}" has no occurrence after ${new Date(after).toISOString()}`);
  }

  return { expression, next };
}
