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

describe('price table, exactly', () => {
  it('reads a bare map or one under "prices"', () => {
    const table = { m: { input_per_million: 3, output_per_million: 15 } };
    expect(checkPrices(table, 'x')).toEqual(table);
    expect(checkPrices({ prices: table }, 'x')).toEqual(table);
  });

  it('says which entry is wrong and what a price table looks like', () => {
    expect(() => checkPrices({ m: { input_per_million: 'three', output_per_million: 1 } }, 'AIGW_PRICES_FILE')).toThrow(
      expect.objectContaining({
        code: 'PRICES_INVALID',
        what: 'The prices in AIGW_PRICES_FILE are not valid',
        why: expect.stringMatching(/^m\.input_per_million: .*number/),
        next: 'Give a map of served entity (or model) name → {input_per_million, output_per_million} in dollars',
      }),
    );
    expect(() => checkPrices([1], 'input')).toThrow(expect.objectContaining({ why: expect.stringMatching(/^root: /) }));
    for (const notAMap of [null, 'prices', 3]) {
      expect(() => checkPrices(notAMap, 'input')).toThrow(expect.objectContaining({ code: 'PRICES_INVALID', why: expect.stringMatching(/^root: /) }));
    }
  });

  it('takes 100 entries and refuses 101', () => {
    const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`m${i}`, { input_per_million: 1, output_per_million: 1 }]));
    expect(Object.keys(checkPrices(many(100), 'input'))).toHaveLength(100);
    expect(() => checkPrices(many(101), 'input')).toThrow(
      expect.objectContaining({ code: 'PRICES_INVALID', what: 'The prices in input list too many entities', why: 'more than 100', next: 'Keep only the served entities you report on' }),
    );
  });

  it('prices each group in the warehouse from its token sums, matching a served entity or its model', () => {
    const params = new SqlParams();
    const sql = dollarsSql({ a: { input_per_million: 3, output_per_million: 15 }, b: { input_per_million: 1, output_per_million: 2 } }, params);
    const a = '(served_entity_name = :price_entity OR entity_name = :price_entity)';
    const b = '(served_entity_name = :price_entity_1 OR entity_name = :price_entity_1)';
    expect(sql).toEqual({
      dollars: `SUM(input_tokens * (CASE WHEN ${a} THEN :price_input WHEN ${b} THEN :price_input_2 END) + output_tokens * (CASE WHEN ${a} THEN :price_output WHEN ${b} THEN :price_output_3 END)) / 1000000.0`,
      unpricedTokens: `SUM(CASE WHEN ${a} OR ${b} THEN 0 ELSE input_tokens + output_tokens END)`,
    });
    expect(params.values).toMatchObject({
      price_entity: { type: 'STRING', value: 'a' },
      price_input: { type: 'DOUBLE', value: 3 },
      price_output: { type: 'DOUBLE', value: 15 },
      price_entity_1: { type: 'STRING', value: 'b' },
      price_input_2: { type: 'DOUBLE', value: 1 },
      price_output_3: { type: 'DOUBLE', value: 2 },
    });
  });
});
