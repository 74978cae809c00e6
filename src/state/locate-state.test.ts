/**
 * What resolveStatePath says when it refuses, word for word (an agent acts on the `next` step), the shortest
 * workspace and volume paths it accepts, and the start-up note for an app's AIGW_STATE_FILE.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Runtime } from '../runtime/process-runtime.js';
import { resolveStatePath, stateFileStartupNote } from './locate-state.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'aigw-locate-'));
const hosting = { appName: 'gateway', port: 0 };

describe('resolveStatePath refusals', () => {
  it('under Databricks Apps with nothing named, asks for a workspace or volume path', () => {
    expect(() => resolveStatePath(new Runtime({ cwd: dir, env: {}, hosting }))).toThrow(
      expect.objectContaining({
        code: 'STATE_FILE_NOT_FOUND',
        message:
          'No state file named: no state_file argument, and AIGW_STATE_FILE is not set in app.yaml. Pass state_file with a workspace path (/Workspace/Users/<you>/<project>/.vibecoding-state.md) or a volume path (/Volumes/<catalog>/<schema>/<volume>/…)',
      }),
    );
  });

  it('under Databricks Apps, refuses a local file and says why', () => {
    expect(() => resolveStatePath(new Runtime({ cwd: dir, env: { AIGW_STATE_FILE: 'state.yaml' }, hosting }))).toThrow(
      expect.objectContaining({
        code: 'STATE_FILE_LOCAL_IN_APP',
        message:
          'Refused to use the local state file state.yaml: this server runs as a Databricks App, whose files do not outlive its container, are not shared by its replicas, and would be one file for every user. Pass a workspace path (/Workspace/Users/<you>/<project>/.vibecoding-state.md) or a volume path (/Volumes/<catalog>/<schema>/<volume>/…), read and written with your own rights',
      }),
    );
  });

  it('without a caller, cannot put anyone in {user}', () => {
    expect(() => resolveStatePath(new Runtime({ cwd: dir, env: {} }), '/Workspace/Users/{user}/s.md')).toThrow(
      expect.objectContaining({
        code: 'STATE_FILE_UNRESOLVED',
        message: 'Cannot resolve the state file /Workspace/Users/{user}/s.md: {user} stands for the calling user, and this call names none (only the Databricks Apps proxy does). Pass state_file with the path itself',
      }),
    );
  });

  it('with no file anywhere, says what it looked for, and hides the folder when a root is set', () => {
    const next = 'Pass state_file with the path of the workshop state file (YAML, or the Markdown state file with fenced yaml blocks; examples/ in the package shows both)';
    expect(() => resolveStatePath(new Runtime({ cwd: dir, env: {}, root: dir }))).toThrow(
      expect.objectContaining({
        code: 'STATE_FILE_NOT_FOUND',
        message: `No state file found: no state_file argument, AIGW_STATE_FILE is unset, and neither state.yaml nor .vibecoding-state.md exists in the server's working folder. ${next}`,
      }),
    );
  });

  it('refuses a path outside the root, saying how to reach the file', () => {
    expect(() => resolveStatePath(new Runtime({ cwd: dir, env: {}, root: dir }), '../elsewhere.yaml')).toThrow(
      expect.objectContaining({
        code: 'PATH_OUTSIDE_ROOT',
        message:
          "Refused to open ../elsewhere.yaml: files must be inside the server's root folder (AIGW_ROOT; over HTTP, by default the server's working folder). Use a path relative to that folder, or ask whoever runs the server to set AIGW_ROOT to the folder that holds the file",
      }),
    );
  });
});

describe('workspace and volume paths', () => {
  const runtime = new Runtime({ cwd: dir, env: {} });

  it('accepts the shortest of each: a file under /Workspace, a file directly in a volume', () => {
    expect(resolveStatePath(runtime, '/Workspace/s.md')).toBe('/Workspace/s.md');
    expect(resolveStatePath(runtime, '/Volumes/c/s/v/s.yaml')).toBe('/Volumes/c/s/v/s.yaml');
  });

  it.each([
    ['/Workspace/Users/./s.md', 'a workspace path is absolute, with no empty, . or .. segments'],
    ['/Workspace/Users/me/', 'a workspace path is absolute, with no empty, . or .. segments'],
    ['/Volumes/c/s/v', 'a volume file path is /Volumes/<catalog>/<schema>/<volume>/<file>, with no empty, . or .. segments'],
    ['/Volumes/c/s/../v/s.yaml', 'a volume file path is /Volumes/<catalog>/<schema>/<volume>/<file>, with no empty, . or .. segments'],
  ])('refuses %s', (file, why) => {
    expect(() => resolveStatePath(runtime, file)).toThrow(
      expect.objectContaining({
        code: 'STATE_FILE_PATH_INVALID',
        what: `Refused the state file path ${file}`,
        why,
        next: 'Pass the full path of the state file, e.g. /Workspace/Users/<you>/<project>/.vibecoding-state.md',
      }),
    );
  });
});

describe('stateFileStartupNote', () => {
  it('warns when AIGW_STATE_FILE is unset or local, and says nothing for a workspace or volume path', () => {
    expect(stateFileStartupNote({})).toBe('AIGW_STATE_FILE is not set: every read_audit and create_gateway call must pass state_file (a /Workspace/… or /Volumes/… path)');
    expect(stateFileStartupNote({ AIGW_STATE_FILE: 'state.yaml' })).toBe(
      'AIGW_STATE_FILE (state.yaml) is a local path, which calls refuse under Databricks Apps: set it to a workspace path such as /Workspace/Users/{user}/ai-gateway/.vibecoding-state.md, or a volume path',
    );
    expect(stateFileStartupNote({ AIGW_STATE_FILE: '/Workspace/Users/{user}/s.md' })).toBeUndefined();
    expect(stateFileStartupNote({ AIGW_STATE_FILE: '/Volumes/c/s/v/s.yaml' })).toBeUndefined();
  });
});
