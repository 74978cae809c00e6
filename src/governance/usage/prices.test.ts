import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqlParams } from '../../databricks/sql-statement.js';
import { checkPrices, dollarsSql, loadPriceFile } from './prices.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'aigw-prices-'));

describe('price table', () => {
  it('reads a YAML or JSON settings file, bare or under a prices key', async () => {
    writeFileSync(path.join(dir, 'p.yaml'), 'prices:\n  claude-sonnet-46:\n    input_per_million: 3\n    output_per_million: 15\n');
    writeFileSync(path.join(dir, 'p.json'), JSON.stringify({ 'databricks-gpt-oss-120b': { input_per_million: 0.15, output_per_million: 0.6 } }));
    expect(await loadPriceFile('p.yaml', dir)).toEqual({ 'claude-sonnet-46': { input_per_million: 3, output_per_million: 15 } });
    expect((await loadPriceFile(path.join(dir, 'p.json'), '/'))['databricks-gpt-oss-120b']?.output_per_million).toBe(0.6);
  });

  it('names the bad entry or the unreadable file', async () => {
    expect(() => checkPrices({ x: { input_per_million: -1, output_per_million: 1 } }, 'input')).toThrow(/x\.input_per_million/);
    writeFileSync(path.join(dir, 'bad.yaml'), 'a: [');
    await expect(loadPriceFile('bad.yaml', dir)).rejects.toThrow(/does not parse/);
    await expect(loadPriceFile('missing.yaml', dir)).rejects.toThrow(/Cannot read the price file/);
  });

  it('binds entity names and prices as parameters', () => {
    const params = new SqlParams();
    const sql = dollarsSql({ "x' OR 1=1": { input_per_million: 1, output_per_million: 2 } }, params);
    expect(sql?.dollars).not.toContain("x'");
    expect(Object.values(params.values)).toContainEqual({ type: 'STRING', value: "x' OR 1=1" });
    expect(dollarsSql({}, new SqlParams())).toBeUndefined();
  });
});
