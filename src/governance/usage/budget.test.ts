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
