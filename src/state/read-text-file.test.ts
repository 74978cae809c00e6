/** What readTextFile says about paths that are not regular, readable text files: each kind named. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTextFile } from './read-text-file.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'aigw-text-'));

describe('readTextFile refuses what is not a regular file, naming what it is', () => {
  it.each([
    ['a folder', () => dir],
    ['a device', () => '/dev/null'],
    [
      'a named pipe (FIFO)',
      () => {
        const fifo = path.join(dir, 'pipe.yaml');
        execFileSync('mkfifo', [fifo]);
        return fifo;
      },
    ],
  ])('%s', async (what, make) => {
    const file = make();
    await expect(readTextFile(file, 'price file')).rejects.toThrow(
      expect.objectContaining({ code: 'FILE_NOT_REGULAR', message: `Refused to read the price file ${file}: it is ${what}, not a regular file. Pass the path of the price file itself` }),
    );
  });

  it('a socket', async () => {
    const socket = path.join(dir, 'state.sock');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      await expect(readTextFile(socket, 'state file')).rejects.toThrow(expect.objectContaining({ code: 'FILE_NOT_REGULAR', why: 'it is a socket, not a regular file' }));
    } finally {
      server.close();
    }
  });

  it('says why a path cannot be opened when it is neither missing nor forbidden', async () => {
    writeFileSync(path.join(dir, 'plain.yaml'), 'a: 1\n');
    const file = path.join(dir, 'plain.yaml', 'inside.yaml');
    await expect(readTextFile(file, 'config file')).rejects.toThrow(
      expect.objectContaining({ code: 'FILE_UNREADABLE', message: `Cannot read the config file ${file}: cannot open it (ENOTDIR). Check the path; pass an existing config file` }),
    );
  });

  it('names a binary file as such', async () => {
    const file = path.join(dir, 'binary.yaml');
    writeFileSync(file, Buffer.from([0x61, 0x00]));
    await expect(readTextFile(file, 'state file')).rejects.toThrow(
      expect.objectContaining({ code: 'FILE_NOT_TEXT', message: `Cannot read the state file ${file}: it is a binary file, not YAML or Markdown text. Pass the state file itself` }),
    );
  });

  it('says a file over the limit is probably the wrong one', async () => {
    const file = path.join(dir, 'big.yaml');
    writeFileSync(file, 'x'.repeat(2049));
    await expect(readTextFile(file, 'price file', 2048)).rejects.toThrow(
      expect.objectContaining({ code: 'FILE_TOO_LARGE', message: `Refused to read the price file ${file}: it is 3 KB, over the 2 KB limit for a price file. Check that this is the right file; a price file is normally a few kilobytes` }),
    );
  });
});
