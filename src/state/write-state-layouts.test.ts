/**
 * How a key is written into YAML layouts the other tests do not cover: an empty or comment-only file, values
 * whose YAML spans lines, blank lines inside the replaced block, comments after the last top-level key, and the
 * record already present with its keys in another order (nothing is written). Also the Markdown sections
 * appended after text that ends in different ways, and the block chosen when several could take the record.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { localStateStore } from './local-state-store.js';
import { recordF4Gateway, setStateKey, setYamlKey } from './write-state.js';

function tempFile(name: string, text: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'aigw-layout-')), name);
  writeFileSync(file, text);
  return file;
}

const F4 = ['Foundation', 'f4_gateway'];

describe('setYamlKey', () => {
  it('writes the key at the top level of an empty or comment-only file', () => {
    expect(setYamlKey('', F4, { x: 1 })).toBe('Foundation:\n  f4_gateway:\n    x: 1\n');
    expect(setYamlKey('# filled in by F4\n', F4, { x: 1 })).toBe('Foundation:\n  f4_gateway:\n    x: 1\n# filled in by F4\n');
  });

  it('writes a long value on one line, and a multi-line string without trailing blanks', () => {
    const long = 'word '.repeat(40).trim();
    expect(setYamlKey('a: 1\n', ['b'], { note: long })).toBe(`a: 1\nb:\n  note: ${long}\n`);
    expect(setYamlKey('Foundation:\n  f2: 1\n', F4, { note: 'first\n\nthird' })).toBe('Foundation:\n  f2: 1\n  f4_gateway:\n    note: |-\n      first\n\n      third\n');
  });

  it('replaces a block that holds blank lines and comments, up to its last line', () => {
    const text = 'Foundation:\n  f4_gateway:\n    a: 1\n\n    # about b\n    b: 2\n  f5: 1\n';
    expect(setYamlKey(text, F4, { x: 1 })).toBe('Foundation:\n  f4_gateway:\n    x: 1\n  f5: 1\n');
  });

  it('adds a missing top-level key before the comments and blank lines that end the file', () => {
    expect(setYamlKey('a: 1\n\n# end of the state\n', ['b'], { x: 1 })).toBe('a: 1\nb:\n  x: 1\n\n# end of the state\n');
  });

  it('takes a key with regex characters literally', () => {
    expect(setYamlKey('ab: 1\n', ['a.b'], { x: 1 })).toBe('ab: 1\na.b:\n  x: 1\n');
  });

  it('names the start of a long inline parent in its refusal', () => {
    const inline = '{f2: 1, f3: 2, f5: 3, f6: 4, f7: 5, f8: 6, f9: 7}';
    expect(() => setYamlKey(`Foundation: ${inline}  # steps\n`, F4, { x: 1 })).toThrow(
      expect.objectContaining({ why: `Foundation is written inline (${inline.slice(0, 40)}), not as a block`, next: 'Rewrite Foundation as block-style YAML, or add the value by hand' }),
    );
  });
});

describe('setStateKey', () => {
  it('writes nothing when the file already holds the value, whatever the order of its keys', async () => {
    const text = 'Foundation:\n  f4_gateway:\n    served_entities:\n    - {name: b, version: 2}\n    endpoint_name: gw-1\n';
    const file = tempFile('state.yaml', text);
    const inode = statSync(file).ino;
    expect(await setStateKey(localStateStore(file), F4, { endpoint_name: 'gw-1', served_entities: [{ version: 2, name: 'b' }] })).toEqual({ path: file, format: 'yaml', changed: false });
    expect(statSync(file).ino).toBe(inode);
    // The order of a list is part of the value.
    expect(await setStateKey(localStateStore(file), F4, { endpoint_name: 'gw-1', served_entities: [{ version: 2, name: 'b' }, { name: 'a' }] })).toMatchObject({ changed: true });
  });

  it('says a file it cannot parse is left alone, and how to go on', async () => {
    const file = tempFile('state.yaml', 'a: [1, 2\n');
    await expect(recordF4Gateway(localStateStore(file), { endpoint_name: 'gw' })).rejects.toThrow(
      expect.objectContaining({
        code: 'STATE_FILE_SYNTAX',
        what: `Did not update the state file ${file}`,
        why: expect.stringMatching(/^it cannot be parsed \(.+ at line \d+.*\), and a file that cannot be parsed is never overwritten$/),
        next: 'Fix the file (read_audit shows the same error), then apply again: the gateway itself is already in place',
      }),
    );
  });

  it('refuses an edit a later Markdown block would override, leaving the file as it was', async () => {
    // The record written the old way under its heading, and a later block that sets the same key again.
    const text = '## Foundation.f4_gateway\n\n```yaml\nendpoint_name: gw-0\n```\n\n```yaml\nFoundation:\n  f4_gateway:\n    endpoint_name: later\n```\n';
    const file = tempFile('state.md', text);
    await expect(recordF4Gateway(localStateStore(file), { endpoint_name: 'gw-1' })).rejects.toThrow(
      expect.objectContaining({
        code: 'STATE_FILE_LAYOUT',
        what: `Did not update the state file ${file}`,
        why: 'Foundation.f4_gateway could not be written without changing other state (its YAML layout is unusual, e.g. flow style)',
        next: 'Add Foundation.f4_gateway by hand, or convert that part of the file to block-style YAML',
      }),
    );
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});

describe('a record appended to a Markdown state file', () => {
  const section = '## Foundation.f4_gateway\n\n```yaml\nFoundation:\n  f4_gateway:\n    endpoint_name: gw\n```\n';

  it.each([
    ['ends in a blank line', '# State\n\n', '# State\n\n'],
    ['ends in one line end', '# State\n', '# State\n\n'],
    ['ends mid-line', '# State', '# State\n\n'],
    ['is empty', '', ''],
  ])('after text that %s, one blank line apart', async (_case, before, kept) => {
    const file = tempFile('state.md', before);
    await recordF4Gateway(localStateStore(file), { endpoint_name: 'gw' });
    expect(readFileSync(file, 'utf8')).toBe(kept + section);
  });

  it('after CRLF text that ends in a blank line, with no extra one', async () => {
    const file = tempFile('state.md', '# State\r\n\r\n');
    await recordF4Gateway(localStateStore(file), { endpoint_name: 'gw' });
    expect(readFileSync(file, 'utf8')).toBe(`# State\r\n\r\n${section.replaceAll('\n', '\r\n')}`);
  });

  it('with CRLF line ends when the file has them', async () => {
    const file = tempFile('state.md', '# State\r\n\r\nProse.\r\n');
    await recordF4Gateway(localStateStore(file), { endpoint_name: 'gw' });
    expect(readFileSync(file, 'utf8')).toBe(`# State\r\n\r\nProse.\r\n\r\n${section.replaceAll('\n', '\r\n')}`);
  });
});

describe('the Markdown block that takes the record', () => {
  it('is the Foundation block that holds f4_gateway, not the first Foundation block', async () => {
    const text = '```yaml\nFoundation:\n  f2_otel: {prefix: a}\n```\n\n```yaml\nFoundation:\n  f4_gateway:\n    endpoint_name: old\n```\n';
    const file = tempFile('state.md', text);
    await recordF4Gateway(localStateStore(file), { endpoint_name: 'gw' });
    expect(readFileSync(file, 'utf8')).toBe(text.replace('endpoint_name: old', 'endpoint_name: gw'));
  });

  it('is the first Foundation block when none holds f4_gateway', async () => {
    const text = '```yaml\nFoundation:\n  f2_otel: {prefix: a}\n```\n\n```yaml\nFoundation:\n  f3: 1\n```\n';
    const file = tempFile('state.md', text);
    await recordF4Gateway(localStateStore(file), { endpoint_name: 'gw' });
    expect(readFileSync(file, 'utf8')).toBe(text.replace('f2_otel: {prefix: a}\n', 'f2_otel: {prefix: a}\n  f4_gateway:\n    endpoint_name: gw\n'));
  });

  it('under a `## Foundation` heading, is the one whose bare keys hold f4_gateway', async () => {
    const text = '## Foundation\n\n```yaml\nf2_otel: 1\n```\n\n## Foundation\n\n```yaml\nf4_gateway:\n  endpoint_name: old\n```\n';
    const file = tempFile('state.md', text);
    await recordF4Gateway(localStateStore(file), { endpoint_name: 'gw' });
    expect(readFileSync(file, 'utf8')).toBe(
      '## Foundation\n\n```yaml\nf2_otel: 1\n```\n\n## Foundation\n\n```yaml\nFoundation:\n  f4_gateway:\n    endpoint_name: gw\n```\n',
    );
  });

  it('is a Foundation block whose first line is a comment', async () => {
    const text = '```yaml\n# F-steps\nFoundation:\n  f2: 1\n```\n';
    const file = tempFile('state.md', text);
    await recordF4Gateway(localStateStore(file), { endpoint_name: 'gw' });
    expect(readFileSync(file, 'utf8')).toBe('```yaml\n# F-steps\nFoundation:\n  f2: 1\n  f4_gateway:\n    endpoint_name: gw\n```\n');
  });

  it('nests an old-style block holding a blank line, adding no blanks of its own', async () => {
    const text = '## Foundation\n\n```yaml\nf2_otel: 1\n\nf3: 2\n```\n';
    const file = tempFile('state.md', text);
    await recordF4Gateway(localStateStore(file), { endpoint_name: 'gw' });
    expect(readFileSync(file, 'utf8')).toBe('## Foundation\n\n```yaml\nFoundation:\n  f2_otel: 1\n\n  f3: 2\n  f4_gateway:\n    endpoint_name: gw\n```\n');
  });

  it('nests an empty block under its heading', async () => {
    const text = '## Foundation.f4_gateway\n\n```yaml\n```\n';
    const file = tempFile('state.md', text);
    await recordF4Gateway(localStateStore(file), { endpoint_name: 'gw' });
    expect(readFileSync(file, 'utf8')).toBe('## Foundation.f4_gateway\n\n```yaml\nFoundation:\n  f4_gateway:\n    endpoint_name: gw\n```\n');
  });
});
