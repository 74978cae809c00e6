import { describe, expect, it } from 'vitest';
import { ToolError } from '../shared/tool-error.js';
import { checkArgumentDepth, MAX_ARGUMENT_DEPTH } from './argument-depth.js';

/** Arguments whose innermost value sits `levels` containers below the arguments object. */
function nested(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = i % 2 ? { a: value } : [value];
  return { config: value };
}

describe('checkArgumentDepth', () => {
  it('accepts arguments nested up to the limit', () => {
    expect(() => checkArgumentDepth(nested(MAX_ARGUMENT_DEPTH - 1))).not.toThrow();
  });

  it('refuses one level more, and 100,000 levels, with INVALID_ARGUMENTS', () => {
    for (const levels of [MAX_ARGUMENT_DEPTH, 100_000]) {
      const error = (() => {
        try {
          checkArgumentDepth(nested(levels));
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ToolError);
      expect((error as ToolError).code).toBe('INVALID_ARGUMENTS');
    }
  });
});
