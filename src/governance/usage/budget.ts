/**
 * Budget burn: from the dollars spent in a window, the daily burn rate and where the month ends if it keeps
 * up. Pure arithmetic over the warehouse's totals; no rows are summed here.
 */

export interface BudgetInput {
  /** Dollars the month may spend. */
  monthly_usd: number;
}

export interface BudgetStatus {
  monthly_usd: number;
  /** Dollars spent in the window. */
  spent_usd: number;
  window_days: number;
  daily_burn_usd: number;
  /** Month of `until` (UTC), e.g. 2026-11. */
  month: string;
  projected_month_end_usd: number;
  projected_share_of_budget: number;
  on_track: boolean;
  /** The day the budget runs out at the current burn, when that falls inside the month. */
  exhausted_on?: string;
  /** How the projection was made, so the number is not over-read. */
  basis: string;
}

const DAY_MS = 86_400_000;

export function budgetStatus(budget: BudgetInput, spentUsd: number, since: Date, until: Date): BudgetStatus {
  const windowDays = Math.max((until.getTime() - since.getTime()) / DAY_MS, 1 / 24);
  const burn = spentUsd / windowDays;
  const monthStart = Date.UTC(until.getUTCFullYear(), until.getUTCMonth(), 1);
  const monthEnd = Date.UTC(until.getUTCFullYear(), until.getUTCMonth() + 1, 1);
  const daysInMonth = (monthEnd - monthStart) / DAY_MS;
  const remainingDays = Math.max(0, (monthEnd - until.getTime()) / DAY_MS);
  const monthToDate = since.getTime() === monthStart;
  // A month-to-date window knows what was spent already; any other window only knows the burn rate.
  const projected = monthToDate ? spentUsd + burn * remainingDays : burn * daysInMonth;
  const spentBefore = monthToDate ? spentUsd : burn * ((until.getTime() - monthStart) / DAY_MS);
  let exhaustedOn: string | undefined;
  if (burn > 0 && projected > budget.monthly_usd) {
    const daysLeft = (budget.monthly_usd - spentBefore) / burn;
    const at = Math.max(until.getTime() + daysLeft * DAY_MS, monthStart);
    if (at < monthEnd) exhaustedOn = new Date(at).toISOString().slice(0, 10);
  }
  return {
    monthly_usd: budget.monthly_usd,
    spent_usd: round(spentUsd, 2),
    window_days: round(windowDays, 2),
    daily_burn_usd: round(burn, 2),
    month: new Date(monthStart).toISOString().slice(0, 7),
    projected_month_end_usd: round(projected, 2),
    projected_share_of_budget: round(projected / budget.monthly_usd, 3),
    on_track: projected <= budget.monthly_usd,
    ...(exhaustedOn ? { exhausted_on: exhaustedOn } : {}),
    basis: monthToDate
      ? 'month-to-date spend plus the window\'s daily burn for the rest of the month'
      : `the window's daily burn (${round(windowDays, 1)} days) times the ${daysInMonth} days of the month`,
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
