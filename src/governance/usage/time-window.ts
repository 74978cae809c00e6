/**
 * The time window of a usage or payload query. Inputs are ISO dates or timestamps; everything is UTC, which is
 * also how the system tables and payload tables store request times. Timestamps go to the warehouse as
 * `YYYY-MM-DD HH:MM:SS.mmm` (no zone), which Spark and every stand-in read the same way.
 */
import { ToolError } from '../../shared/tool-error.js';

export interface TimeWindow {
  since: Date;
  until: Date;
}

const DAY_MS = 86_400_000;
const ISO = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function parseInstant(value: string, field: string): Date {
  const trimmed = value.trim();
  if (!ISO.test(trimmed)) {
    throw new ToolError(
      `${field} "${trimmed.slice(0, 40)}" is not an ISO date or timestamp`,
      'expected e.g. 2026-11-20 or 2026-11-20T08:00:00Z (UTC when no zone is given)',
      `Pass ${field} in that form`,
      'INVALID_TIME_WINDOW',
    );
  }
  const dateOnly = trimmed.length === 10;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(trimmed) && !dateOnly;
  const parsed = new Date(dateOnly ? `${trimmed}T00:00:00Z` : hasZone ? trimmed.replace(' ', 'T') : `${trimmed.replace(' ', 'T')}Z`);
  if (Number.isNaN(parsed.getTime())) {
    throw new ToolError(`${field} "${trimmed}" is not a real date`, 'it does not exist in the calendar', `Pass a valid ${field}`, 'INVALID_TIME_WINDOW');
  }
  return parsed;
}

/** since/until from the inputs; `defaultDays` back from `until` (default now) when `since` is absent. */
export function resolveWindow(input: { since?: string; until?: string }, defaultDays: number, now: Date = new Date()): TimeWindow {
  const until = input.until ? parseInstant(input.until, 'until') : now;
  const since = input.since ? parseInstant(input.since, 'since') : new Date(until.getTime() - defaultDays * DAY_MS);
  if (since.getTime() >= until.getTime()) {
    throw new ToolError(
      `The time window is empty: since ${isoInstant(since)} is not before until ${isoInstant(until)}`,
      'since must be earlier than until',
      'Swap them or widen the window',
      'INVALID_TIME_WINDOW',
    );
  }
  return { since, until };
}

/** `YYYY-MM-DD HH:MM:SS.mmm` in UTC, the form bound as a TIMESTAMP parameter. */
export function sqlTimestamp(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/** `YYYY-MM-DD` in UTC. */
export function sqlDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function isoInstant(date: Date): string {
  return date.toISOString();
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}
