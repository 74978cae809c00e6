/**
 * State files in the workspace: a workspace file (`/Workspace/…`) or a file in a Unity Catalog volume
 * (`/Volumes/…`). Neither API offers a conditional write (workspace `import` and Files `upload` take no
 * precondition; databricks-sdk-py workspace.py `import_`, files.py `upload`), so a write does what the APIs
 * allow: read, edit, read again right before writing and refuse when the file changed (its modification time or
 * its content), then send the whole file in one request, which the workspace keeps whole or not at all. There is
 * no cross-process lock: replicas and other writers are caught by the re-read.
 */
import { createHash } from '../shared/lazy-crypto.js';
import type { FilesApi } from '../databricks/files.api.js';
import type { WorkspaceFilesApi } from '../databricks/workspace-files.api.js';
import { ToolError } from '../shared/tool-error.js';
import { checkStateText, type StateStore, type StateStoreKind } from './state-store.js';

/** The file's text and what identifies this version of it. */
interface Version {
  text: string;
  tag: string;
}

interface RemoteFile {
  /** Undefined when the file does not exist. */
  read(signal?: AbortSignal): Promise<Version | undefined>;
  write(text: string, signal?: AbortSignal): Promise<void>;
}

class RemoteStateStore implements StateStore {
  constructor(
    readonly kind: StateStoreKind,
    readonly path: string,
    private readonly file: RemoteFile,
  ) {}

  async read(signal?: AbortSignal): Promise<string> {
    return (await this.readExisting(signal)).text;
  }

  async update(edit: (text: string) => string | undefined, signal?: AbortSignal): Promise<boolean> {
    const before = await this.readExisting(signal);
    const next = edit(before.text);
    if (next === undefined) return false;
    checkStateText(next, this.path);
    const now = await this.file.read(signal);
    if (now?.tag !== before.tag) {
      throw new ToolError(
        `Did not update the state file ${this.path}`,
        'it changed between this call reading it and writing it (someone else wrote it meanwhile), and writing now would overwrite that change',
        'Call again: the next call reads the new content and keeps it',
        'STATE_CHANGED',
      );
    }
    await this.file.write(next, signal);
    return true;
  }

  withApplyLock<T>(task: () => Promise<T>): Promise<T> {
    return task();
  }

  private async readExisting(signal?: AbortSignal): Promise<Version> {
    const found = await this.file.read(signal);
    if (!found) {
      const volume = this.path.split('/').slice(2, 5).join('.');
      throw new ToolError(
        `Cannot read the state file ${this.path}`,
        this.kind === 'volume' ? `the Files API found no such file (or no volume ${volume})` : 'it does not exist in the workspace',
        this.kind === 'volume'
          ? `Check the path: the volume ${volume} must exist (its owner creates it in Catalog Explorer) and hold the file; upload the workshop state file there first, or pass another state_file`
          : 'Check the path; create the file there first (upload the workshop state file), or pass another state_file',
        'FILE_UNREADABLE',
      );
    }
    return { text: checkStateText(found.text, this.path), tag: found.tag };
  }
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex');

export function workspaceStateStore(api: WorkspaceFilesApi, path: string): StateStore {
  return new RemoteStateStore('workspace', path, {
    async read(signal) {
      const status = await api.status(path, signal);
      if (!status) return undefined;
      if (status.objectType !== 'FILE') {
        throw new ToolError(`Refused to read the state file ${path}`, `it is a ${status.objectType.toLowerCase()} in the workspace, not a file`, 'Pass the path of the state file itself', 'FILE_NOT_REGULAR');
      }
      const text = await api.read(path, signal);
      return { text, tag: `${status.modifiedAt ?? ''}:${digest(text)}` };
    },
    write: (text, signal) => api.write(path, text, signal),
  });
}

export function volumeStateStore(api: FilesApi, path: string): StateStore {
  return new RemoteStateStore('volume', path, {
    async read(signal) {
      const file = await api.download(path, signal);
      return file && { text: file.text, tag: `${file.lastModified ?? ''}:${digest(file.text)}` };
    },
    write: (text, signal) => api.upload(path, text, signal),
  });
}
