import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from './error-codes.js';

describe('the error-code catalog', () => {
  it('is the table the README publishes, code for code and word for word', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Error codes'), readme.indexOf('\n## ', readme.indexOf('## Error codes') + 1));
    const published = [...section.matchAll(/^\| `([^`]+)` \| (.+) \| (.+) \|$/gm)].map(([, code, means, next]) => ({ code, means, next }));
    expect(published).toEqual(Object.entries(ERROR_CODES).map(([code, { means, next }]) => ({ code, means, next })));
  });

  it('spells every code in upper snake case, each meaning and next step on one line', () => {
    for (const [code, { means, next }] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]*(\*)?$/);
      expect(`${means}${next}`).not.toMatch(/[\n|]/);
    }
  });
});
