/** weekly_chargeback: last week's usage and spend, spikes first, as a slash command. */
import { z } from 'zod';
import type { PromptSpec } from './define-prompt.js';

const args = z.object({
  endpoint: z.string().optional().describe('Serving endpoint to report on (default: every endpoint)'),
  group_by: z.enum(['team', 'user', 'endpoint']).optional().describe('Who pays: team (usage_context "team"), user or endpoint (default team)'),
  budget: z.string().optional().describe('Monthly budget in dollars, e.g. 5000, to project month-end spend'),
});

export const weeklyChargebackPrompt: PromptSpec<typeof args> = {
  name: 'weekly_chargeback',
  title: 'Weekly chargeback',
  description: 'Usage and spend for the last 7 days, spikes (runaway agents) first, then tokens and dollars per team, user or endpoint.',
  args,
  text({ endpoint, group_by, budget }) {
    const scope = endpoint ? `"endpoint": "${endpoint}", ` : '';
    const chargeTo = group_by ?? 'team';
    const monthly = budget === undefined ? undefined : Number(budget.replace(/[$,\s]/g, ''));
    const budgetArg = monthly !== undefined && Number.isFinite(monthly) && monthly > 0 ? `, "budget": {"monthly_usd": ${monthly}}` : '';
    return `Report AI Gateway usage and spend for the last 7 days${endpoint ? ` on the endpoint "${endpoint}"` : ' across all endpoints'}. Use query_usage (default window: the last 7 days) and keep to this order:

1. Spikes first: query_usage with {${scope}"report": "spikes"}. For each spike name the principal, the day, its tokens against its usual median, and whether it looks like a runaway agent. If there are none, say so in one line.
2. Errors: query_usage with {${scope}"report": "errors"}: days with 429s, 5xx or guardrail blocks above a few percent.
3. Chargeback: query_usage with {${scope}"report": "chargeback", "charge_to": "${chargeTo}"${budgetArg}}: a table of ${chargeTo}, tokens and dollars, biggest first, with the total${budgetArg ? ', then the budget line (spent, daily burn, projected month-end, on track or not)' : ''}.
4. End with at most three actions (e.g. a per-user rate limit for a runaway principal, a team that needs a budget conversation).

Quote the numbers as the tool returned them; say which source table they came from.`;
  },
};
