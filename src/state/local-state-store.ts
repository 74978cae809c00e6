/**
 * A state file on this machine's disk: writes are locked against concurrent writers across processes, re-read
 * under the lock, and land by temp file + fsync + rename, so a reader sees the old file or the new one.
 */
import { randomBytes } from '../shared/lazy-crypto.js';
import { open, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ToolError } from '../shared/tool-error.js';
import { withApplyLock } from './apply-lock.js';
import { readTextFile } from './read-text-file.js';
import type { StateStore } from './state-store.js';

export function localStateStore(file: string): StateStore {
  return {
    kind: 'local',
    path: file,
    read: () => readTextFile(file, 'state file'),
    update: (edit) => updateLocked(file, edit),
    withApplyLock: (task) => withApplyLock(file, task),
  };
}

async function updateLocked(file: string, edit: (text: string) => string | undefined): Promise<boolean> {
  let release: (() => Promise<void>) | undefined;
  try {
    // Loaded here, not at start-up: only a write needs it (it also patches fs through graceful-fs).
    const { default: lockfile } = await import('proper-lockfile');
    release = await lockfile.lock(file, { stale: 10_000, retries: { retries: 40, factor: 1.3, minTimeout: 25, maxTimeout: 500 } });
  } catch (error) {
    throw new ToolError(`Cannot lock the state file ${file}`, `another writer holds it (${(error as Error).message})`, 'Wait a few seconds and call again; if it persists, remove the stale lock folder next to the file', 'STATE_FILE_LOCKED');
  }
  try {
    const next = edit(await readTextFile(file, 'state file'));
    if (next === undefined) return false;
    await writeAtomically(file, next);
    return true;
  } finally {
    await release();
  }
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const mode = (await stat(file)).mode & 0o777;
  try {
    await writeFile(temp, text, { mode });
    const handle = await open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw new ToolError(`Cannot write the state file ${file}`, (error as Error).message, 'Check that the folder is writable; the file was left as it was', 'STATE_FILE_UNWRITABLE');
  }
}
