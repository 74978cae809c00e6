import { describe, expect, it } from 'vitest';
import { SqlParams } from '../../shared/sql-statement.js';
import { checkPrices, dollarsSql } from './prices.js';

describe('price table', () => {
  it('names the bad entry', () => {
    expect(() => checkPrices({ x: { input_per_million: -1, output_per_million: 1 } }, 'input')).toThrow(/x\.input_per_million/);
  });

  it('binds entity names and prices as parameters', () => {
    const params = new SqlParams();
    const sql = dollarsSql({ "x' OR 1=1": { input_per_million: 1, output_per_million: 2 } }, params);
    expect(sql?.dollars).not.toContain("x'");
    expect(Object.values(params.values)).toContainEqual({ type: 'STRING', value: "x' OR 1=1" });
    expect(dollarsSql({}, new SqlParams())).toBeUndefined();
  });
});
