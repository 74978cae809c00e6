/**
 * The store that holds the state file a call names (state-store.ts). Workspace and volume files are reached
 * through the call's workspace: under Databricks Apps with user authorization that workspace carries the
 * caller's own token, so each user reaches exactly the files the workspace lets them reach.
 */
import { getWorkspace } from '../databricks/workspace-clients.js';
import type { Runtime } from '../runtime/process-runtime.js';
import { ToolError } from '../shared/tool-error.js';
import { localStateStore } from './local-state-store.js';
import { remoteStoreOf, resolveStatePath } from './locate-state.js';
import { volumeStateStore, workspaceStateStore } from './remote-state-store.js';
import type { StateStore } from './state-store.js';

export function openStateStore(runtime: Runtime, explicit?: string): StateStore {
  const file = resolveStatePath(runtime, explicit);
  const kind = remoteStoreOf(file);
  if (!kind) return localStateStore(file);
  if (runtime.hosting && !runtime.caller?.workspaceToken) {
    // Without the caller's token the app's service principal would read and write every user's state file.
    throw new ToolError(
      `Refused to open the state file ${file}`,
      "the Databricks Apps proxy forwarded no user token, so the call would reach the file with the app's own rights rather than yours",
      "Turn on user authorization for the app with the workspace scope (databricks.yml user_api_scopes), then sign in to the app again",
      'STATE_FILE_NEEDS_USER_TOKEN',
    );
  }
  const workspace = getWorkspace(runtime);
  return kind === 'workspace' ? workspaceStateStore(workspace.workspaceFiles, file) : volumeStateStore(workspace.files, file);
}
