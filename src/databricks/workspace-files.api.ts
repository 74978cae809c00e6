/**
 * Workspace files (`/Workspace/Users/<me>/…`) through the Workspace API, as databricks-sdk-py
 * `databricks/sdk/service/workspace.py` (v0.133) calls it: `get_status` (GET /api/2.0/workspace/get-status?path=,
 * ObjectInfo with `object_type` and `modified_at`), `export` (GET /api/2.0/workspace/export?path=&format=, JSON
 * `{content}` in base64), `import_` (POST /api/2.0/workspace/import `{path, content, format, overwrite}`, base64
 * content). Format AUTO keeps a non-notebook file a file
 * (`ImportFormat.AUTO`: decided by extension and header). Every call runs with the workspace's token, which under
 * Databricks Apps is the caller's own: the workspace's folder permissions decide what each user reaches.
 */
import { DatabricksError } from './databricks-errors.js';
import type { RestClient } from './rest-client.js';

export interface WorkspaceObject {
  objectType: string;
  /** Only set for files: the last modification, epoch milliseconds. */
  modifiedAt?: number;
}

const WHO_CAN_GRANT = 'Use a file in your own folder (/Workspace/Users/<you>/…), or ask the folder\'s owner for CAN EDIT on it';

export class WorkspaceFilesApi {
  constructor(private readonly rest: RestClient) {}

  /** What is at `path`, or undefined when nothing is (RESOURCE_DOES_NOT_EXIST). */
  async status(path: string, signal?: AbortSignal): Promise<WorkspaceObject | undefined> {
    try {
      const { data } = await this.rest.call<{ object_type?: string; modified_at?: number }>({
        method: 'GET',
        path: '/api/2.0/workspace/get-status',
        query: { path },
        signal,
        operation: `Reading the status of the workspace file ${path}`,
        whoCanGrant: WHO_CAN_GRANT,
      });
      return { objectType: data.object_type ?? 'UNKNOWN', ...(typeof data.modified_at === 'number' ? { modifiedAt: data.modified_at } : {}) };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /** The file's text (the API sends base64). */
  async read(path: string, signal?: AbortSignal): Promise<string> {
    const { data } = await this.rest.call<{ content?: string }>({
      method: 'GET',
      path: '/api/2.0/workspace/export',
      query: { path, format: 'AUTO' },
      signal,
      operation: `Reading the workspace file ${path}`,
      whoCanGrant: WHO_CAN_GRANT,
    });
    return Buffer.from(data.content ?? '', 'base64').toString('utf8');
  }


  /** Writes the whole file in one call: the workspace keeps the old content or the new, never part of it. */
  async write(path: string, text: string, signal?: AbortSignal): Promise<void> {
    await this.rest.call({
      method: 'POST',
      path: '/api/2.0/workspace/import',
      body: { path, content: Buffer.from(text, 'utf8').toString('base64'), format: 'AUTO', overwrite: true },
      // Importing the same content twice leaves the same file.
      idempotent: true,
      signal,
      operation: `Writing the workspace file ${path}`,
      whoCanGrant: WHO_CAN_GRANT,
    });
  }
}

export function isMissing(error: unknown): boolean {
  return error instanceof DatabricksError && (error.status === 404 || error.errorCode === 'RESOURCE_DOES_NOT_EXIST' || error.errorCode === 'NOT_FOUND');
}
