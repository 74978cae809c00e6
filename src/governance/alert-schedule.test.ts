import { describe, expect, it } from 'vitest';
import { isTimeZone, scheduleFindings } from './alert-schedule.js';

describe('the alert schedule, checked at plan time', () => {
  it.each(['0 0/5 * * * ?', '0 0 12 ? * MON-FRI', '30 15 10 L * ?', '0 0 9 ? * 6#3', '0 0,30 8-18 * * ? 2027', '0 */10 * * * ?'])('accepts %s', (schedule) => {
    expect(scheduleFindings(schedule, 'UTC')).toEqual([]);
  });

  it.each([
    ['* * * * * ?', /more than once a minute/],
    ['0/30 * * * * ?', /more than once a minute/],
    ['0-59 0 * * * ?', /more than once a minute/],
    ['0 0/5 * * *', /has 5 fields/],
    ['0 0/5 * * * *', /exactly one of day-of-month and day-of-week/],
    ['0 0 25 * * ?', /hour: '25' is not a valid hour/],
    ['0 0 12 ? * FUNDAY', /day-of-week/],
    ['0 0/0 * * * ?', /bad step/],
  ])('refuses %s', (schedule, message) => {
    expect(scheduleFindings(schedule, 'UTC')).toEqual([expect.objectContaining({ severity: 'error', path: '/alert/schedule', message: expect.stringMatching(message) })]);
  });

  it('takes IANA zones and refuses others', () => {
    expect(['UTC', 'Europe/Amsterdam', 'America/Argentina/Buenos_Aires'].every(isTimeZone)).toBe(true);
    expect(['Mars/Olympus_Mons', 'UTC; DROP', ''].some(isTimeZone)).toBe(false);
    expect(scheduleFindings('0 0/5 * * * ?', 'Mars/Olympus_Mons')).toEqual([expect.objectContaining({ path: '/alert/timezone' })]);
  });
});

describe('the alert schedule, finding by finding', () => {
  const EXAMPLE = 'Pass e.g. "0 0/5 * * * ?" (every 5 minutes)';
  const invalid = (schedule: string, problems: string) => [
    { rule: 'alert.schedule', severity: 'error', path: '/alert/schedule', message: `"${schedule}" is not a valid Quartz cron schedule (${problems})`, fix: EXAMPLE },
  ];

  it.each(['0 0 12 1 JAN ?', '0 0 12 ? * SUN', '0 0 12 ? * sun-sat', ' 0 0/5 * * * ? ', '0  0/5 *\t* * ?'])('accepts %j', (schedule) => {
    expect(scheduleFindings(schedule, 'UTC')).toEqual([]);
  });

  it.each([
    ['0 ? * * * ?', "minute: '?' is only allowed in day-of-month or day-of-week"],
    ['0 0 25 * * *', "hour: '25' is not a valid hour (0-23); exactly one of day-of-month and day-of-week must be '?'"],
    ['0 5x * * * ?', "minute: '5x' is not a valid minute (0-59)"],
    ['0 x5 * * * ?', "minute: 'x5' is not a valid minute (0-59)"],
    ['0 1-99 * * * ?', "minute: '1-99' is not a valid minute (0-59)"],
    ['0 1-2-3 * * * ?', "minute: '1-2-3' is not a valid minute (0-59)"],
    ['0 0 0 0 * ?', "day-of-month: '0' is not a valid day-of-month (1-31)"],
    ['0 0 0 1 FOO ?', "month: 'FOO' is not a valid month (1-12 or JAN-DEC)"],
    ['0 0/5/2 * * * ?', "minute: '0/5/2' has a bad step"],
    ['0 0/x5 * * * ?', "minute: '0/x5' has a bad step"],
    ['0 0/5x * * * ?', "minute: '0/5x' has a bad step"],
  ])('refuses %j, saying why', (schedule, problems) => {
    expect(scheduleFindings(schedule, 'UTC')).toEqual(invalid(schedule, problems));
  });

  it('counts the fields, six or seven', () => {
    const schedule = '0 0/5 * * * ? 2027 1';
    expect(scheduleFindings(schedule, 'UTC')).toEqual([
      { rule: 'alert.schedule', severity: 'error', path: '/alert/schedule', message: `"${schedule}" is not a Quartz cron schedule: it has 8 fields, Quartz takes 6 or 7 (second minute hour day-of-month month day-of-week [year])`, fix: EXAMPLE },
    ]);
  });

  it('refuses more than one run a minute, and a zone that is not IANA, each with its fix', () => {
    expect(scheduleFindings('0/30 * * * * ?', 'UTC+1')).toEqual([
      {
        rule: 'alert.schedule',
        severity: 'error',
        path: '/alert/schedule',
        message: '"0/30 * * * * ?" runs more than once a minute (its second field "0/30" names several seconds); an alert over a trailing window needs at least a minute between runs',
        fix: 'Put one second in the first field, e.g. "0 0/5 * * * ?"',
      },
      { rule: 'alert.schedule', severity: 'error', path: '/alert/timezone', message: '"UTC+1" is not an IANA time zone id', fix: 'Pass e.g. "UTC" or "Europe/Amsterdam"' },
    ]);
  });

  it('refuses zone ids the runtime does not know, and offsets that are not ids', () => {
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone('+01:00')).toBe(false);
    expect(isTimeZone('Etc/GMT+5')).toBe(true);
  });
});
