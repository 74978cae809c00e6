/** The local state store: what an update leaves on disk (the file's mode, no temp files, no write for a no-op). */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { localStateStore } from './local-state-store.js';

function stateFile(text: string, mode: number): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'aigw-local-')), 'state.yaml');
  writeFileSync(file, text);
  chmodSync(file, mode);
  return file;
}

describe('localStateStore', () => {
  it('replaces the file with the edited text, keeping its permissions and leaving no temp file or lock behind', async () => {
    const file = stateFile('a: 1\n', 0o640);
    const store = localStateStore(file);
    expect([store.kind, store.path]).toEqual(['local', file]);
    expect(await store.update((text) => `${text}b: 2\n`)).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('a: 1\nb: 2\n');
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readdirSync(path.dirname(file))).toEqual(['state.yaml']);
    expect(await store.read()).toBe('a: 1\nb: 2\n');
  });

  it('writes nothing when the edit leaves the file as it is', async () => {
    const file = stateFile('a: 1\n', 0o600);
    const before = statSync(file).ino;
    expect(await localStateStore(file).update(() => undefined)).toBe(false);
    // An atomic write would have renamed a new file into place.
    expect(statSync(file).ino).toBe(before);
    expect(readdirSync(path.dirname(file))).toEqual(['state.yaml']);
  });

  it('says a file removed since it was read is missing, not locked by another writer', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'aigw-local-')), 'absent.yaml');
    await expect(localStateStore(file).update(() => 'a: 1\n')).rejects.toThrow(
      expect.objectContaining({ code: 'FILE_UNREADABLE', message: `Cannot read the state file ${file}: the file does not exist. Check the path; pass an existing state file` }),
    );
    expect(readdirSync(path.dirname(file))).toEqual([]);
  });

  it('names a state file it cannot read as such, when reading and when updating', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'aigw-local-'));
    const missing = path.join(dir, 'absent.yaml');
    await expect(localStateStore(missing).read()).rejects.toThrow(
      expect.objectContaining({ code: 'FILE_UNREADABLE', message: `Cannot read the state file ${missing}: the file does not exist. Check the path; pass an existing state file` }),
    );
    const folder = path.join(dir, 'state.yaml');
    mkdirSync(folder);
    await expect(localStateStore(folder).update(() => 'a: 1\n')).rejects.toThrow(
      expect.objectContaining({ code: 'FILE_NOT_REGULAR', message: `Refused to read the state file ${folder}: it is a folder, not a regular file. Pass the path of the state file itself` }),
    );
  });

  it('runs an apply under the lock beside the file, and hands back its result', async () => {
    const file = stateFile('a: 1\n', 0o644);
    expect(await localStateStore(file).withApplyLock(async () => existsSync(`${file}.apply.lock`))).toBe(true);
    expect(existsSync(`${file}.apply.lock`)).toBe(false);
  });
});
