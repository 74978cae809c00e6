/** Which store a state file a call names opens, and who may open a workspace one under Databricks Apps. */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Runtime } from '../runtime/process-runtime.js';
import { openStateStore } from './open-state-store.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'aigw-open-'));
const workspace = { host: 'https://adb-1234.5.azuredatabricks.net', token: 'dapi-server-token-0000' };

describe('openStateStore', () => {
  it('opens a local file, a workspace file and a volume file in their own stores', () => {
    const runtime = new Runtime({ cwd: dir, env: {}, workspace });
    expect([openStateStore(runtime, 'state.yaml').kind, openStateStore(runtime, 'state.yaml').path]).toEqual(['local', path.join(dir, 'state.yaml')]);
    const remote = openStateStore(runtime, '/Workspace/Users/ana@example.com/s.md');
    expect([remote.kind, remote.path]).toEqual(['workspace', '/Workspace/Users/ana@example.com/s.md']);
    expect(openStateStore(runtime, '/Volumes/c/s/v/s.yaml').kind).toBe('volume');
  });

  it('under Databricks Apps, opens a workspace file only with the caller’s own token', () => {
    const app = new Runtime({ cwd: dir, env: {}, workspace, hosting: { appName: 'gateway', port: 0 } });
    const anonymous = app.forCaller({ via: 'databricks-apps', user: 'ana@example.com' });
    // A caller without a token, and no caller at all (the app's own runtime), are refused alike.
    for (const runtime of [anonymous, app]) {
      expect(() => openStateStore(runtime, '/Workspace/Users/ana@example.com/s.md')).toThrow(
        expect.objectContaining({
          code: 'STATE_FILE_NEEDS_USER_TOKEN',
          message:
            "Refused to open the state file /Workspace/Users/ana@example.com/s.md: the Databricks Apps proxy forwarded no user token, so the call would reach the file with the app's own rights rather than yours. Turn on user authorization for the app with the workspace scope (databricks.yml user_api_scopes), then sign in to the app again",
        }),
      );
    }
    const ana = app.forCaller({ via: 'databricks-apps', user: 'ana@example.com', workspaceToken: () => 'dapi-ana-token-1111' });
    expect(openStateStore(ana, '/Workspace/Users/ana@example.com/s.md').kind).toBe('workspace');
  });
});
