/**
 * Dollar prices per served entity, per million input and output tokens. A key matches a served entity's
 * name on the endpoint (e.g. `claude-sonnet-46`) or the model it serves (e.g. `databricks-claude-sonnet-4-6`).
 * Prices come from the caller or from the settings file `AIGW_PRICES_FILE` (read in `files/price-file.ts`);
 * dollars are then computed in the warehouse from the same token sums the report shows.
 */
import { z } from 'zod';
import { ToolError } from '../../shared/tool-error.js';
import type { SqlParams } from '../../shared/sql-statement.js';

export const priceSchema = z.object({
  input_per_million: z.number().nonnegative().finite(),
  output_per_million: z.number().nonnegative().finite(),
});

export const priceTableSchema = z.record(z.string().min(1).max(255), priceSchema);

export type PriceTable = z.infer<typeof priceTableSchema>;

/** At most this many entries: each becomes a branch of a CASE expression in the statement. */
export const MAX_PRICES = 100;

export function checkPrices(data: unknown, origin: string): PriceTable {
  const root = data && typeof data === 'object' && 'prices' in data ? (data as { prices: unknown }).prices : data;
  const parsed = priceTableSchema.safeParse(root);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ToolError(
      `The prices in ${origin} are not valid`,
      `${issue?.path.join('.') || 'root'}: ${issue?.message ?? 'invalid'}`,
      'Give a map of served entity (or model) name → {input_per_million, output_per_million} in dollars',
      'PRICES_INVALID',
    );
  }
  if (Object.keys(parsed.data).length > MAX_PRICES) {
    throw new ToolError(`The prices in ${origin} list too many entities`, `more than ${MAX_PRICES}`, 'Keep only the served entities you report on', 'PRICES_INVALID');
  }
  return parsed.data;
}

/** `SUM(...)` of dollars for the rows of a group, or undefined with no prices. Values bound as parameters. */
export function dollarsSql(prices: PriceTable, params: SqlParams): { dollars: string; unpricedTokens: string } | undefined {
  const entries = Object.entries(prices);
  if (entries.length === 0) return undefined;
  const inputCase: string[] = [];
  const outputCase: string[] = [];
  const matched: string[] = [];
  for (const [key, price] of entries) {
    const marker = params.string('price_entity', key);
    const match = `(served_entity_name = ${marker} OR entity_name = ${marker})`;
    matched.push(match);
    inputCase.push(`WHEN ${match} THEN ${params.double('price_input', price.input_per_million)}`);
    outputCase.push(`WHEN ${match} THEN ${params.double('price_output', price.output_per_million)}`);
  }
  return {
    dollars: `SUM(input_tokens * (CASE ${inputCase.join(' ')} END) + output_tokens * (CASE ${outputCase.join(' ')} END)) / 1000000.0`,
    unpricedTokens: `SUM(CASE WHEN ${matched.join(' OR ')} THEN 0 ELSE input_tokens + output_tokens END)`,
  };
}
