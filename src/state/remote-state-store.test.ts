/**
 * The workspace and volume state stores over in-memory stand-ins for the two APIs (same method shapes as
 * WorkspaceFilesApi and FilesApi): what a read answers for a missing file or a folder, and how an update refuses
 * a file someone else changed between its read and its write. The APIs themselves are tested against the
 * sandbox workspace end to end.
 */
import { describe, expect, it } from 'vitest';
import type { FilesApi } from '../databricks/files.api.js';
import type { WorkspaceFilesApi, WorkspaceObject } from '../databricks/workspace-files.api.js';
import { volumeStateStore, workspaceStateStore } from './remote-state-store.js';

const WS_PATH = '/Workspace/Users/ana@example.com/p/.vibecoding-state.md';
const VOL_PATH = '/Volumes/main/gateway/states/ana/state.yaml';

/** One workspace object; `onRead` runs after each read, to play another writer. */
function workspaceFiles(object: (WorkspaceObject & { text?: string }) | undefined, onRead?: (file: { text?: string; modifiedAt?: number }) => void) {
  const writes: string[] = [];
  const api = {
    async status(path: string) {
      expect(path).toBe(WS_PATH);
      return object && { objectType: object.objectType, ...(object.modifiedAt === undefined ? {} : { modifiedAt: object.modifiedAt }) };
    },
    async read(path: string) {
      expect(path).toBe(WS_PATH);
      const text = object?.text ?? '';
      if (object) onRead?.(object);
      return text;
    },
    async write(path: string, text: string) {
      expect(path).toBe(WS_PATH);
      writes.push(text);
      if (object) object.text = text;
    },
  };
  return { api: api as unknown as WorkspaceFilesApi, writes };
}

function volumeFiles(file: { text: string; lastModified?: string } | undefined, onRead?: (file: { text: string; lastModified?: string }) => void) {
  const writes: string[] = [];
  const api = {
    async download(path: string) {
      expect(path).toBe(VOL_PATH);
      if (!file) return undefined;
      const copy = { ...file };
      onRead?.(file);
      return copy;
    },
    async upload(path: string, text: string) {
      expect(path).toBe(VOL_PATH);
      writes.push(text);
    },
  };
  return { api: api as unknown as FilesApi, writes };
}

const append = (line: string) => (text: string) => text + line;

describe('a workspace state file', () => {
  it('reads the file’s text and names itself by its workspace path', async () => {
    const { api } = workspaceFiles({ objectType: 'FILE', modifiedAt: 1, text: 'a: 1\n' });
    const store = workspaceStateStore(api, WS_PATH);
    expect([store.kind, store.path]).toEqual(['workspace', WS_PATH]);
    expect(await store.read()).toBe('a: 1\n');
  });

  it('says a missing file does not exist in the workspace, and how to put it there', async () => {
    const store = workspaceStateStore(workspaceFiles(undefined).api, WS_PATH);
    await expect(store.read()).rejects.toThrow(
      expect.objectContaining({
        code: 'FILE_UNREADABLE',
        what: `Cannot read the state file ${WS_PATH}`,
        why: 'it does not exist in the workspace',
        next: 'Check the path; create the file there first (upload the workshop state file), or pass another state_file',
      }),
    );
  });

  it('refuses a folder or a notebook, naming what it is', async () => {
    const store = workspaceStateStore(workspaceFiles({ objectType: 'DIRECTORY' }).api, WS_PATH);
    await expect(store.read()).rejects.toThrow(
      expect.objectContaining({ code: 'FILE_NOT_REGULAR', what: `Refused to read the state file ${WS_PATH}`, why: 'it is a directory in the workspace, not a file', next: 'Pass the path of the state file itself' }),
    );
  });

  it('refuses binary content like a local file', async () => {
    const store = workspaceStateStore(workspaceFiles({ objectType: 'FILE', modifiedAt: 1, text: 'a\0b' }).api, WS_PATH);
    await expect(store.read()).rejects.toThrow(expect.objectContaining({ code: 'FILE_NOT_TEXT' }));
  });

  it('writes the edited text once, and nothing when the edit leaves the file as it is', async () => {
    const files = workspaceFiles({ objectType: 'FILE', modifiedAt: 1, text: 'a: 1\n' });
    const store = workspaceStateStore(files.api, WS_PATH);
    expect(await store.update(append('b: 2\n'))).toBe(true);
    expect(files.writes).toEqual(['a: 1\nb: 2\n']);
    expect(await store.update(() => undefined)).toBe(false);
    expect(files.writes).toHaveLength(1);
    expect(await store.withApplyLock(async () => 'ran')).toBe('ran');
  });

  it('refuses to overwrite a change made between its read and its write: new content, or a new modification time', async () => {
    for (const change of [(f: { text?: string }) => void (f.text = 'a: 1\nsomeone: else\n'), (f: { modifiedAt?: number }) => void (f.modifiedAt = 2)]) {
      let first = true;
      const files = workspaceFiles({ objectType: 'FILE', modifiedAt: 1, text: 'a: 1\n' }, (f) => {
        if (first) change(f);
        first = false;
      });
      const store = workspaceStateStore(files.api, WS_PATH);
      await expect(store.update(append('b: 2\n'))).rejects.toThrow(
        expect.objectContaining({
          code: 'STATE_CHANGED',
          what: `Did not update the state file ${WS_PATH}`,
          why: 'it changed between this call reading it and writing it (someone else wrote it meanwhile), and writing now would overwrite that change',
          next: 'Call again: the next call reads the new content and keeps it',
        }),
      );
      expect(files.writes).toEqual([]);
    }
  });

  it('still tells versions apart by content when the workspace sends no modification time', async () => {
    let first = true;
    const files = workspaceFiles({ objectType: 'FILE', text: 'a: 1\n' }, (f) => {
      if (first) f.text = 'a: 2\n';
      first = false;
    });
    await expect(workspaceStateStore(files.api, WS_PATH).update(append('b: 2\n'))).rejects.toThrow(expect.objectContaining({ code: 'STATE_CHANGED' }));
    const unchanged = workspaceFiles({ objectType: 'FILE', text: 'a: 1\n' });
    expect(await workspaceStateStore(unchanged.api, WS_PATH).update(append('b: 2\n'))).toBe(true);
  });

  it('refuses to write a result over the size limit, before writing anything', async () => {
    const files = workspaceFiles({ objectType: 'FILE', modifiedAt: 1, text: 'a: 1\n' });
    await expect(workspaceStateStore(files.api, WS_PATH).update(() => 'x'.repeat(5 * 1024 * 1024 + 1))).rejects.toThrow(expect.objectContaining({ code: 'FILE_TOO_LARGE' }));
    expect(files.writes).toEqual([]);
  });
});

describe('a volume state file', () => {
  it('reads the file and writes the edited text', async () => {
    const files = volumeFiles({ text: 'a: 1\n', lastModified: 'Sun, 06 Dec 2026 10:00:00 GMT' });
    const store = volumeStateStore(files.api, VOL_PATH);
    expect([store.kind, store.path]).toEqual(['volume', VOL_PATH]);
    expect(await store.read()).toBe('a: 1\n');
    expect(await store.update(append('b: 2\n'))).toBe(true);
    expect(files.writes).toEqual(['a: 1\nb: 2\n']);
  });

  it('names the volume that must hold a missing file', async () => {
    const store = volumeStateStore(volumeFiles(undefined).api, VOL_PATH);
    await expect(store.read()).rejects.toThrow(
      expect.objectContaining({
        code: 'FILE_UNREADABLE',
        why: 'the Files API found no such file (or no volume main.gateway.states)',
        next: 'Check the path: the volume main.gateway.states must exist (its owner creates it in Catalog Explorer) and hold the file; upload the workshop state file there first, or pass another state_file',
      }),
    );
  });

  it('refuses to overwrite a change made between its read and its write: new content, or a new last-modified', async () => {
    for (const change of [(f: { text: string }) => void (f.text = 'changed\n'), (f: { lastModified?: string }) => void (f.lastModified = 'Sun, 06 Dec 2026 10:00:01 GMT')]) {
      let first = true;
      const files = volumeFiles({ text: 'a: 1\n', lastModified: 'Sun, 06 Dec 2026 10:00:00 GMT' }, (f) => {
        if (first) change(f);
        first = false;
      });
      await expect(volumeStateStore(files.api, VOL_PATH).update(append('b: 2\n'))).rejects.toThrow(expect.objectContaining({ code: 'STATE_CHANGED' }));
      expect(files.writes).toEqual([]);
    }
  });

  it('refuses the write when the file disappeared meanwhile', async () => {
    let present = true;
    const files = volumeFiles({ text: 'a: 1\n' });
    const api = { download: async (path: string) => (present ? ((present = false), files.api.download(path)) : undefined), upload: files.api.upload } as unknown as FilesApi;
    await expect(volumeStateStore(api, VOL_PATH).update(append('b: 2\n'))).rejects.toThrow(expect.objectContaining({ code: 'STATE_CHANGED' }));
    expect(files.writes).toEqual([]);
  });
});
