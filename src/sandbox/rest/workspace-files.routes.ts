/**
 * Workspace files and folders, as the Workspace API serves them: `GET /api/2.0/workspace/get-status`,
 * `GET /api/2.0/workspace/export`, `POST /api/2.0/workspace/import`, `POST /api/2.0/workspace/mkdirs`
 * (databricks-sdk-py `databricks/sdk/service/workspace.py` v0.133: `WorkspaceAPI.get_status`, `export`, `import_`,
 * `mkdirs`, `ObjectInfo`, `ExportResponse`). Paths may carry the `/Workspace` mount prefix or not; both name the
 * same object, and a missing object is `RESOURCE_DOES_NOT_EXIST` "Path (…) doesn't exist." (the CLI's own fake
 * workspace, databricks/cli `libs/testserver/fake_workspace.go` `WorkspaceGetStatus`, modelled on the real API).
 * Import does not create missing parents (`The parent folder (…) does not exist.`, same source,
 * `requireParentDirectory`); `overwrite` defaults to false (`RESOURCE_ALREADY_EXISTS`); a single file imported as
 * SOURCE needs `language`, AUTO keeps a non-notebook file a file (sdk-py `import_` docstring).
 *
 * Permissions follow the documented folder defaults (docs.databricks.com "Access control lists", folder ACLs):
 * every user manages their own home folder `/Users/<user name>` and everything in `/Shared`; workspace admins
 * manage everything; nobody else reaches another user's home folder. No source quotes the refusal a workspace
 * gives for another user's folder: the sandbox answers `PERMISSION_DENIED` (403), and the product reports both
 * 403 and 404 as "cannot reach".
 */
import type { FaultController } from '../sandbox-contract.js';
import type { Identities } from '../sandbox-identity.js';
import { ApiError, invalid, notFound } from './error-replies.js';
import { jsonBody, ok, type Reply, type RestRequest } from './rest-handler.js';

export const WORKSPACE_API_PREFIX = '/api/2.0/workspace/';

const EXPORT_FORMATS = new Set(['SOURCE', 'HTML', 'JUPYTER', 'DBC', 'R_MARKDOWN', 'AUTO', 'RAW']);
/** The 10 MB content limit of import and export (sdk-py `ExportResponse.content`, `import_` docstring). */
const MAX_CONTENT_BYTES = 10 * 1024 * 1024;

interface WorkspaceObject {
  type: 'DIRECTORY' | 'FILE';
  id: number;
  data?: Buffer;
  createdAt: number;
  modifiedAt: number;
}

export class WorkspaceFiles {
  private readonly objects = new Map<string, WorkspaceObject>();
  private nextId = 1_000_000;

  constructor(
    private readonly identities: Identities,
    private readonly faults: FaultController,
  ) {
    this.mkdir('/Users');
    this.mkdir('/Shared');
  }

  route(req: RestRequest): Reply | undefined {
    const action = req.path.slice(WORKSPACE_API_PREFIX.length);
    if (req.method === 'GET' && action === 'get-status') return this.getStatus(req);
    if (req.method === 'GET' && action === 'export') return this.export(req);
    if (req.method === 'POST' && action === 'import') return this.import(req);
    if (req.method === 'POST' && action === 'mkdirs') return this.mkdirs(req);
    return undefined;
  }

  /** Another writer replaces the file's text: what the `concurrent-write` fault does between a read and a write. */
  private writtenByOther(path: string): void {
    const file = this.objects.get(path);
    if (file?.type !== 'FILE') return;
    file.data = Buffer.concat([file.data ?? Buffer.alloc(0), Buffer.from('\n# edited by another writer\n')]);
    file.modifiedAt = this.tick(file.modifiedAt);
  }

  private getStatus(req: RestRequest): Reply {
    const path = this.pathOf(req.query.get('path'));
    this.checkAccess(req.principal, path);
    const object = this.existing(path);
    return ok({
      object_type: object.type,
      path,
      object_id: object.id,
      ...(object.type === 'FILE' ? { created_at: object.createdAt, modified_at: object.modifiedAt, size: object.data?.length ?? 0 } : {}),
    });
  }

  private export(req: RestRequest): Reply {
    const path = this.pathOf(req.query.get('path'));
    const format = req.query.get('format') ?? 'SOURCE';
    if (!EXPORT_FORMATS.has(format)) throw invalid(`Invalid format '${format}': expected one of ${[...EXPORT_FORMATS].join(', ')} (case sensitive).`);
    this.checkAccess(req.principal, path);
    const object = this.existing(path);
    // Directory exports are archives (DBC, SOURCE or AUTO zip); the sandbox does not model them.
    if (object.type !== 'FILE') throw invalid(`Exporting the folder ${path} as an archive is not supported by this workspace.`);
    const data = object.data ?? Buffer.alloc(0);
    if (this.faults.take('concurrent-write', { path })) this.writtenByOther(path);
    if (req.query.get('direct_download') === 'true') return { status: 200, raw: data, headers: { 'content-type': 'application/octet-stream' } };
    return ok({ content: data.toString('base64'), file_type: extensionOf(path) });
  }

  private import(req: RestRequest): Reply {
    const body = jsonBody(req) as { path?: unknown; content?: unknown; format?: unknown; language?: unknown; overwrite?: unknown };
    const path = this.pathOf(typeof body.path === 'string' ? body.path : null);
    const format = body.format ?? 'SOURCE';
    if (typeof format !== 'string' || !EXPORT_FORMATS.has(format)) throw invalid(`Invalid format '${String(format)}'.`);
    if (format === 'SOURCE' && body.language === undefined) throw invalid('To import a single file as SOURCE, set language; use format AUTO to import a workspace file.');
    if (format !== 'AUTO' && format !== 'SOURCE' && format !== 'RAW') throw invalid(`This workspace imports files as AUTO, RAW or SOURCE, not ${format}.`);
    if (typeof body.content !== 'string') throw invalid("Missing required field 'content': the base64-encoded file.");
    const data = Buffer.from(body.content, 'base64');
    if (data.length > MAX_CONTENT_BYTES) throw invalid(`The content is larger than ${MAX_CONTENT_BYTES} bytes (MAX_NOTEBOOK_SIZE_EXCEEDED).`);
    this.checkAccess(req.principal, path);
    const parent = parentOf(path);
    if (this.objects.get(parent)?.type !== 'DIRECTORY' && !this.isHome(parent)) throw notFound(`The parent folder (${parent}) does not exist.`);
    const existing = this.objects.get(path);
    if (existing?.type === 'DIRECTORY') throw new ApiError('RESOURCE_ALREADY_EXISTS', `Path (${path}) already exists as a folder.`);
    if (existing && body.overwrite !== true) throw new ApiError('RESOURCE_ALREADY_EXISTS', `Path (${path}) already exists.`);
    const now = Date.now();
    this.objects.set(path, existing ? { ...existing, data, modifiedAt: this.tick(existing.modifiedAt) } : { type: 'FILE', id: this.nextId++, data, createdAt: now, modifiedAt: now });
    return ok({});
  }

  private mkdirs(req: RestRequest): Reply {
    const body = jsonBody(req) as { path?: unknown };
    const path = this.pathOf(typeof body.path === 'string' ? body.path : null);
    this.checkAccess(req.principal, path);
    const chain: string[] = [];
    for (let dir = path; dir !== '/'; dir = parentOf(dir)) chain.unshift(dir);
    const blocker = chain.find((dir) => this.objects.get(dir)?.type === 'FILE');
    if (blocker) throw new ApiError('RESOURCE_ALREADY_EXISTS', `Path (${blocker}) already exists as a file, so ${path} cannot be created.`);
    for (const dir of chain) this.mkdir(dir);
    return ok({});
  }

  /** The path without the optional `/Workspace` mount prefix; absolute, no empty, `.` or `..` segments. */
  private pathOf(raw: string | null): string {
    if (!raw) throw invalid("Missing required field 'path'.");
    const path = raw === '/Workspace' ? '/' : raw.startsWith('/Workspace/') ? raw.slice('/Workspace'.length) : raw;
    const segments = path.split('/').slice(1);
    if (!path.startsWith('/') || segments.some((s) => s === '' || s === '.' || s === '..')) throw invalid(`Invalid path '${raw}': expected an absolute workspace path.`);
    return path;
  }

  private existing(path: string): WorkspaceObject {
    const object = this.objects.get(path) ?? (this.isHome(path) ? this.mkdir(path) : undefined);
    if (!object) throw notFound(`Path (${path}) doesn't exist.`);
    return object;
  }

  /** A user's home folder exists from the moment the user does. */
  private isHome(path: string): boolean {
    const [root, user, ...rest] = path.split('/').slice(1);
    return root === 'Users' && user !== undefined && rest.length === 0 && this.identities.knows(user);
  }

  private checkAccess(principal: string, path: string): void {
    if (this.identities.canManage(principal)) return;
    if (path === '/Shared' || path.startsWith('/Shared/')) return;
    const home = `/Users/${principal}`;
    if (path === home || path.startsWith(`${home}/`)) return;
    throw new ApiError('PERMISSION_DENIED', `User ${principal} does not have Manage permissions on ${path}. Ask its owner to share it, or use a path in your own folder ${home}.`);
  }

  private mkdir(path: string): WorkspaceObject {
    const existing = this.objects.get(path);
    if (existing) return existing;
    const now = Date.now();
    const dir: WorkspaceObject = { type: 'DIRECTORY', id: this.nextId++, createdAt: now, modifiedAt: now };
    this.objects.set(path, dir);
    return dir;
  }

  /** Modification times strictly increase, so two writes within one millisecond still differ. */
  private tick(previous: number): number {
    return Math.max(Date.now(), previous + 1);
  }
}

function parentOf(path: string): string {
  const at = path.lastIndexOf('/');
  return at <= 0 ? '/' : path.slice(0, at);
}

function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1) : '';
}
