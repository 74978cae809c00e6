/**
 * Edge cases of reading and editing a state file's text: which format a file is, what shape errors say, and how
 * a key is edited in YAML layouts the workshop files really use (CRLF, comments, lists at the key's indent).
 */
import { describe, expect, it } from 'vitest';
import { ExpansionBudget, parseYaml, YamlExpansionError, YamlSyntaxError } from './bounded-yaml.js';
import { findYamlBlocks, mergeBlocks } from './markdown-state.js';
import { parseStateText, stateFormat } from './parse-state.js';
import { setYamlKey } from './write-state.js';

describe('stateFormat', () => {
  it.each([
    ['state.md', 'a: 1', 'markdown'],
    ['STATE.MD', 'a: 1', 'markdown'],
    ['notes.markdown', 'a: 1', 'markdown'],
    ['state.yaml', '```yaml\na: 1\n```', 'yaml'],
    ['state.yml', 'a: 1', 'yaml'],
    ['state.json', '{"a": 1}', 'yaml'],
    ['.vibecoding-state', 'Intro\n```yaml\na: 1\n```\n', 'markdown'],
    ['state.txt', 'Intro\n```yml\na: 1\n```\n', 'markdown'],
    ['state.txt', 'Intro\n```yamlish\na: 1\n```\n', 'yaml'],
    ['state.txt', 'Intro ```yaml inline\n', 'yaml'],
    ['state', 'a: 1\n', 'yaml'],
  ])('%s holding %j is %s', (file, text, format) => {
    expect(stateFormat(file, text)).toBe(format);
  });
});

describe('parseStateText', () => {
  it.each([
    ['~\n', true],
    ['null # nothing yet\n', true],
    ['a: 1\n', false],
  ])('plain YAML %j is empty: %s', (text, empty) => {
    expect(parseStateText('s.yaml', text)).toMatchObject({ format: 'yaml', empty });
  });

  it.each([
    ['- a\n- b\n', 'its top level is a list, not a mapping of keys'],
    ['just text\n', 'its top level is a string, not a mapping of keys'],
    ['42\n', 'its top level is a number, not a mapping of keys'],
  ])('refuses plain YAML %j whose top level is not a mapping', (text, why) => {
    expect(() => parseStateText('s.yaml', text)).toThrow(expect.objectContaining({ code: 'STATE_FILE_SHAPE', what: 'The state file s.yaml has the wrong shape', why }));
  });

  it('names the line of a Markdown block that is not a mapping', () => {
    expect(() => parseStateText('s.md', '# State\n\n```yaml\n- a\n```\n')).toThrow(
      expect.objectContaining({ code: 'STATE_FILE_SHAPE', what: 'The state file s.md has a YAML block of the wrong shape', why: 'the block at line 4 is a list, not a mapping of keys' }),
    );
  });

  it('reads Markdown without yaml blocks as empty, and a null block as no keys', () => {
    expect(parseStateText('s.md', '# State\n\nNothing yet.\n')).toEqual({ format: 'markdown', data: {}, empty: true });
    expect(parseStateText('s.md', '```yaml\n~\n```\n```yaml\na: 1\n```\n')).toEqual({ format: 'markdown', data: { a: 1 }, empty: false });
  });

  it.each([
    ['an empty block', '```yaml\n```\n'],
    ['a block of blank lines', '```yaml\n\n  \n```\n'],
    ['a block holding only a comment', '```yaml\n# filled in by step 2\n```\n'],
  ])('reads %s in Markdown as no keys, beside the blocks that hold some', (_case, block) => {
    expect(parseStateText('s.md', `# State\n\n${block}\n## llm_role_endpoints\n\n\`\`\`yaml\nagent_chat: {}\n\`\`\`\n`)).toEqual({ format: 'markdown', data: { llm_role_endpoints: { agent_chat: {} } }, empty: false });
  });

  it('explains a syntax error with the file line, in a Markdown block too', () => {
    expect(() => parseStateText('s.yaml', 'a: [1, 2\n')).toThrow(expect.objectContaining({ code: 'STATE_FILE_SYNTAX', what: 'The state file s.yaml is not valid YAML' }));
    const error = (() => {
      try {
        parseStateText('s.md', 'line 1\nline 2\n```yaml\nok: 1\nbad: ]\n```\n');
      } catch (e) {
        return e as { why: string; code: string };
      }
    })();
    expect(error?.code).toBe('STATE_FILE_SYNTAX');
    expect(error?.why).toMatch(/line 5/);
  });
});

describe('Markdown headings that name state keys', () => {
  const merge = (heading: string) => mergeBlocks([{ heading, value: { x: 1 } }]);

  it.each([
    ['llm_role_endpoints', { llm_role_endpoints: { x: 1 } }],
    ['Foundation', { Foundation: { x: 1 } }],
    ['Phase1', { Phase1: { x: 1 } }],
    ['Modules', { Modules: { x: 1 } }],
    ['Foundation.f4_gateway', { Foundation: { f4_gateway: { x: 1 } } }],
    ['a.b', { a: { b: { x: 1 } } }],
    ['State', { x: 1 }],
    ['Phase 1.2 endpoints', { x: 1 }],
    ['1st_run', { x: 1 }],
    ['notes.', { x: 1 }],
  ])('%j', (heading, state) => {
    expect(merge(heading)).toEqual(state);
  });

  it('keeps a block under its heading as it is when it already carries the key', () => {
    expect(mergeBlocks([{ heading: 'Foundation', value: { Foundation: { f2: 1 } } }])).toEqual({ Foundation: { f2: 1 } });
  });

  it('a later block wins for a scalar, and a mapping replaces a scalar', () => {
    expect(mergeBlocks([{ heading: undefined, value: { a: 1, b: 1 } }, { heading: undefined, value: { a: 2, b: { c: 1 } } }])).toEqual({ a: 2, b: { c: 1 } });
  });

  it('skips constructor and prototype keys', () => {
    const merged = mergeBlocks([{ heading: undefined, value: JSON.parse('{"constructor": {"x": 1}, "prototype": {"y": 1}, "ok": 1}') }]);
    expect(Object.keys(merged)).toEqual(['ok']);
  });
});

describe('findYamlBlocks', () => {
  it('reads tilde fences, CRLF lines, indented fences and the heading nearest above', () => {
    const text = '# Top\r\n## `llm_role_endpoints` ##\r\n   ~~~~ YAML title\r\na: 1\r\n~~~~\r\n```yaml\r\nb: 2\r\n```\r\n';
    const blocks = findYamlBlocks(text);
    expect(blocks.map((b) => [b.heading, b.content, b.contentStartLine])).toEqual([
      ['llm_role_endpoints', 'a: 1\r\n', 4],
      ['llm_role_endpoints', 'b: 2\r\n', 7],
    ]);
  });

  it('closes a fence only with the same character, at least as long', () => {
    const text = '````yaml\na: 1\n```\n~~~\nb: 2\n````\nafter\n';
    const [block] = findYamlBlocks(text);
    expect(block?.content).toBe('a: 1\n```\n~~~\nb: 2\n');
    expect(text.slice(block?.end)).toBe('after\n');
  });

  it('runs an unclosed block to the end of the file', () => {
    const text = 'x\n```yaml\na: 1\nb: 2';
    const [block] = findYamlBlocks(text);
    expect(block).toMatchObject({ content: 'a: 1\nb: 2', contentEnd: text.length, end: text.length });
  });

  it('does not take a fence indented four spaces as a block', () => {
    expect(findYamlBlocks('    ```yaml\n    a: 1\n    ```\n')).toEqual([]);
  });
});

describe('setYamlKey layouts', () => {
  const value = { endpoint_name: 'gw' };

  it('ends a file without a final newline with one, and fills an empty parent one level deeper', () => {
    expect(setYamlKey('Foundation:\n', ['Foundation', 'f4_gateway'], value)).toBe('Foundation:\n  f4_gateway:\n    endpoint_name: gw\n');
    expect(setYamlKey('a: 1', ['b'], value)).toBe('a: 1\nb:\n  endpoint_name: gw\n');
  });

  it('keeps CRLF line ends', () => {
    expect(setYamlKey('a: 1\r\nFoundation:\r\n  f4_gateway:\r\n    endpoint_name: old\r\n', ['Foundation', 'f4_gateway'], value)).toBe(
      'a: 1\r\nFoundation:\r\n  f4_gateway:\r\n    endpoint_name: gw\r\n',
    );
  });

  it('replaces a key whose list items sit at its own indent, and leaves the comments after it', () => {
    const text = 'Foundation:\n  f4_gateway:\n  - a\n  - b\n  # about f5\n  f5: 1\n';
    expect(setYamlKey(text, ['Foundation', 'f4_gateway'], value)).toBe('Foundation:\n  f4_gateway:\n    endpoint_name: gw\n  # about f5\n  f5: 1\n');
  });

  it('edits a parent written as a block with a trailing comment', () => {
    expect(setYamlKey('Foundation:   # F-steps\n  f2: 1\n', ['Foundation', 'f4_gateway'], value)).toBe('Foundation:   # F-steps\n  f2: 1\n  f4_gateway:\n    endpoint_name: gw\n');
  });

  it('refuses a parent written inline, naming it', () => {
    expect(() => setYamlKey('Foundation: {f2: 1}\n', ['Foundation', 'f4_gateway'], value)).toThrow(
      expect.objectContaining({ code: 'STATE_FILE_LAYOUT', what: 'Cannot edit Foundation in the state file', why: 'Foundation is written inline ({f2: 1}), not as a block' }),
    );
  });

  it('matches the key itself, not a key that merely looks alike or one nested deeper', () => {
    expect(setYamlKey('aXb: 1\n', ['a.b'], value)).toBe('aXb: 1\na.b:\n  endpoint_name: gw\n');
    expect(setYamlKey('Foundation:\n  other:\n    f4_gateway: 1\n', ['Foundation', 'f4_gateway'], value)).toBe(
      'Foundation:\n  other:\n    f4_gateway: 1\n  f4_gateway:\n    endpoint_name: gw\n',
    );
    expect(setYamlKey('f4_gateway_old: 1\n', ['f4_gateway'], value)).toBe('f4_gateway_old: 1\nf4_gateway:\n  endpoint_name: gw\n');
  });

  it('adds a missing key before trailing comments and blank lines of its parent', () => {
    expect(setYamlKey('Foundation:\n  f2: 1\n\n# end\n', ['Foundation', 'f4_gateway'], value)).toBe('Foundation:\n  f2: 1\n  f4_gateway:\n    endpoint_name: gw\n\n# end\n');
  });
});

describe('the expansion budget', () => {
  it('allows exactly its number of values and characters, and refuses one more', () => {
    const values = new ExpansionBudget(3, 100);
    values.spend(3, 0);
    expect(() => values.spend(1, 0)).toThrow(new YamlExpansionError('3 values'));
    const chars = new ExpansionBudget(100, 5);
    chars.spend(0, 5);
    expect(() => chars.spend(0, 1)).toThrow('it holds more than 5 characters, counting each alias (*name) as the values it repeats');
  });

  it('counts each mapping, list, scalar, key and string character of a document', () => {
    // {a: [x, yy]}: the mapping, the list and two scalars are 4 values; "a", "x", "yy" are 4 characters.
    expect(parseYaml('a: [x, yy]\n', 0, new ExpansionBudget(4, 4))).toEqual({ a: ['x', 'yy'] });
    expect(() => parseYaml('a: [x, yy]\n', 0, new ExpansionBudget(3, 4))).toThrow(YamlExpansionError);
    expect(() => parseYaml('a: [x, yy]\n', 0, new ExpansionBudget(4, 3))).toThrow(YamlExpansionError);
  });

  it('explains a syntax error without a position as what the parser said', () => {
    const error = (() => {
      try {
        parseYaml('a: !!binary 12\n');
      } catch (e) {
        return e as YamlSyntaxError;
      }
    })();
    expect(error).toBeInstanceOf(YamlSyntaxError);
    expect(error?.message).toMatch(/ at line 1, column \d+$/);
    expect(new YamlSyntaxError('bad', undefined, undefined).message).toBe('bad');
    expect(new YamlSyntaxError('bad', 3, undefined).message).toBe('bad at line 3');
  });
});
