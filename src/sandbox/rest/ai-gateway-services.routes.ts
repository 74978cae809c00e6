/**
 * Unity AI Gateway services in Unity Catalog (`/api/2.1/unity-catalog/model-services`, `/mcp-services`; PY SDK
 * `catalog.AiGatewayAPI`): create under a schema, get, list (parent required, paged), PATCH with an update mask
 * and an etag (a stale etag is refused), DELETE with an etag. Creating takes USE CATALOG, USE SCHEMA and CREATE
 * SERVICE on the schema; an enabled inference table lands as `<prefix>_payload` in its parent schema, and its
 * parent and prefix are immutable. A workspace without Unity AI Gateway answers these paths with a 404.
 *
 * As a workspace answers (issue 19): the built-in `system.ai` services exist from the start, routing to their
 * registered models; a missing model service is a bare `NOT_FOUND` (public scripts test for it), never a sign the
 * API is missing; GET adds output-only fields (`inference_table.table`, `destinations[].is_deleted`,
 * `supported_api_types`, times) and carries int64 fields as strings (proto3 JSON; PY `RateLimit.from_dict` reads
 * `requests`/`tokens` with `_int64`); a model-service PATCH takes leaf `update_mask` paths only.
 */
import { createHash } from 'node:crypto';
import type { PayloadTableRef } from '../sandbox-contract.js';
import type { Connections } from './connections.routes.js';
import { ApiError, invalid, notFound } from './error-replies.js';
import { object, string, type Json } from './rest-fields.js';
import type { Grants } from './grants.routes.js';
import { jsonBody, ok, type Reply, type RestRequest } from './rest-handler.js';
import type { RegisteredModels } from './models.routes.js';
import { SYSTEM_AI_SERVICES } from '../seed/seed-models.js';
import { checkMcpServiceConfig, checkModelServiceConfig, schemaRef } from './service-bodies.js';

export type ServiceKind = 'model-services' | 'mcp-services';
const ID_FIELD: Record<ServiceKind, string> = { 'model-services': 'model_service_id', 'mcp-services': 'mcp_service_id' };
const LABEL: Record<ServiceKind, string> = { 'model-services': 'Model service', 'mcp-services': 'MCP service' };
const UPDATABLE = ['comment', 'owner', 'config'];
/**
 * The leaf paths a model-service PATCH takes (reference §2; sdk-js aigateway model docs). An intermediate path is
 * refused with the text a public live run got: `Field 'config.routing' is not yet supported`. Whether `owner`
 * is patchable is unsettled; it is kept, as the SDK lists it as a writable field.
 */
const MODEL_SERVICE_MASK = ['comment', 'owner', 'config.routing.destinations', 'config.routing.fallback.destinations', 'config.rate_limits', 'config.inference_table'];
const NAME = /^[A-Za-z0-9_-]{1,255}$/;
/** PY `list_model_services`: "Defaults to 100 when unset or 0; the maximum is 100." */
const MAX_PAGE = 100;
const SYSTEM_OWNER = 'System user';

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

  private readonly apiTypes = new Map<string, string[]>();

  constructor(private readonly deps: ServiceDeps) {
    const now = new Date(0).toISOString();
    for (const builtIn of SYSTEM_AI_SERVICES) {
      const fullName = `system.ai.${builtIn.id}`;
      const destination = { name: builtIn.id, destination_type: 'DESTINATION_TYPE_PAY_PER_TOKEN_FOUNDATION_MODEL', pay_per_token_config: { model: `models/${builtIn.registeredModel}` } };
      this.services.set(key('model-services', fullName), {
        kind: 'model-services',
        fullName,
        owner: SYSTEM_OWNER,
        config: { routing: { destinations: [destination] } },
        createdBy: SYSTEM_OWNER,
        updatedBy: SYSTEM_OWNER,
        createTime: now,
        updateTime: now,
        version: 1,
      });
      this.apiTypes.set(builtIn.registeredModel.toLowerCase(), builtIn.supportedApiTypes);
      deps.grants.registerService('model-services', fullName, SYSTEM_OWNER);
    }
  }

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
    if (size !== null && !/^\d+$/.test(size)) throw invalid(`Invalid page_size '${size}': expected a non-negative integer.`);
    // Refused rather than capped: the SDK states a maximum, and a client asking more should learn it.
    if (size !== null && Number(size) > MAX_PAGE) throw invalid(`Invalid page_size ${size}: the maximum is ${MAX_PAGE}.`);
    const length = size === null || Number(size) === 0 ? MAX_PAGE : Number(size);
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
    if (kind === 'model-services') {
      const refused = fields.find((f) => !MODEL_SERVICE_MASK.includes(f) && (f === 'config' || f.startsWith('config.')));
      if (refused) throw invalid(`Field '${refused}' is not yet supported`);
    }
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
    if (service) return service;
    if (kind === 'model-services') throw new ApiError('NOT_FOUND', `Model service '${name}' does not exist.`);
    throw notFound(`${LABEL[kind]} '${name}' does not exist.`);
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
    const apiTypes = service.kind === 'model-services' ? this.supportedApiTypes(service.config) : [];
    return {
      name: `${service.kind}/${service.fullName}`,
      ...(service.comment === undefined ? {} : { comment: service.comment }),
      config: service.kind === 'model-services' ? asReturned(service) : service.config,
      etag: etagOf(service),
      effective_owner: service.owner,
      created_by: service.createdBy,
      updated_by: service.updatedBy,
      create_time: service.createTime,
      update_time: service.updateTime,
      ...(apiTypes.length > 0 ? { supported_api_types: apiTypes } : {}),
    };
  }

  /** "Derived from the destinations' backing models at read time" (PY `ModelService.supported_api_types`). */
  private supportedApiTypes(config: Json): string[] {
    const routing = (config.routing ?? {}) as { destinations?: Json[] };
    const models = (routing.destinations ?? []).map((d) => String((d.pay_per_token_config as Json | undefined)?.model ?? '').replace(/^models\//, '').toLowerCase());
    return [...new Set(models.flatMap((m) => this.apiTypes.get(m) ?? []))];
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

/** The config as GET returns it: output-only members filled in, int64 members as strings. */
function asReturned(service: StoredService): Json {
  const config = structuredClone(service.config);
  const routing = config.routing as { destinations?: Json[]; fallback?: { destinations?: Json[] } } | undefined;
  for (const d of [...(routing?.destinations ?? []), ...(routing?.fallback?.destinations ?? [])]) d.is_deleted = false;
  const limits = config.rate_limits as Json[] | undefined;
  for (const limit of limits ?? []) {
    for (const field of ['requests', 'tokens']) if (typeof limit[field] === 'number') limit[field] = String(limit[field]);
  }
  const table = config.inference_table as Json | undefined;
  if (table?.parent) {
    const schema = String(table.parent).slice('schemas/'.length);
    table.table = `tables/${schema}.${String(table.table_name_prefix ?? service.fullName.split('.')[2])}_payload`;
  }
  return config;
}
