/** The checks every store applies to a state file's text: the byte limit at its edge, and binary content. */
import { describe, expect, it } from 'vitest';
import { checkStateText, formatBytes } from './state-store.js';

describe('checkStateText', () => {
  it('takes text up to the limit in UTF-8 bytes, and refuses one byte more', () => {
    expect(checkStateText('é'.repeat(512), '/Volumes/c/s/v/s.yaml', 'state file', 1024)).toHaveLength(512);
    expect(() => checkStateText(`${'é'.repeat(512)}x`, '/Volumes/c/s/v/s.yaml', 'state file', 1024)).toThrow(
      expect.objectContaining({
        code: 'FILE_TOO_LARGE',
        message: 'Refused to read the state file /Volumes/c/s/v/s.yaml: it is 2 KB, over the 1 KB limit for a state file. Check that this is the right file; a state file is normally a few kilobytes',
      }),
    );
  });

  it('refuses text holding a NUL as binary, naming the kind of file', () => {
    expect(() => checkStateText('a: 1\n\0', '/Workspace/s.md', 'config file')).toThrow(
      expect.objectContaining({ code: 'FILE_NOT_TEXT', message: 'Cannot read the config file /Workspace/s.md: it is a binary file, not YAML or Markdown text. Pass the config file itself' }),
    );
  });

  it('holds a state file to 5 MB by default', () => {
    const limit = 5 * 1024 * 1024;
    expect(checkStateText('x'.repeat(limit), '/Workspace/s.md')).toHaveLength(limit);
    expect(() => checkStateText('x'.repeat(limit + 1), '/Workspace/s.md')).toThrow(expect.objectContaining({ why: 'it is 5.0 MB, over the 5.0 MB limit for a state file' }));
  });
});

describe('formatBytes', () => {
  it('rounds up to kilobytes below a megabyte, and shows tenths of megabytes above', () => {
    expect([formatBytes(1), formatBytes(1024), formatBytes(1025), formatBytes(1024 * 1024 - 1), formatBytes(1024 * 1024), formatBytes(1.25 * 1024 * 1024)]).toEqual([
      '1 KB',
      '1 KB',
      '2 KB',
      '1024 KB',
      '1.0 MB',
      '1.3 MB',
    ]);
  });
});
