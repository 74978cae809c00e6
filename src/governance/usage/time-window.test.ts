import { describe, expect, it } from 'vitest';
import { addDays, isoInstant, parseInstant, resolveWindow, sqlDate, sqlTimestamp } from './time-window.js';

const at = (iso: string) => new Date(iso).toISOString();

describe('parseInstant', () => {
  it.each([
    ['2026-11-20', '2026-11-20T00:00:00.000Z'],
    ['  2026-11-20  ', '2026-11-20T00:00:00.000Z'],
    ['2026-11-20T08:30', '2026-11-20T08:30:00.000Z'],
    ['2026-11-20 08:30:15', '2026-11-20T08:30:15.000Z'],
    ['2026-11-20T08:30:15.123456789', '2026-11-20T08:30:15.123Z'],
    ['2026-11-20T08:30:15Z', '2026-11-20T08:30:15.000Z'],
    ['2026-11-20T08:30:15+02:00', '2026-11-20T06:30:15.000Z'],
    ['2026-11-20 08:30:15-0130', '2026-11-20T10:00:15.000Z'],
  ])('reads %j as UTC unless it names a zone', (input, expected) => {
    expect(parseInstant(input, 'since').toISOString()).toBe(expected);
  });

  it.each(['yesterday', '20261120', '2026-11-20T8:30', '2026-11-20T08:30:15Zjunk', 'x2026-11-20', '2026-11-20 08', ''])(
    'refuses %j, naming the field and the expected form',
    (input) => {
      expect(() => parseInstant(input, 'since')).toThrow(expect.objectContaining({ code: 'INVALID_TIME_WINDOW', what: expect.stringMatching(/^since ".*" is not an ISO date or timestamp$/) }));
    },
  );

  it('says what form it expects, and how to fix a date the calendar lacks', () => {
    expect(() => parseInstant('soon', 'since')).toThrow(expect.objectContaining({ why: 'expected e.g. 2026-11-20 or 2026-11-20T08:00:00Z (UTC when no zone is given)', next: 'Pass since in that form' }));
    expect(() => parseInstant('2026-02-30T25:00', 'until')).toThrow(expect.objectContaining({ why: 'it does not exist in the calendar', next: 'Pass a valid until' }));
  });

  it('reads a timestamp without a zone as UTC whatever the time zone the server runs in', () => {
    const zone = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      expect(parseInstant('2026-11-20T08:30', 'since').toISOString()).toBe('2026-11-20T08:30:00.000Z');
      expect(parseInstant('2026-11-20', 'since').toISOString()).toBe('2026-11-20T00:00:00.000Z');
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('shows at most 40 characters of a bad input', () => {
    const long = `x${'9'.repeat(100)}`;
    expect(() => parseInstant(long, 'until')).toThrow(expect.objectContaining({ what: `until "${long.slice(0, 40)}" is not an ISO date or timestamp` }));
  });

  it('refuses a date the calendar does not have', () => {
    expect(() => parseInstant('2026-13-45', 'until')).toThrow(expect.objectContaining({ code: 'INVALID_TIME_WINDOW', what: 'until "2026-13-45" is not a real date' }));
  });
});

describe('resolveWindow', () => {
  const now = new Date('2026-11-27T12:00:00Z');

  it('goes back the default number of days from now when nothing is given', () => {
    const window = resolveWindow({}, 7, now);
    expect([isoInstant(window.since), isoInstant(window.until)]).toEqual(['2026-11-20T12:00:00.000Z', '2026-11-27T12:00:00.000Z']);
  });

  it('goes back the default number of days from a given until', () => {
    const window = resolveWindow({ until: '2026-11-10' }, 2, now);
    expect([isoInstant(window.since), isoInstant(window.until)]).toEqual(['2026-11-08T00:00:00.000Z', '2026-11-10T00:00:00.000Z']);
  });

  it('takes both ends as given', () => {
    const window = resolveWindow({ since: '2026-11-01T06:00:00Z', until: '2026-11-02' }, 30, now);
    expect([isoInstant(window.since), isoInstant(window.until)]).toEqual(['2026-11-01T06:00:00.000Z', '2026-11-02T00:00:00.000Z']);
  });

  it('refuses an empty or reversed window and says how to fix it', () => {
    for (const input of [{ since: '2026-11-02', until: '2026-11-02' }, { since: '2026-11-03', until: '2026-11-02' }]) {
      expect(() => resolveWindow(input, 7, now)).toThrow(
        expect.objectContaining({ code: 'INVALID_TIME_WINDOW', what: `The time window is empty: since ${at(input.since)} is not before until ${at(input.until)}`, why: 'since must be earlier than until', next: 'Swap them or widen the window' }),
      );
    }
  });

  it('names the field that is malformed', () => {
    expect(() => resolveWindow({ until: 'soon' }, 7, now)).toThrow(/^until "soon"/);
    expect(() => resolveWindow({ since: 'soon' }, 7, now)).toThrow(/^since "soon"/);
  });
});

describe('warehouse forms', () => {
  const instant = new Date('2026-11-05T07:08:09.010Z');

  it('writes timestamps without a zone and dates as YYYY-MM-DD, both in UTC', () => {
    expect(sqlTimestamp(instant)).toBe('2026-11-05 07:08:09.010');
    expect(sqlDate(new Date('2026-11-05T23:59:59.999-05:00'))).toBe('2026-11-06');
  });

  it('adds whole days, backwards too', () => {
    expect(isoInstant(addDays(instant, 3))).toBe('2026-11-08T07:08:09.010Z');
    expect(isoInstant(addDays(instant, -7))).toBe('2026-10-29T07:08:09.010Z');
  });
});
