/**
 * Local text files a caller names (state, config, price files), read with a size cap and only when regular.
 */
import { constants, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { ToolError } from '../shared/tool-error.js';
import { formatBytes, MAX_STATE_BYTES } from './state-store.js';

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
