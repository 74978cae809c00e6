/**
 * The alert's schedule and time zone, checked when the plan is made, so a schedule the Alerts API would refuse (or
 * one that fires more than once a minute) blocks the plan before the gateway is created, instead of failing the
 * apply halfway. Quartz cron as SQL alerts take it (`schedule.quartz_cron_schedule`, databricks-sdk-py
 * databricks/sdk/service/sql.py CronSchedule; syntax: the Quartz CronTrigger tutorial): six or seven fields
 * `second minute hour day-of-month month day-of-week [year]`, exactly one of the day fields `?`. Pure.
 */
import type { Finding } from './rules/rule-types.js';

interface Field {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** Quartz specials this field admits besides numbers, lists, ranges and steps. */
  specials?: RegExp;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const FIELDS: readonly Field[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31, specials: /^(L(-\d{1,2})?|LW|\d{1,2}W)$/ },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day-of-week', min: 1, max: 7, names: DAYS, specials: /^([1-7]|[A-Z]{3})(L|#[1-5])$|^L$/ },
  { name: 'year', min: 1970, max: 2199 },
];

/** Why one field is not valid Quartz, or undefined. */
function fieldProblem(text: string, field: Field): string | undefined {
  if (text === '?') return field.name === 'day-of-month' || field.name === 'day-of-week' ? undefined : `'?' is only allowed in day-of-month or day-of-week`;
  if (field.specials?.test(text.toUpperCase())) return undefined;
  const value = (part: string) => {
    const named = field.names?.indexOf(part.toUpperCase()) ?? -1;
    const n = named >= 0 ? named + 1 : /^\d{1,4}$/.test(part) ? Number(part) : NaN;
    return n >= field.min && n <= field.max ? n : undefined;
  };
  for (const part of text.split(',')) {
    const [range = '', step, extra] = part.split('/');
    if (extra !== undefined || (step !== undefined && !/^[1-9]\d{0,3}$/.test(step))) return `'${part}' has a bad step`;
    if (range === '*') continue;
    const [from = '', to, more] = range.split('-');
    if (more !== undefined || value(from) === undefined || (to !== undefined && value(to) === undefined)) {
      return `'${part}' is not a valid ${field.name} (${field.min}-${field.max}${field.names ? ` or ${field.names[0]}-${field.names.at(-1)}` : ''})`;
    }
  }
  return undefined;
}

/** Whether `zone` is a time zone id the runtime's IANA database knows (e.g. UTC, Europe/Amsterdam). */
export function isTimeZone(zone: string): boolean {
  if (!/^[A-Za-z0-9_+\-/]+$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Errors on the alert's schedule and time zone, as findings on the create_gateway arguments. */
export function scheduleFindings(schedule: string, timezone: string): Finding[] {
  const findings: Finding[] = [];
  const fail = (path: string, message: string, fix: string) => findings.push({ rule: 'alert.schedule', severity: 'error', path, message, fix });
  const parts = schedule.trim().split(/\s+/);
  if (parts.length < 6 || parts.length > 7) {
    fail('/alert/schedule', `"${schedule}" is not a Quartz cron schedule: it has ${parts.length} fields, Quartz takes 6 or 7 (second minute hour day-of-month month day-of-week [year])`, 'Pass e.g. "0 0/5 * * * ?" (every 5 minutes)');
  } else {
    const problems = parts.flatMap((text, i) => {
      const problem = fieldProblem(text, FIELDS[i]!);
      return problem ? [`${FIELDS[i]!.name}: ${problem}`] : [];
    });
    if ((parts[3] === '?') === (parts[5] === '?')) problems.push("exactly one of day-of-month and day-of-week must be '?'");
    if (problems.length) fail('/alert/schedule', `"${schedule}" is not a valid Quartz cron schedule (${problems.join('; ')})`, 'Pass e.g. "0 0/5 * * * ?" (every 5 minutes)');
    // One second per minute at most: then any two runs are at least a minute apart.
    else if (!/^\d{1,2}$/.test(parts[0]!)) {
      fail('/alert/schedule', `"${schedule}" runs more than once a minute (its second field "${parts[0]}" names several seconds); an alert over a trailing window needs at least a minute between runs`, 'Put one second in the first field, e.g. "0 0/5 * * * ?"');
    }
  }
  if (!isTimeZone(timezone)) fail('/alert/timezone', `"${timezone}" is not an IANA time zone id`, 'Pass e.g. "UTC" or "Europe/Amsterdam"');
  return findings;
}
