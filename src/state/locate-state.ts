/**
 * Where a file a caller names may be read from. The state file comes from the tool argument, else
 * AIGW_STATE_FILE, else the workshop's default names in the working folder, else (under `--sandbox` only) a
 * copy of the example state that matches the sandbox. When a root is set (always over HTTP, where the caller
 * may be remote) every path a caller names must resolve inside it, symlinks included.
 */
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { ToolError } from '../shared/tool-error.js';
import type { Runtime } from '../runtime/process-runtime.js';
import { exampleStateFile } from './example-state.js';

export const DEFAULT_STATE_FILES = ['state.yaml', '.vibecoding-state.md'] as const;

export function resolveStatePath(runtime: Runtime, explicit?: string): string {
  const named = explicit ?? runtime.env.AIGW_STATE_FILE;
  if (named) return confine(runtime, named);
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
