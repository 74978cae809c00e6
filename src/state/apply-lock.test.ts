import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withApplyLock } from './apply-lock.js';
import { localStateStore } from './local-state-store.js';
import { recordF4Gateway } from './write-state.js';

function stateFile(): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'aigw-apply-')), 'state.yaml');
  writeFileSync(file, 'a: 1\n');
  return file;
}

describe('withApplyLock', () => {
  it('runs one apply at a time per state file, and hands back each result', async () => {
    const file = stateFile();
    const log: string[] = [];
    const apply = (name: string) =>
      withApplyLock(file, async () => {
        log.push(`${name} starts`);
        await new Promise((resolve) => setImmediate(resolve));
        log.push(`${name} ends`);
        return name;
      });
    expect(await Promise.all([apply('first'), apply('second')])).toEqual(['first', 'second']);
    expect(log).toHaveLength(4);
    for (let i = 0; i < log.length; i += 2) expect(log[i + 1]).toBe(log[i]!.replace('starts', 'ends'));
  });

  it('lets the state writer lock the file itself while the apply lock is held', async () => {
    const file = stateFile();
    const written = await withApplyLock(file, () => recordF4Gateway(localStateStore(file), { endpoint_name: 'gw' }));
    expect(written.changed).toBe(true);
  });

  it('releases the lock when the apply fails, and passes the failure on', async () => {
    const file = stateFile();
    await expect(withApplyLock(file, async () => Promise.reject(new Error('PUT failed')))).rejects.toThrow('PUT failed');
    expect(existsSync(`${file}.apply.lock`)).toBe(false);
    expect(await withApplyLock(file, async () => 'again')).toBe('again');
  });
});
