/**
 * Reads the workshop state file: plain YAML, or the Markdown state file whose fenced ```yaml blocks hold the
 * state. Reading never writes. Every failure is a ToolError naming the file and the problem.
 */
import { constants, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { ToolError } from '../shared/tool-error.js';
import type { StateData } from '../shared/records.js';
import type { Runtime } from '../runtime/process-runtime.js';
import { resolveStatePath } from './locate-state.js';
import { parseStateText, type StateFormat } from './parse-state.js';


/** Workshop state files are a few KB; anything this large is the wrong file or an attack. */
export const MAX_STATE_BYTES = 5 * 1024 * 1024;

export interface LoadedState {
  path: string;
  format: StateFormat;
  /** The file's text as read, for writers that must keep every other byte. */
  text: string;
  data: StateData;
}

export async function loadState(runtime: Runtime, explicitPath?: string): Promise<LoadedState> {
  const file = resolveStatePath(runtime, explicitPath);
  const text = await readTextFile(file, 'state file');
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
  return { path: file, format, text, data };
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

/**
 * Reads a UTF-8 text file with a size cap; `kind` names it in errors ("state file", "config file"). Only a
 * regular file is opened: opening a FIFO waits for a writer, holding one of libuv's four file threads, and
 * four such waits stall every file read in the process. The type is checked before opening, the open does
 * not wait (O_NONBLOCK), and the opened file is checked again in case it was swapped in between.
 */
export async function readTextFile(file: string, kind: string, maxBytes = MAX_STATE_BYTES): Promise<string> {
  let handle;
  try {
    refuseIrregular(await stat(file), file, kind);
    handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    if (error instanceof ToolError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'the file does not exist' : code === 'EACCES' ? 'permission denied' : `cannot open it (${code ?? 'unknown error'})`;
    throw new ToolError(`Cannot read the ${kind} ${file}`, why, `Check the path; pass an existing ${kind}`, 'FILE_UNREADABLE');
  }
  try {
    const stats = await handle.stat();
    refuseIrregular(stats, file, kind);
    if (stats.size > maxBytes) {
      throw new ToolError(
        `Refused to read the ${kind} ${file}`,
        `it is ${formatBytes(stats.size)}, over the ${formatBytes(maxBytes)} limit for a ${kind}`,
        `Check that this is the right file; a ${kind} is normally a few kilobytes`,
        'FILE_TOO_LARGE',
      );
    }
    const buffer = await handle.readFile();
    if (buffer.includes(0)) {
      throw new ToolError(`Cannot read the ${kind} ${file}`, 'it is a binary file, not YAML or Markdown text', `Pass the ${kind} itself`, 'FILE_NOT_TEXT');
    }
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}

function refuseIrregular(stats: Stats, file: string, kind: string): void {
  if (stats.isFile()) return;
  throw new ToolError(`Refused to read the ${kind} ${file}`, `it is ${fileType(stats)}, not a regular file`, `Pass the path of the ${kind} itself`, 'FILE_NOT_REGULAR');
}

function fileType(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'a special file';
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
