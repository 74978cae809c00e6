/**
 * Where a file a caller names may be read from. The state file comes from the tool argument, else
 * AIGW_STATE_FILE, else the workshop's default names in the working folder, else (under `--sandbox` only) a
 * copy of the example state that matches the sandbox. When a root is set (always over HTTP, where the caller
 * may be remote) every local path a caller names must resolve inside it, symlinks included. A state file may
 * also live in the workspace (`/Workspace/…`) or a Unity Catalog volume (`/Volumes/…`), where the workspace's own
 * permissions decide who reaches it; under Databricks Apps only those are accepted, since an app's files do
 * not outlive its container, are not shared by its replicas, and would be the same file for every user.
 */
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { ToolError } from '../shared/tool-error.js';
import type { Runtime } from '../runtime/process-runtime.js';
import { exampleStateFile } from './example-state.js';

export const DEFAULT_STATE_FILES = ['state.yaml', '.vibecoding-state.md'] as const;

const WORKSPACE_PREFIX = '/Workspace/';
const VOLUMES_PREFIX = '/Volumes/';
/** In AIGW_STATE_FILE, stands for the calling user (their e-mail under Databricks Apps): one file per user. */
const USER_PLACEHOLDER = '{user}';

/** Which workspace store holds `file`, or undefined for a local file. */
export function remoteStoreOf(file: string): 'workspace' | 'volume' | undefined {
  if (file.startsWith(WORKSPACE_PREFIX)) return 'workspace';
  if (file.startsWith(VOLUMES_PREFIX)) return 'volume';
  return undefined;
}

export function resolveStatePath(runtime: Runtime, explicit?: string): string {
  const named = explicit ?? runtime.env.AIGW_STATE_FILE;
  if (named) {
    const file = named.includes(USER_PLACEHOLDER) ? forCaller(runtime, named) : named;
    if (remoteStoreOf(file)) return checkRemotePath(file);
    if (runtime.hosting) throw localRefusedInApp(file);
    return confine(runtime, file);
  }
  if (runtime.hosting) {
    throw new ToolError('No state file named', 'no state_file argument, and AIGW_STATE_FILE is not set in app.yaml', `Pass state_file with a workspace path (${WORKSPACE_PREFIX}Users/<you>/<project>/.vibecoding-state.md) or a volume path (${VOLUMES_PREFIX}<catalog>/<schema>/<volume>/…)`, 'STATE_FILE_NOT_FOUND');
  }
  for (const candidate of DEFAULT_STATE_FILES) {
    const full = path.join(runtime.cwd, candidate);
    if (existsSync(full)) return confine(runtime, full);
  }
  // The server picks this file, not the caller: it is a temporary copy, outside any root on purpose.
  if (runtime.exampleStateFallback) return exampleStateFile(runtime);
  throw new ToolError(
    'No state file found',
    `no state_file argument, AIGW_STATE_FILE is unset, and neither ${DEFAULT_STATE_FILES.join(' nor ')} exists in ${whereToLook(runtime)}`,
    'Pass state_file with the path of the workshop state file (YAML, or the Markdown state file with fenced yaml blocks; examples/ in the package shows both)',
    'STATE_FILE_NOT_FOUND',
  );
}

/** Under Databricks Apps: what the operator's log says about the state file at start, when something is wrong. */
export function stateFileStartupNote(env: NodeJS.ProcessEnv): string | undefined {
  const named = env.AIGW_STATE_FILE;
  if (!named) return `AIGW_STATE_FILE is not set: every read_audit and create_gateway call must pass state_file (a ${WORKSPACE_PREFIX}… or ${VOLUMES_PREFIX}… path)`;
  if (!remoteStoreOf(named)) return `AIGW_STATE_FILE (${named}) is a local path, which calls refuse under Databricks Apps: set it to a workspace path such as ${WORKSPACE_PREFIX}Users/${USER_PLACEHOLDER}/ai-gateway/.vibecoding-state.md, or a volume path`;
  return undefined;
}

function localRefusedInApp(file: string): ToolError {
  return new ToolError(
    `Refused to use the local state file ${file}`,
    "this server runs as a Databricks App, whose files do not outlive its container, are not shared by its replicas, and would be one file for every user",
    `Pass a workspace path (${WORKSPACE_PREFIX}Users/<you>/<project>/.vibecoding-state.md) or a volume path (${VOLUMES_PREFIX}<catalog>/<schema>/<volume>/…), read and written with your own rights`,
    'STATE_FILE_LOCAL_IN_APP',
  );
}

/** `{user}` replaced by who is calling; refused when no one is named (outside Apps). */
function forCaller(runtime: Runtime, named: string): string {
  const user = runtime.caller?.user;
  if (!user) {
    throw new ToolError(`Cannot resolve the state file ${named}`, `${USER_PLACEHOLDER} stands for the calling user, and this call names none (only the Databricks Apps proxy does)`, 'Pass state_file with the path itself', 'STATE_FILE_UNRESOLVED');
  }
  return named.split(USER_PLACEHOLDER).join(user);
}

/** An absolute, plain path: no `.`/`..` segments or empty ones, and under a volume, a file inside the volume. */
function checkRemotePath(file: string): string {
  const segments = file.split('/').slice(1);
  const bad = segments.some((s) => s === '' || s === '.' || s === '..');
  const minimum = remoteStoreOf(file) === 'volume' ? 5 : 2;
  if (bad || segments.length < minimum) {
    throw new ToolError(
      `Refused the state file path ${file}`,
      remoteStoreOf(file) === 'volume' ? 'a volume file path is /Volumes/<catalog>/<schema>/<volume>/<file>, with no empty, . or .. segments' : 'a workspace path is absolute, with no empty, . or .. segments',
      'Pass the full path of the state file, e.g. /Workspace/Users/<you>/<project>/.vibecoding-state.md',
      'STATE_FILE_PATH_INVALID',
    );
  }
  return file;
}

/**
 * Where default files are looked for, as a caller may be told: with a root set (always over HTTP, where the
 * caller may be remote) the server's own folders are not revealed.
 */
function whereToLook(runtime: Runtime): string {
  return runtime.root ? "the server's working folder" : runtime.cwd;
}

/** Resolves `file` against the working folder and refuses anything outside the runtime's root. */
export function confine(runtime: Runtime, file: string): string {
  const full = path.resolve(runtime.cwd, file);
  if (!runtime.root) return full;
  const real = realpathOrSelf(full);
  const root = realpathOrSelf(runtime.root);
  const relative = path.relative(root, real);
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new ToolError(
      `Refused to open ${file}`,
      "files must be inside the server's root folder (AIGW_ROOT; over HTTP, by default the server's working folder)",
      'Use a path relative to that folder, or ask whoever runs the server to set AIGW_ROOT to the folder that holds the file',
      'PATH_OUTSIDE_ROOT',
    );
  }
  return full;
}

function realpathOrSelf(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    // Not there yet (or unreadable): check the lexical path; reading it will report the real problem.
    const parent = path.dirname(file);
    return parent === file ? file : path.join(realpathOrSelf(parent), path.basename(file));
  }
}
