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
