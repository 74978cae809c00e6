/**
 * Reads the workshop state file: plain YAML, or the Markdown state file whose fenced ```yaml blocks hold the
 * state. Reading never writes. Every failure is a ToolError naming the file and the problem.
 */
import { ToolError } from '../shared/tool-error.js';
import type { StateData } from '../shared/records.js';
import type { Runtime } from '../runtime/process-runtime.js';
import { parseStateText, type StateFormat } from './parse-state.js';
import { openStateStore } from './open-state-store.js';
import type { StateStore } from './state-store.js';

export interface LoadedState {
  path: string;
  /** Where the file lives; writers go through it. */
  store: StateStore;
  format: StateFormat;
  /** The file's text as read, for writers that must keep every other byte. */
  text: string;
  data: StateData;
}

export async function loadState(runtime: Runtime, explicitPath?: string, signal?: AbortSignal): Promise<LoadedState> {
  const store = openStateStore(runtime, explicitPath);
  const file = store.path;
  const text = await store.read(signal);
  const { format, data, empty } = parseStateText(file, text);
  if (empty && format === 'markdown') {
    throw new ToolError(
      `The Markdown state file ${file} holds no state`,
      'it has no fenced ```yaml block',
      'Pass the workshop state file (its state sits in ```yaml blocks), or a plain YAML state file',
      'STATE_FILE_NO_YAML',
    );
  }
  if (empty) throw new ToolError(`The state file ${file} is empty`, 'it holds no YAML mapping', 'Run the workshop state step first, or pass the right file', 'STATE_FILE_EMPTY');
  return { path: file, store, format, text, data };
}

/**
 * The state file when there is one: an explicit path must load, but when none was named and no default file
 * exists, there is no state (callers whose checks need it say so themselves).
 */
export async function loadStateIfPresent(runtime: Runtime, explicitPath?: string): Promise<LoadedState | undefined> {
  if (explicitPath) return loadState(runtime, explicitPath);
  try {
    return await loadState(runtime);
  } catch (error) {
    if (error instanceof ToolError && error.code === 'STATE_FILE_NOT_FOUND') return undefined;
    throw error;
  }
}
