import { describe, expect, it } from 'vitest';
import { budgetStatus } from './budget.js';

describe('budget burn', () => {
  it('projects a month-to-date window from spend plus burn for the remaining days', () => {
    // 10 days of November, $1,000 spent: $100/day, 20 days left → $3,000.
    const status = budgetStatus({ monthly_usd: 2500 }, 1000, new Date('2026-11-01T00:00:00Z'), new Date('2026-11-11T00:00:00Z'));
    expect(status).toMatchObject({ daily_burn_usd: 100, projected_month_end_usd: 3000, on_track: false, month: '2026-11', exhausted_on: '2026-11-26' });
    expect(status.projected_share_of_budget).toBe(1.2);
  });

  it('uses the burn rate times the days of the month for any other window', () => {
    const status = budgetStatus({ monthly_usd: 5000 }, 700, new Date('2026-11-20T00:00:00Z'), new Date('2026-11-27T00:00:00Z'));
    expect(status).toMatchObject({ daily_burn_usd: 100, projected_month_end_usd: 3000, on_track: true });
    expect(status.exhausted_on).toBeUndefined();
  });
});

describe('budget burn, exactly', () => {
  const at = (iso: string) => new Date(iso);

  it('says how a month-to-date projection was made, and the day the budget runs out', () => {
    expect(budgetStatus({ monthly_usd: 2500 }, 1000, at('2026-11-01T00:00:00Z'), at('2026-11-11T00:00:00Z'))).toEqual({
      monthly_usd: 2500,
      spent_usd: 1000,
      window_days: 10,
      daily_burn_usd: 100,
      month: '2026-11',
      projected_month_end_usd: 3000,
      projected_share_of_budget: 1.2,
      on_track: false,
      exhausted_on: '2026-11-26',
      basis: "month-to-date spend plus the window's daily burn for the rest of the month",
    });
  });

  it('says how a rolling-window projection was made, rounding the figures it shows', () => {
    expect(budgetStatus({ monthly_usd: 3000 }, 700.456, at('2026-11-20T00:00:00Z'), at('2026-11-27T00:00:00Z'))).toEqual({
      monthly_usd: 3000,
      spent_usd: 700.46,
      window_days: 7,
      daily_burn_usd: 100.07,
      month: '2026-11',
      projected_month_end_usd: 3001.95,
      projected_share_of_budget: 1.001,
      on_track: false,
      exhausted_on: '2026-11-30',
      basis: "the window's daily burn (7 days) times the 30 days of the month",
    });
  });

  it('is on track exactly at the budget, and finds no exhaustion day without spend', () => {
    expect(budgetStatus({ monthly_usd: 3000 }, 700, at('2026-11-20T00:00:00Z'), at('2026-11-27T00:00:00Z')).on_track).toBe(true);
    const idle = budgetStatus({ monthly_usd: 10 }, 0, at('2026-11-20T00:00:00Z'), at('2026-11-27T00:00:00Z'));
    expect(idle).toMatchObject({ daily_burn_usd: 0, projected_month_end_usd: 0, on_track: true });
    expect(idle).not.toHaveProperty('exhausted_on');
  });

  it('dates an exhaustion already past by the burn since the first of the month', () => {
    // $100/day since 1 November: a $100 budget ran out on the 2nd.
    expect(budgetStatus({ monthly_usd: 100 }, 700, at('2026-11-20T00:00:00Z'), at('2026-11-27T00:00:00Z')).exhausted_on).toBe('2026-11-02');
    expect(budgetStatus({ monthly_usd: 2900 }, 100, at('2026-11-29T00:00:00Z'), at('2026-11-30T00:00:00Z')).exhausted_on).toBe('2026-11-30');
  });

  it('counts a window shorter than an hour as an hour, and months of their own length', () => {
    const short = budgetStatus({ monthly_usd: 1000 }, 1, at('2026-02-10T00:00:00Z'), at('2026-02-10T00:00:01Z'));
    expect(short.window_days).toBe(0.04);
    expect(short.daily_burn_usd).toBe(24);
    expect(short.basis).toBe("the window's daily burn (0 days) times the 28 days of the month");
    expect(short.month).toBe('2026-02');
  });
});
