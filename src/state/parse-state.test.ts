/** What parseStateText's refusals tell the agent to do next, word for word. */
import { describe, expect, it } from 'vitest';
import { aliasBomb } from '../../test/support/hostile-files.js';
import { parseStateText } from './parse-state.js';

describe('parseStateText refusals', () => {
  it('a syntax error: where, and what to fix', () => {
    expect(() => parseStateText('s.yaml', 'a: [1, 2\n')).toThrow(
      expect.objectContaining({
        code: 'STATE_FILE_SYNTAX',
        what: 'The state file s.yaml is not valid YAML',
        why: expect.stringMatching(/ at line \d+, column \d+$/),
        next: 'Fix the YAML at that line (indentation, a missing colon or quote) and call again',
      }),
    );
  });

  it('a document that expands past the budget', () => {
    expect(() => parseStateText('s.yaml', `Foundation:\n${aliasBomb(32, '  ')}`)).toThrow(
      expect.objectContaining({
        code: 'STATE_FILE_TOO_MANY_VALUES',
        what: 'Refused to read the state file s.yaml',
        why: 'it holds more than 100,000 values, counting each alias (*name) as the values it repeats',
        next: 'A state file holds a few hundred values: check that this is the right file, and write repeated values out instead of through aliases',
      }),
    );
  });

  it('a top level or a Markdown block that is not a mapping', () => {
    expect(() => parseStateText('s.yaml', '- a\n')).toThrow(expect.objectContaining({ next: 'Pass the workshop state file (keys such as llm_role_endpoints, endpoint_guardrail_audit)' }));
    expect(() => parseStateText('s.md', '```yaml\n42\n```\n')).toThrow(
      expect.objectContaining({ why: 'the block at line 2 is a number, not a mapping of keys', next: 'Each ```yaml block must hold keys (e.g. llm_role_endpoints:)' }),
    );
  });

  it('reads a null document as empty, and a null Markdown block as no keys', () => {
    expect(parseStateText('s.yml', 'null\n')).toEqual({ format: 'yaml', data: {}, empty: true });
    expect(parseStateText('s.md', '```yaml\nnull\n```\n')).toEqual({ format: 'markdown', data: {}, empty: false });
  });
});
