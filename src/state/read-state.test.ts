import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Runtime } from '../runtime/process-runtime.js';
import { confine, resolveStatePath } from './locate-state.js';
import { stateFormat } from './parse-state.js';
import { loadState } from './read-state.js';
import { readTextFile } from './read-text-file.js';

function folder(files: Record<string, string | Buffer> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aigw-read-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  return dir;
}

const runtimeIn = (cwd: string, options: { env?: NodeJS.ProcessEnv; root?: string } = {}) => new Runtime({ cwd, env: options.env ?? {}, root: options.root });

describe('loadState', () => {
  it('reads a plain YAML state file', async () => {
    const dir = folder({ 'state.yaml': 'llm_role_endpoints:\n  agent_chat: {endpoint: a}\n' });
    expect(await loadState(runtimeIn(dir))).toEqual({
      path: path.join(dir, 'state.yaml'),
      store: expect.objectContaining({ kind: 'local', path: path.join(dir, 'state.yaml') }),
      format: 'yaml',
      text: 'llm_role_endpoints:\n  agent_chat: {endpoint: a}\n',
      data: { llm_role_endpoints: { agent_chat: { endpoint: 'a' } } },
    });
  });

  it('reads the Markdown state file, merging its yaml blocks', async () => {
    const dir = folder({ '.vibecoding-state.md': '# State\n\n```yaml\na: 1\n```\n\n## role_endpoints\n\n```yaml\nc: 2\n```\n' });
    expect(await loadState(runtimeIn(dir))).toMatchObject({ format: 'markdown', data: { a: 1, role_endpoints: { c: 2 } } });
  });

  it.each([
    ['a YAML file holding null', 'state.yaml', '~\n', 'STATE_FILE_EMPTY', /is empty/],
    ['a YAML list', 'state.yaml', '- a\n- b\n', 'STATE_FILE_SHAPE', /its top level is a list, not a mapping/],
    ['a YAML scalar', 'state.yaml', '42\n', 'STATE_FILE_SHAPE', /its top level is a number, not a mapping/],
    ['broken YAML', 'state.yaml', 'a: [1, 2\n', 'STATE_FILE_SYNTAX', /is not valid YAML: .* at line \d+/],
    ['Markdown without yaml blocks', 'state.md', '# State\n\nNothing here.\n', 'STATE_FILE_NO_YAML', /holds no state/],
    ['a Markdown block holding a list', 'state.md', 'intro\n\n```yaml\n- a\n```\n', 'STATE_FILE_SHAPE', /the block at line 4 is a list/],
    ['broken YAML in a Markdown block', 'state.md', 'intro\n\n```yaml\nok: 1\nbad: [\n```\n', 'STATE_FILE_SYNTAX', /at line 6/],
  ])('refuses %s, saying why', async (_case, name, text, code, message) => {
    const dir = folder({ [name]: text });
    await expect(loadState(runtimeIn(dir), name)).rejects.toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) }));
  });

  it('reads a null yaml block in Markdown as no keys', async () => {
    const dir = folder({ 'state.md': '```yaml\n~\n```\n\n```yaml\na: 1\n```\n' });
    expect((await loadState(runtimeIn(dir), 'state.md')).data).toEqual({ a: 1 });
  });
});

describe('readTextFile', () => {
  it('reads UTF-8 text', async () => {
    const dir = folder({ 'f.txt': 'héllo\n' });
    expect(await readTextFile(path.join(dir, 'f.txt'), 'config file')).toBe('héllo\n');
  });

  it('says what is wrong with a path that is not a readable text file', async () => {
    const dir = folder({ 'bin.yaml': Buffer.from([0x61, 0x00, 0x62]) });
    await expect(readTextFile(path.join(dir, 'absent.yaml'), 'state file')).rejects.toThrow(
      expect.objectContaining({ code: 'FILE_UNREADABLE', message: `Cannot read the state file ${path.join(dir, 'absent.yaml')}: the file does not exist. Check the path; pass an existing state file` }),
    );
    await expect(readTextFile(dir, 'config file')).rejects.toThrow(expect.objectContaining({ code: 'FILE_NOT_REGULAR', why: 'it is a folder, not a regular file' }));
    await expect(readTextFile(path.join(dir, 'bin.yaml'), 'state file')).rejects.toThrow(expect.objectContaining({ code: 'FILE_NOT_TEXT' }));
  });

  it('refuses a file over the size limit, with both sizes in the message', async () => {
    const dir = folder({ 'big.yaml': 'x'.repeat(3000), 'huge.yaml': 'x'.repeat(3 * 1024 * 1024) });
    await expect(readTextFile(path.join(dir, 'big.yaml'), 'state file', 2048)).rejects.toThrow(
      expect.objectContaining({ code: 'FILE_TOO_LARGE', why: 'it is 3 KB, over the 2 KB limit for a state file' }),
    );
    await expect(readTextFile(path.join(dir, 'huge.yaml'), 'state file', 1024 * 1024)).rejects.toThrow(expect.objectContaining({ why: 'it is 3.0 MB, over the 1.0 MB limit for a state file' }));
    expect(await readTextFile(path.join(dir, 'big.yaml'), 'state file', 3000)).toHaveLength(3000);
  });
});

describe('stateFormat', () => {
  it.each([
    ['s.md', '', 'markdown'],
    ['S.MARKDOWN', '', 'markdown'],
    ['s.yaml', '```yaml\n', 'yaml'],
    ['s.YML', '', 'yaml'],
    ['s.json', '```yaml\n', 'yaml'],
    ['state', 'intro\n```yaml\na: 1\n```\n', 'markdown'],
    ['state.txt', 'intro\n```yml\na: 1\n```\n', 'markdown'],
    ['state', 'a: 1\n', 'yaml'],
    ['state', 'intro ```yaml inline\n', 'yaml'],
    ['state', '```yamlish\n', 'yaml'],
  ])('%s holding %j is %s', (file, text, format) => {
    expect(stateFormat(file, text)).toBe(format);
  });
});

describe('resolveStatePath: workspace and volume paths', () => {
  const inApp = (cwd: string) => new Runtime({ cwd, env: {}, hosting: { port: 0 } as never });
  it('keeps a workspace or volume path as named, outside any root, and puts the caller in {user}', () => {
    const dir = folder({});
    expect(resolveStatePath(runtimeIn(dir, { root: dir }), '/Workspace/Users/me@example.com/p/s.md')).toBe('/Workspace/Users/me@example.com/p/s.md');
    expect(resolveStatePath(runtimeIn(dir), '/Volumes/c/s/v/dir/s.yaml')).toBe('/Volumes/c/s/v/dir/s.yaml');
    const caller = new Runtime({ cwd: dir, env: { AIGW_STATE_FILE: '/Workspace/Users/{user}/s.md' } }).forCaller({ via: 'databricks-apps', user: 'alice@example.com' });
    expect(resolveStatePath(caller)).toBe('/Workspace/Users/alice@example.com/s.md');
    expect(() => resolveStatePath(new Runtime({ cwd: dir, env: { AIGW_STATE_FILE: '/Workspace/Users/{user}/s.md' } }))).toThrow(expect.objectContaining({ code: 'STATE_FILE_UNRESOLVED' }));
  });

  it('refuses a malformed remote path, and a local one under Databricks Apps', () => {
    const dir = folder({ 'state.yaml': 'a: 1\n' });
    for (const bad of ['/Workspace/Users/me/../you/s.md', '/Volumes/c/s/v', '/Workspace//s.md']) {
      expect(() => resolveStatePath(runtimeIn(dir), bad)).toThrow(expect.objectContaining({ code: 'STATE_FILE_PATH_INVALID' }));
    }
    expect(() => resolveStatePath(inApp(dir), 'state.yaml')).toThrow(expect.objectContaining({ code: 'STATE_FILE_LOCAL_IN_APP' }));
    // The working folder's state.yaml is not picked up under Apps either.
    expect(() => resolveStatePath(inApp(dir))).toThrow(expect.objectContaining({ code: 'STATE_FILE_NOT_FOUND' }));
  });
});

describe('resolveStatePath', () => {
  it('takes the argument first, then AIGW_STATE_FILE, then the default names in the working folder', () => {
    const dir = folder({ 'state.yaml': 'a: 1\n', '.vibecoding-state.md': '```yaml\na: 1\n```\n' });
    expect(resolveStatePath(runtimeIn(dir, { env: { AIGW_STATE_FILE: 'env.yaml' } }), 'arg.yaml')).toBe(path.join(dir, 'arg.yaml'));
    expect(resolveStatePath(runtimeIn(dir, { env: { AIGW_STATE_FILE: 'env.yaml' } }))).toBe(path.join(dir, 'env.yaml'));
    expect(resolveStatePath(runtimeIn(dir))).toBe(path.join(dir, 'state.yaml'));
    const mdOnly = folder({ '.vibecoding-state.md': '```yaml\na: 1\n```\n' });
    expect(resolveStatePath(runtimeIn(mdOnly))).toBe(path.join(mdOnly, '.vibecoding-state.md'));
  });

  it('says where it looked when there is no state file', () => {
    const dir = folder();
    expect(() => resolveStatePath(runtimeIn(dir))).toThrow(
      expect.objectContaining({ code: 'STATE_FILE_NOT_FOUND', why: `no state_file argument, AIGW_STATE_FILE is unset, and neither state.yaml nor .vibecoding-state.md exists in ${dir}` }),
    );
  });
});

describe('confine', () => {
  it('resolves against the working folder and allows anything when no root is set', () => {
    const dir = folder();
    expect(confine(runtimeIn(dir), '../elsewhere/s.yaml')).toBe(path.resolve(dir, '../elsewhere/s.yaml'));
  });

  it('allows paths inside the root, existing or not yet', () => {
    const dir = folder({ 'state.yaml': 'a: 1\n' });
    const runtime = runtimeIn(dir, { root: dir });
    expect(confine(runtime, 'state.yaml')).toBe(path.join(dir, 'state.yaml'));
    expect(confine(runtime, 'new/deeper/s.yaml')).toBe(path.join(dir, 'new/deeper/s.yaml'));
  });

  it('refuses a path outside the root, by .. or by a symlink', () => {
    const outside = folder({ 'secret.yaml': 'a: 1\n' });
    const root = folder();
    mkdirSync(path.join(root, 'sub'));
    symlinkSync(path.join(outside, 'secret.yaml'), path.join(root, 'sub', 'link.yaml'));
    const runtime = runtimeIn(root, { root });
    for (const file of ['../x.yaml', path.join(outside, 'secret.yaml'), 'sub/link.yaml']) {
      expect(() => confine(runtime, file)).toThrow(expect.objectContaining({ code: 'PATH_OUTSIDE_ROOT', what: `Refused to open ${file}` }));
    }
  });

  it('compares real paths, so a root reached through a symlink still holds its files', () => {
    const real = folder({ 'state.yaml': 'a: 1\n' });
    const alias = path.join(folder(), 'alias');
    symlinkSync(real, alias);
    expect(confine(runtimeIn(alias, { root: alias }), 'state.yaml')).toBe(path.join(alias, 'state.yaml'));
    expect(confine(runtimeIn(real, { root: alias }), 'missing/s.yaml')).toBe(path.join(real, 'missing/s.yaml'));
  });
});
