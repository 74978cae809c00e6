/**
 * Unity AI Gateway services in Unity Catalog (`/api/2.1/unity-catalog/model-services`, `/mcp-services`; PY SDK
 * `catalog.AiGatewayAPI`): create under a schema, get, list (parent required, paged), PATCH with an update mask
 * and an etag (a stale etag is refused), DELETE with an etag. Creating takes USE CATALOG, USE SCHEMA and CREATE
 * SERVICE on the schema; an enabled inference table lands as `<prefix>_payload` in its parent schema, and its
 * parent and prefix are immutable. A workspace without Unity AI Gateway answers these paths with a 404.
 */
import { createHash } from 'node:crypto';
import type { PayloadTableRef } from '../sandbox-contract.js';
import type { Connections } from './connections.routes.js';
import { ApiError, invalid, notFound } from './error-replies.js';
import { object, string, type Json } from './rest-fields.js';
import type { Grants } from './grants.routes.js';
import { jsonBody, ok, type Reply, type RestRequest } from './rest-handler.js';
import type { RegisteredModels } from './models.routes.js';
import { checkMcpServiceConfig, checkModelServiceConfig, schemaRef } from './service-bodies.js';

export type ServiceKind = 'model-services' | 'mcp-services';
const ID_FIELD: Record<ServiceKind, string> = { 'model-services': 'model_service_id', 'mcp-services': 'mcp_service_id' };
const LABEL: Record<ServiceKind, string> = { 'model-services': 'Model service', 'mcp-services': 'MCP service' };
const UPDATABLE = ['comment', 'owner', 'config'];
const NAME = /^[A-Za-z0-9_-]{1,255}$/;
const MAX_PAGE = 100;

interface StoredService {
  kind: ServiceKind;
  fullName: string;
  owner: string;
  comment?: string;
  config: Json;
  createdBy: string;
  updatedBy: string;
  createTime: string;
  updateTime: string;
  version: number;
}

export interface ServiceDeps {
  enabled: boolean;
  grants: Grants;
  models: RegisteredModels;
  connections: Connections;
  ensurePayloadTable(ref: PayloadTableRef): Promise<void>;
}

export class AiGatewayServices {
  private readonly services = new Map<string, StoredService>();

  constructor(private readonly deps: ServiceDeps) {}

  /** Answers a request under /api/2.1/unity-catalog/{model,mcp}-services, or undefined for other paths. */
  async route(req: RestRequest): Promise<Reply | undefined> {
    const match = /^\/api\/2\.1\/unity-catalog\/(model-services|mcp-services)(?:\/([^/]+))?$/.exec(req.path);
    if (!match) return undefined;
    if (!this.deps.enabled) throw new ApiError('ENDPOINT_NOT_FOUND', `No API found for '${req.method} ${req.path}'.`);
    const kind = match[1] as ServiceKind;
    const name = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
    if (name === undefined) {
      if (req.method === 'POST') return this.create(req, kind);
      if (req.method === 'GET') return this.list(req, kind);
    } else {
      if (req.method === 'GET') return ok(this.describe(this.find(kind, name)));
      if (req.method === 'PATCH') return this.update(req, kind, name);
      if (req.method === 'DELETE') return this.remove(req, kind, name);
    }
    return undefined;
  }

  private async create(req: RestRequest, kind: ServiceKind): Promise<Reply> {
    const schema = schemaRef(req.query.get('parent') ?? undefined, 'parent');
    const id = req.query.get(ID_FIELD[kind]);
    if (!id || !NAME.test(id)) throw invalid(`Invalid ${ID_FIELD[kind]} '${id ?? ''}': required; letters, digits, '-' and '_' only.`);
    const [catalog, schemaName] = schema.split('.') as [string, string];
    if (!this.deps.grants.exists('schema', schema)) throw notFound(`Schema '${schema}' does not exist.`);
    const missing = this.deps.grants.missingCreateServicePrivilege(req.principal, catalog, schemaName);
    if (missing) {
      throw new ApiError('PERMISSION_DENIED', `User '${req.principal}' does not have ${missing.privilege} on ${missing.securable} '${missing.fullName}'. Ask the schema's owner to grant it.`);
    }
    const fullName = `${schema}.${id}`;
    if (this.services.has(key(kind, fullName))) throw new ApiError('RESOURCE_ALREADY_EXISTS', `${LABEL[kind]} '${fullName}' already exists.`);
    const body = object(jsonBody(req), 'request body');
    for (const field of Object.keys(body)) {
      if (!['comment', 'owner', 'config', 'name'].includes(field)) throw invalid(`Unknown field '${field}' in the ${LABEL[kind].toLowerCase()}, or it is output only.`);
    }
    const config = this.checkConfig(kind, body.config);
    const now = new Date().toISOString();
    const owner = body.owner === undefined ? req.principal : string(body.owner, 'owner');
    const service: StoredService = {
      kind,
      fullName,
      owner,
      ...(body.comment === undefined ? {} : { comment: string(body.comment, 'comment') }),
      config,
      createdBy: req.principal,
      updatedBy: req.principal,
      createTime: now,
      updateTime: now,
      version: 1,
    };
    this.services.set(key(kind, fullName), service);
    this.deps.grants.registerService(kind, fullName, owner);
    await this.landInferenceTable(service);
    return ok(this.describe(service));
  }

  private list(req: RestRequest, kind: ServiceKind): Reply {
    const parent = req.query.get('parent');
    if (parent === null) throw invalid(`Missing required parameter 'parent': list ${kind} of one schema, as schemas/{catalog}.{schema}.`);
    const schema = schemaRef(parent, 'parent');
    if (!this.deps.grants.exists('schema', schema)) throw notFound(`Schema '${schema}' does not exist.`);
    const size = req.query.get('page_size');
    if (size !== null && (!/^\d+$/.test(size) || Number(size) < 1)) throw invalid(`Invalid page_size '${size}': expected a positive integer.`);
    const length = Math.min(size === null ? MAX_PAGE : Number(size), MAX_PAGE);
    const all = [...this.services.values()].filter((s) => s.kind === kind && s.fullName.toLowerCase().startsWith(`${schema.toLowerCase()}.`)).sort((a, b) => a.fullName.localeCompare(b.fullName));
    const token = req.query.get('page_token');
    const offset = token === null || token === '' ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Number.isInteger(offset) || offset < 0 || offset > all.length) throw invalid(`Invalid page_token '${token}': pass a next_page_token from a previous page.`);
    const page = all.slice(offset, offset + length);
    const next = offset + length < all.length ? Buffer.from(String(offset + length)).toString('base64url') : undefined;
    return ok({ [kind.replace('-', '_')]: page.map((s) => this.describe(s)), ...(next ? { next_page_token: next } : {}) });
  }

  private async update(req: RestRequest, kind: ServiceKind, name: string): Promise<Reply> {
    const service = this.find(kind, name);
    this.checkEtag(req, service);
    const mask = req.query.get('update_mask');
    if (!mask) throw invalid("Missing required parameter 'update_mask': name the fields to change (comma-separated), e.g. config.");
    const fields = mask.split(',').map((f) => f.trim());
    if (fields.includes('*')) throw invalid("Invalid update_mask '*': name the fields to change explicitly.");
    const body = object(jsonBody(req), 'request body');
    const next: StoredService = { ...service, config: structuredClone(service.config) };
    for (const field of fields) {
      const [top, ...rest] = field.split('.');
      if (!top || !UPDATABLE.includes(top)) throw invalid(`Invalid update_mask field '${field}': updatable fields are ${UPDATABLE.join(', ')} and paths under config.`);
      if (top === 'comment') next.comment = body.comment === undefined ? undefined : string(body.comment, 'comment');
      if (top === 'owner') next.owner = string(body.owner, 'owner');
      if (top === 'config') next.config = setPath(next.config, rest, readPath(object(body.config, 'config'), rest));
    }
    next.config = this.checkConfig(kind, next.config);
    if (kind === 'model-services') checkImmutableTable(service.config, next.config);
    next.version += 1;
    next.updatedBy = req.principal;
    next.updateTime = new Date().toISOString();
    this.services.set(key(kind, service.fullName), next);
    await this.landInferenceTable(next);
    return ok(this.describe(next));
  }

  private remove(req: RestRequest, kind: ServiceKind, name: string): Reply {
    const service = this.find(kind, name);
    this.checkEtag(req, service);
    this.services.delete(key(kind, service.fullName));
    return ok({});
  }

  private checkConfig(kind: ServiceKind, raw: unknown): Json {
    if (kind === 'model-services') {
      checkModelServiceConfig(raw, { modelExists: (m) => this.deps.models.exists(m), schemaExists: (s) => this.deps.grants.exists('schema', s) });
    } else {
      const connection = checkMcpServiceConfig(raw);
      if (!this.deps.connections.isHttp(connection)) {
        throw invalid(`Invalid config.source_connection.name: connection '${connection}' does not exist or is not an HTTP connection.`);
      }
    }
    return structuredClone(raw as Json);
  }

  private checkEtag(req: RestRequest, service: StoredService): void {
    const etag = req.query.get('etag');
    if (etag !== null && etag !== etagOf(service)) {
      throw new ApiError('ABORTED', `The etag '${etag}' does not match the current etag of ${LABEL[service.kind].toLowerCase()} '${service.fullName}': it changed since it was read. Read it again and retry.`);
    }
  }

  private find(kind: ServiceKind, name: string): StoredService {
    const service = this.services.get(key(kind, name));
    if (!service) throw notFound(`${LABEL[kind]} '${name}' does not exist.`);
    return service;
  }

  private async landInferenceTable(service: StoredService): Promise<void> {
    const table = service.config.inference_table as { parent?: string; table_name_prefix?: string; disabled?: boolean } | undefined;
    if (!table?.parent || table.disabled) return;
    const [catalog, schema] = table.parent.slice('schemas/'.length).split('.') as [string, string];
    const id = service.fullName.split('.')[2]!;
    const prefix = table.table_name_prefix ?? id;
    await this.deps.ensurePayloadTable({ catalog, schema, prefix, endpointName: id });
    this.deps.grants.registerTable(catalog, schema, `${prefix}_payload`);
  }

  private describe(service: StoredService): Json {
    return {
      name: `${service.kind}/${service.fullName}`,
      ...(service.comment === undefined ? {} : { comment: service.comment }),
      config: service.config,
      etag: etagOf(service),
      effective_owner: service.owner,
      created_by: service.createdBy,
      updated_by: service.updatedBy,
      create_time: service.createTime,
      update_time: service.updateTime,
      ...(service.kind === 'model-services' ? { supported_api_types: ['OPENAI_CHAT_COMPLETIONS', 'ANTHROPIC_MESSAGES'] } : {}),
    };
  }
}

const key = (kind: ServiceKind, fullName: string) => `${kind}:${fullName.toLowerCase()}`;

function etagOf(service: StoredService): string {
  return createHash('sha256').update(`${service.fullName}:${service.version}:${JSON.stringify(service.config)}:${service.comment ?? ''}:${service.owner}`).digest('base64url').slice(0, 16);
}

function readPath(body: Json, path: string[]): unknown {
  return path.reduce<unknown>((value, part) => (value && typeof value === 'object' ? (value as Json)[part] : undefined), body);
}

function setPath(config: Json, path: string[], value: unknown): Json {
  if (path.length === 0) return object(value, 'config');
  const copy: Json = { ...config };
  let cursor = copy;
  for (const part of path.slice(0, -1)) {
    cursor[part] = { ...((cursor[part] as Json | undefined) ?? {}) };
    cursor = cursor[part] as Json;
  }
  const last = path[path.length - 1]!;
  if (value === undefined) delete cursor[last];
  else cursor[last] = value;
  return copy;
}

/** Parent and prefix of an inference table are immutable: moving it takes deleting and recreating the service. */
function checkImmutableTable(before: Json, after: Json): void {
  const was = before.inference_table as Json | undefined;
  const now = after.inference_table as Json | undefined;
  if (!was) return;
  for (const field of ['parent', 'table_name_prefix']) {
    if (was[field] !== undefined && now?.[field] !== was[field]) {
      throw invalid(`Invalid config.inference_table.${field}: it is immutable (was '${String(was[field])}'). Delete and recreate the service to move its inference table.`);
    }
  }
}
