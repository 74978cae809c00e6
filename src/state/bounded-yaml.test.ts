import { describe, expect, it } from 'vitest';
import { aliasBomb } from '../../test/support/hostile-files.js';
import { ExpansionBudget, parseYaml, YamlExpansionError, YamlSyntaxError } from './bounded-yaml.js';

describe('parseYaml', () => {
  it('refuses a document whose aliases expand past the budget, though it has fewer aliases than the cap', () => {
    const bomb = `Foundation:\n  f4_gateway:\n${aliasBomb(32, '    ')}`;
    expect(bomb.match(/\*/g)).toHaveLength(62);
    expect(() => parseYaml(bomb)).toThrow(YamlExpansionError);
    expect(() => parseYaml(bomb)).toThrow(/more than 100,000 values, counting each alias/);
  });

  it('counts long strings repeated through aliases against the character budget', () => {
    const text = `s: &s ${'x'.repeat(1000)}\nl1: &l1 [*s, *s, *s, *s, *s, *s, *s, *s, *s, *s]\nl2: [*l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1]\n`;
    expect(() => parseYaml(text, 0, new ExpansionBudget(1_000, 50_000))).toThrow(/more than 50,000 characters/);
    expect(() => parseYaml(text, 0, new ExpansionBudget(1_000, 200_000))).not.toThrow();
  });

  it('shares one budget between the parts of one file', () => {
    const budget = new ExpansionBudget(200, 10_000);
    const part = aliasBomb(5);
    expect(() => parseYaml(part, 0, budget)).not.toThrow();
    expect(() => parseYaml(part, 0, budget)).toThrow(YamlExpansionError);
  });

  it('returns a tree: an aliased node is copied, so changing one copy leaves the other alone', () => {
    const value = parseYaml('a: &x {k: 1}\nb: *x\n') as { a: Record<string, unknown>; b: Record<string, unknown> };
    expect(value).toEqual({ a: { k: 1 }, b: { k: 1 } });
    value.a.j = 2;
    expect(value.b).toEqual({ k: 1 });
  });

  it('keeps a __proto__ key as data', () => {
    const value = parseYaml('__proto__: {polluted: true}\n') as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('names the line in the enclosing file, and the column, of a syntax error', () => {
    const at = (text: string, offset: number) => {
      try {
        parseYaml(text, offset);
      } catch (error) {
        return error;
      }
      return undefined;
    };
    expect(at('a: 1\nb: c: d\n', 0)).toMatchObject({ line: 2, column: 5, message: expect.stringMatching(/ at line 2, column 5$/) });
    expect(at('a: 1\nb: c: d\n', 10)).toEqual(expect.any(YamlSyntaxError));
    expect(at('a: 1\nb: c: d\n', 10)).toMatchObject({ line: 12 });
  });

  it('refuses nesting 64 levels deep, and reads 63', () => {
    expect(() => parseYaml(`${'['.repeat(64)}${']'.repeat(64)}`)).toThrow(YamlSyntaxError);
    expect(() => parseYaml(`${'['.repeat(63)}${']'.repeat(63)}`)).not.toThrow();
  });
});
