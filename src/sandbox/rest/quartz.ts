/**
 * Quartz cron schedules, as SQL alerts take them (`schedule.quartz_cron_schedule` + `timezone_id`): six or seven
 * fields `second minute hour day-of-month month day-of-week [year]`, with `*`, `?`, lists, ranges and `/` steps,
 * month and day names, and exactly one of day-of-month and day-of-week left as `?` (Quartz refuses both set).
 * The sandbox does not model `L`, `W` or `#`; it refuses them by name rather than misreading them.
 */
import { invalid } from './error-replies.js';

interface Field {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** First value the names map to (days of the week count from SUN = 1). */
  namesFrom?: number;
}

const FIELDS: readonly Field[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'], namesFrom: 1 },
  { name: 'day-of-week', min: 1, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], namesFrom: 1 },
  { name: 'year', min: 1970, max: 2199 },
];

export interface CronSchedule {
  /** Allowed values per field; undefined for `?` (no constraint from this field). */
  fields: (Set<number> | undefined)[];
  timezone: string;
}

function value(text: string, field: Field, at: string): number {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  const n = named >= 0 ? named + (field.namesFrom ?? 0) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < field.min || n > field.max) {
    throw invalid(`Invalid ${at}: '${text}' is not a valid ${field.name} (${field.min}-${field.max}${field.names ? ` or ${field.names[0]}-${field.names.at(-1)}` : ''}).`);
  }
  return n;
}

function parseField(text: string, field: Field, at: string): Set<number> | undefined {
  if (text === '?') {
    if (field.name !== 'day-of-month' && field.name !== 'day-of-week') throw invalid(`Invalid ${at}: '?' is only allowed for day-of-month or day-of-week.`);
    return undefined;
  }
  if (/[LW#]/i.test(text.replace(/[A-Z]{3}/gi, (m) => (field.names?.includes(m.toUpperCase()) ? '' : m)))) {
    throw invalid(`Invalid ${at}: '${text}' uses L, W or #, which the sandbox does not model. Use lists, ranges and steps.`);
  }
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw invalid(`Invalid ${at}: step '${stepText}' in the ${field.name} field must be a positive integer.`);
    let from: number;
    let to: number;
    if (range === '*') [from, to] = [field.min, field.max];
    else if (range.includes('-')) {
      const [a = '', b = ''] = range.split('-');
      [from, to] = [value(a, field, at), value(b, field, at)];
      if (from > to) throw invalid(`Invalid ${at}: the range '${range}' in the ${field.name} field runs backwards.`);
    } else {
      from = value(range, field, at);
      to = stepText === undefined ? from : field.max;
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

/** Parses a schedule, refusing it the way the API does: a 400 naming the field. */
export function parseCron(expression: string, timezone: string, at = 'schedule.quartz_cron_schedule'): CronSchedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length < 6 || parts.length > 7) {
    throw invalid(`Invalid ${at} '${expression}': a Quartz cron expression has 6 or 7 fields (second minute hour day-of-month month day-of-week [year]), e.g. '0 0/5 * * * ?'.`);
  }
  const fields = parts.map((text, i) => parseField(text, FIELDS[i]!, at));
  const [dayOfMonth, dayOfWeek] = [parts[3], parts[5]];
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    throw invalid(`Invalid ${at} '${expression}': exactly one of day-of-month and day-of-week must be '?'.`);
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw invalid(`Invalid schedule.timezone_id '${timezone}': use a Java/IANA time zone id such as 'UTC' or 'Europe/Amsterdam'.`);
  }
  return { fields, timezone };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock fields of an instant in a time zone, in Quartz's numbering. */
function wallClock(ms: number, timezone: string): number[] {
  let format = formatters.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timezone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday ?? '') + 1;
  return [parts.second, parts.minute, parts.hour, parts.day, parts.month, String(weekday), parts.year].map(Number);
}

/** Whether the schedule fires at the whole second `ms`. */
export function firesAt(schedule: CronSchedule, ms: number): boolean {
  const clock = wallClock(ms, schedule.timezone);
  return schedule.fields.every((allowed, i) => allowed === undefined || allowed.has(clock[i]!));
}
