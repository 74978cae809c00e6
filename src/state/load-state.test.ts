/** loadState's refusals of a file with no state, word for word, and when loadStateIfPresent answers "no state". */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Runtime } from '../runtime/process-runtime.js';
import { loadState, loadStateIfPresent } from './read-state.js';

function folder(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aigw-load-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('loadState refuses a file that holds no state', () => {
  it('Markdown without a yaml block', async () => {
    const dir = folder({ 'state.md': '# State\n' });
    await expect(loadState(new Runtime({ cwd: dir, env: {} }), 'state.md')).rejects.toThrow(
      expect.objectContaining({
        code: 'STATE_FILE_NO_YAML',
        message: `The Markdown state file ${path.join(dir, 'state.md')} holds no state: it has no fenced \`\`\`yaml block. Pass the workshop state file (its state sits in \`\`\`yaml blocks), or a plain YAML state file`,
      }),
    );
  });

  it('YAML holding nothing', async () => {
    const dir = folder({ 'state.yaml': '~  # nothing yet\n' });
    await expect(loadState(new Runtime({ cwd: dir, env: {} }))).rejects.toThrow(
      expect.objectContaining({
        code: 'STATE_FILE_EMPTY',
        message: `The state file ${path.join(dir, 'state.yaml')} is empty: it holds no YAML mapping. Run the workshop state step first, or pass the right file`,
      }),
    );
  });
});

describe('loadStateIfPresent', () => {
  it('answers no state when nothing is named and no default file exists', async () => {
    expect(await loadStateIfPresent(new Runtime({ cwd: folder(), env: {} }))).toBeUndefined();
  });

  it('loads the default file when there is one, and still refuses a broken one', async () => {
    expect((await loadStateIfPresent(new Runtime({ cwd: folder({ 'state.yaml': 'a: 1\n' }), env: {} })))?.data).toEqual({ a: 1 });
    await expect(loadStateIfPresent(new Runtime({ cwd: folder({ 'state.yaml': '- a\n' }), env: {} }))).rejects.toThrow(expect.objectContaining({ code: 'STATE_FILE_SHAPE' }));
  });

  it('refuses a named file that does not exist: naming it says there is state to read', async () => {
    const dir = folder();
    await expect(loadStateIfPresent(new Runtime({ cwd: dir, env: {} }), 'missing.yaml')).rejects.toThrow(expect.objectContaining({ code: 'FILE_UNREADABLE' }));
    // AIGW_STATE_FILE names one too.
    await expect(loadStateIfPresent(new Runtime({ cwd: dir, env: { AIGW_STATE_FILE: 'missing.yaml' } }))).rejects.toThrow(expect.objectContaining({ code: 'FILE_UNREADABLE' }));
  });

  it('passes on a refusal other than "not found", such as a named file outside the root', async () => {
    const dir = folder();
    await expect(loadStateIfPresent(new Runtime({ cwd: dir, root: dir, env: { AIGW_STATE_FILE: '../elsewhere.yaml' } }))).rejects.toThrow(
      expect.objectContaining({ code: 'PATH_OUTSIDE_ROOT' }),
    );
  });

  it('refuses AIGW_STATE_FILE with {user} when no caller is named, rather than validating as if there were no state', async () => {
    await expect(loadStateIfPresent(new Runtime({ cwd: folder(), env: { AIGW_STATE_FILE: '/Workspace/Users/{user}/s.md' } }))).rejects.toThrow(
      expect.objectContaining({ code: 'STATE_FILE_UNRESOLVED' }),
    );
  });
});
