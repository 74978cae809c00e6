/**
 * Files in Unity Catalog volumes, as the Files API serves them: `GET`/`PUT /api/2.0/fs/files{path}` and
 * `PUT /api/2.0/fs/directories{path}` (databricks-sdk-py `databricks/sdk/service/files.py` v0.133 `FilesAPI.download`,
 * `upload`, `create_directory`). A download is the file's bytes with `content-type`, `content-length` and
 * `last-modified`; an upload takes the bytes as `application/octet-stream` and overwrites unless `overwrite=false`
 * ("If true or unspecified, an existing file will be overwritten"); creating a directory is `mkdir -p` and
 * idempotent. Like the CLI's fake workspace (databricks/cli `libs/testserver/handlers.go`), an upload needs its
 * folder to exist; whether a real volume creates it is not settled by any source, and the product never relies
 * on it (it only rewrites a file that exists).
 *
 * Unity Catalog governs access (docs.databricks.com "Volumes" privileges): READ VOLUME to read, WRITE VOLUME to
 * write, each with USE CATALOG and USE SCHEMA above; the refusal names the first privilege missing, as every other
 * Unity Catalog refusal the sandbox gives. A volume that does not exist is `NOT_FOUND` (the error code the Files
 * API family uses, sdk-py `databricks/sdk/errors/platform.py` `NotFound`).
 */
import type { FaultController } from '../sandbox-contract.js';
import { ApiError, invalid } from './error-replies.js';
import type { Grants } from './grants.routes.js';
import { ok, type Reply, type RestRequest } from './rest-handler.js';

export const FILES_API_PREFIX = '/api/2.0/fs/';
const FILES = '/api/2.0/fs/files';
const DIRECTORIES = '/api/2.0/fs/directories';

interface VolumeEntry {
  type: 'file' | 'directory';
  data?: Buffer;
  modifiedAt: number;
}

export class VolumeFiles {
  private readonly entries = new Map<string, VolumeEntry>();

  constructor(
    private readonly grants: Grants,
    private readonly faults: FaultController,
  ) {}

  route(req: RestRequest): Reply | undefined {
    if (req.path.startsWith(`${FILES}/`)) {
      const path = decodePath(req.path.slice(FILES.length));
      if (req.method === 'GET') return this.download(req, path);
      if (req.method === 'PUT') return this.upload(req, path);
    }
    if (req.path.startsWith(`${DIRECTORIES}/`) && req.method === 'PUT') return this.createDirectory(req, decodePath(req.path.slice(DIRECTORIES.length)));
    return undefined;
  }

  private download(req: RestRequest, path: string): Reply {
    this.authorize(req.principal, path, 'READ_VOLUME');
    const entry = this.entries.get(path);
    if (entry?.type !== 'file') throw new ApiError('NOT_FOUND', `The file ${path} does not exist.`);
    const data = entry.data ?? Buffer.alloc(0);
    const lastModified = new Date(entry.modifiedAt).toUTCString();
    if (this.faults.take('concurrent-write', { path })) {
      entry.data = Buffer.concat([data, Buffer.from('\n# edited by another writer\n')]);
      entry.modifiedAt = Date.now();
    }
    return { status: 200, raw: data, headers: { 'content-type': 'application/octet-stream', 'last-modified': lastModified } };
  }

  private upload(req: RestRequest, path: string): Reply {
    this.authorize(req.principal, path, 'WRITE_VOLUME');
    const existing = this.entries.get(path);
    if (existing?.type === 'directory') throw new ApiError('RESOURCE_ALREADY_EXISTS', `${path} is a directory.`);
    if (existing && req.query.get('overwrite') === 'false') throw new ApiError('RESOURCE_ALREADY_EXISTS', `The file ${path} already exists.`);
    const parent = path.slice(0, path.lastIndexOf('/'));
    if (parent.split('/').length > 5 && this.entries.get(parent)?.type !== 'directory') throw new ApiError('NOT_FOUND', `The parent directory ${parent} does not exist.`);
    this.entries.set(path, { type: 'file', data: req.body, modifiedAt: Date.now() });
    return { status: 204 };
  }

  private createDirectory(req: RestRequest, path: string): Reply {
    this.authorize(req.principal, path, 'WRITE_VOLUME');
    const segments = path.split('/');
    for (let end = 6; end <= segments.length; end += 1) {
      const dir = segments.slice(0, end).join('/');
      const entry = this.entries.get(dir);
      if (entry?.type === 'file') throw new ApiError('RESOURCE_ALREADY_EXISTS', 'The given path points to an existing file. This API does not support operations on files.');
      if (!entry) this.entries.set(dir, { type: 'directory', modifiedAt: Date.now() });
    }
    return ok({});
  }

  /** The volume must exist, and the caller must hold `privilege` on it with USE CATALOG and USE SCHEMA above. */
  private authorize(principal: string, path: string, privilege: 'READ_VOLUME' | 'WRITE_VOLUME'): void {
    const [root, catalog, schema, volume] = path.split('/').slice(1);
    if (root !== 'Volumes' || !catalog || !schema || !volume || path.split('/').length < 6) {
      throw invalid(`Invalid path '${path}': a volume file is /Volumes/<catalog>/<schema>/<volume>/<path>.`);
    }
    const fullName = `${catalog}.${schema}.${volume}`;
    if (!this.grants.exists('volume', fullName)) throw new ApiError('NOT_FOUND', `Volume '${fullName}' does not exist.`);
    const missing = this.grants.missingVolumePrivilege(principal, [catalog, schema, volume], privilege);
    if (missing) throw new ApiError('PERMISSION_DENIED', `User '${principal}' does not have ${missing.privilege} on ${missing.securable} '${missing.fullName}'.`);
  }
}

function decodePath(raw: string): string {
  let path: string;
  try {
    path = raw.split('/').map(decodeURIComponent).join('/');
  } catch {
    throw invalid(`The path '${raw}' is not valid percent-encoding.`);
  }
  if (path.split('/').slice(1).some((s) => s === '' || s === '.' || s === '..')) throw invalid(`Invalid path '${path}': no empty, . or .. segments.`);
  return path;
}
