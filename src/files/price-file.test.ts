import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPriceFile } from './price-file.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'aigw-prices-'));

describe('price file', () => {
  it('reads a YAML or JSON settings file, bare or under a prices key', async () => {
    writeFileSync(path.join(dir, 'p.yaml'), 'prices:\n  claude-sonnet-46:\n    input_per_million: 3\n    output_per_million: 15\n');
    writeFileSync(path.join(dir, 'p.json'), JSON.stringify({ 'databricks-gpt-oss-120b': { input_per_million: 0.15, output_per_million: 0.6 } }));
    expect(await loadPriceFile('p.yaml', dir)).toEqual({ 'claude-sonnet-46': { input_per_million: 3, output_per_million: 15 } });
    expect((await loadPriceFile(path.join(dir, 'p.json'), '/'))['databricks-gpt-oss-120b']?.output_per_million).toBe(0.6);
  });

  it('names the unreadable or unparseable file', async () => {
    writeFileSync(path.join(dir, 'bad.yaml'), 'a: [');
    await expect(loadPriceFile('bad.yaml', dir)).rejects.toThrow(/does not parse/);
    await expect(loadPriceFile('missing.yaml', dir)).rejects.toThrow(/Cannot read the price file/);
  });
});
