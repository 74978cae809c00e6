/**
 * Where a state file lives, behind one seam: a local file, a workspace file (`/Workspace/…`, Workspace API) or a
 * file in a Unity Catalog volume (`/Volumes/…`, Files API). Readers and the writer see only text; which store
 * holds it, and how a write is kept whole and safe from a concurrent change, is the store's business.
 */
import { ToolError } from '../shared/tool-error.js';

export type StateStoreKind = 'local' | 'workspace' | 'volume';

export interface StateStore {
  readonly kind: StateStoreKind;
  /** The file as results and errors name it: an absolute local path, or the workspace or volume path. */
  readonly path: string;
  read(signal?: AbortSignal): Promise<string>;
  /**
   * Replaces the file's text with `edit(current)`, or leaves it when `edit` returns undefined; true when it wrote.
   * The file is written whole or not at all, and a change by someone else between the read and the write is
   * refused (STATE_CHANGED) rather than overwritten.
   */
  update(edit: (text: string) => string | undefined, signal?: AbortSignal): Promise<boolean>;
  /** Runs `task` holding the cross-process apply lock, where the store has one (local files). */
  withApplyLock<T>(task: () => Promise<T>): Promise<T>;
}

/** Workshop state files are a few KB; anything this large is the wrong file or an attack. */
export const MAX_STATE_BYTES = 5 * 1024 * 1024;

/** The checks every store applies to a state file's text, wherever it came from. */
export function checkStateText(text: string, file: string, kind = 'state file', maxBytes = MAX_STATE_BYTES): string {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) {
    throw new ToolError(`Refused to read the ${kind} ${file}`, `it is ${formatBytes(bytes)}, over the ${formatBytes(maxBytes)} limit for a ${kind}`, `Check that this is the right file; a ${kind} is normally a few kilobytes`, 'FILE_TOO_LARGE');
  }
  if (text.includes('\0')) throw new ToolError(`Cannot read the ${kind} ${file}`, 'it is a binary file, not YAML or Markdown text', `Pass the ${kind} itself`, 'FILE_NOT_TEXT');
  return text;
}

export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
