/**
 * Files in Unity Catalog volumes (`/Volumes/<catalog>/<schema>/<volume>/…`) through the Files API, as
 * databricks-sdk-py `databricks/sdk/service/files.py` (v0.133) `FilesAPI` calls it: `download` (GET
 * /api/2.0/fs/files{path}, the file as the body, `last-modified` header), `upload` (PUT /api/2.0/fs/files{path}
 * ?overwrite=, the bytes as `application/octet-stream`). The path is percent-encoded segment by segment with its slashes kept, as the SDK's
 * `_escape_multi_segment_path_parameter` (`urllib.parse.quote`) does. Unity Catalog decides access: READ VOLUME to
 * read, WRITE VOLUME to write, with USE CATALOG and USE SCHEMA above.
 */
import type { RestClient } from './rest-client.js';
import { isMissing } from './workspace-files.api.js';

export interface VolumeFile {
  text: string;
  /** The `last-modified` header, as sent. */
  lastModified?: string;
}

export class FilesApi {
  constructor(private readonly rest: RestClient) {}

  /** The file, or undefined when the workspace answers that it does not exist. */
  async download(path: string, signal?: AbortSignal): Promise<VolumeFile | undefined> {
    try {
      const { text, headers } = await this.rest.callRaw({ method: 'GET', path: filesPath(path), signal, operation: `Reading the volume file ${path}`, whoCanGrant: whoCanGrant(path) });
      const lastModified = headers['last-modified'];
      return { text, ...(typeof lastModified === 'string' ? { lastModified } : {}) };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }


  /** Writes the whole file in one request: the volume keeps the old bytes or the new, never part of them. */
  async upload(path: string, text: string, signal?: AbortSignal): Promise<void> {
    await this.rest.callRaw({
      method: 'PUT',
      path: filesPath(path),
      query: { overwrite: true },
      rawBody: { contentType: 'application/octet-stream', text },
      signal,
      operation: `Writing the volume file ${path}`,
      whoCanGrant: whoCanGrant(path),
    });
  }
}

const filesPath = (path: string) => `/api/2.0/fs/files${encodePath(path)}`;

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function whoCanGrant(path: string): string {
  const volume = path.split('/').slice(2, 5).join('.');
  return `Ask the owner of the volume ${volume} for READ VOLUME and WRITE VOLUME on it (and USE CATALOG, USE SCHEMA above), or use a volume of your own`;
}
