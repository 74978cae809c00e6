/**
 * Serving endpoints and their config-update state machine. A create or `PUT /config` starts an update that
 * stays `IN_PROGRESS` for `configUpdateMs` (holding the new config in `pending_config`), during which any
 * other change is refused; then it lands as `NOT_UPDATING`, or `UPDATE_FAILED` / stuck when a fault says so.
 * State is derived lazily from timestamps on each access, so no timers outlive the sandbox.
 */
import { randomBytes } from 'node:crypto';
import type { FaultController, PayloadTableRef } from '../sandbox-contract.js';
import type { Identities } from '../sandbox-identity.js';
import { GATEWAY_SECRET, type SeedEndpoint, type SeedServedEntity } from '../seed/seed-catalog.js';
import { ApiError, invalid, notFound } from './error-replies.js';
import type { Grants } from './grants.routes.js';
import type { RegisteredModels } from './models.routes.js';
import type { Secrets } from './secrets.routes.js';
import type { EntityCatalog } from './served-entity-checks.js';
import { checkPtCreateBody, ptConfigUpdate } from './pt-endpoint-body.js';
import { jsonBody, ok, type Reply, type RestRequest } from './rest-handler.js';
import {
  checkFallback,
  validateAiGateway,
  validateCreate,
  validateEndpointConfig,
  type AiGatewayConfig,
  type EndpointConfig,
  type InferenceTableConfig,
  type ServedEntity,
} from './endpoint-body-validation.js';
import { defaultTablePrefix } from '../payload-names.js';

export const ENDPOINTS_PATH = '/api/2.0/serving-endpoints';
export const PT_ENDPOINTS_PATH = '/api/2.0/serving-endpoints/pt';

interface PendingUpdate {
  config: EndpointConfig;
  version: number;
  startedAt: number;
  endsAt: number;
  outcome: 'ok' | 'stuck' | 'failed';
}

interface StoredEndpoint {
  name: string;
  id: string;
  creator: string;
  createdAt: number;
  updatedAt: number;
  /** The config being served; absent until the first update lands. */
  config?: EndpointConfig;
  configVersion: number;
  pending?: PendingUpdate;
  lastUpdateFailed: boolean;
  aiGateway?: AiGatewayConfig;
  extras: Record<string, unknown>;
  /** Foundation Model API pay-per-token endpoints: Databricks owns their config. */
  managedByDatabricks: boolean;
  /** What the endpoint answers (`llm/v1/chat`, …), when its served entities say. */
  task?: string;
  /** Created with external models: a config update may not drop them (nor add them to one created without). */
  servesExternalModels: boolean;
  /** Permission levels held by principals or groups (`users`: everyone), beside the creator's and admins' CAN_MANAGE. */
  acl: Map<string, PermissionLevel>;
  /** Served entity name → its id in the usage system tables (the seed's ids; derived for endpoints created here). */
  servedEntityIds: Map<string, string>;
}

/** Where an invocation goes: the endpoint, the served entity that takes it, and its payload table if any. */
export interface InvocationTarget {
  endpoint: { name: string; id: string; creator: string; task?: string };
  servedEntity: { id: string; name: string; entityName: string; entityType: 'FOUNDATION_MODEL' | 'EXTERNAL_MODEL' | 'CUSTOM_MODEL' };
  payloadTable?: PayloadTableRef;
}

export type PermissionLevel = 'CAN_MANAGE' | 'CAN_QUERY' | 'CAN_VIEW';

export interface ServingEndpointsOptions {
  configUpdateMs: number;
  identities: Identities;
  grants: Grants;
  models: RegisteredModels;
  secrets: Secrets;
  faults: FaultController;
  /** Called when an endpoint gets inference tables enabled (the warehouse creates the payload table). */
  ensurePayloadTable(ref: PayloadTableRef): Promise<void>;
}

const SEED_AGE_MS = 30 * 24 * 3600 * 1000;

/** A seeded served entity as the API holds it: the fields a create request would have given. */
function seededEntity(entity: SeedServedEntity, task: string, workspaceUrl: string): ServedEntity {
  const { served } = entity;
  switch (served.kind) {
    case 'foundation-model':
      return { name: entity.name, foundation_model: { name: served.registeredModel, display_name: served.displayName } };
    case 'wrapped-endpoint':
      return {
        name: entity.name,
        external_model: {
          name: served.endpoint,
          provider: 'databricks-model-serving',
          task,
          databricks_model_serving_config: {
            databricks_workspace_url: workspaceUrl,
            databricks_api_token: `{{secrets/${GATEWAY_SECRET.scope}/${GATEWAY_SECRET.key}}}`,
          },
        },
      };
    case 'provisioned':
      return {
        name: entity.name,
        entity_name: entity.entityName,
        entity_version: entity.entityVersion,
        min_provisioned_throughput: served.minThroughput,
        max_provisioned_throughput: served.maxThroughput,
      };
  }
}

export class ServingEndpoints {
  private readonly endpoints = new Map<string, StoredEndpoint>();
  /** Names whose create is under way (it awaits the inference table): a second create of one is refused too. */
  private readonly creating = new Set<string>();
  /** What served entities may name: the metastore's models, and this workspace's endpoints. */
  private readonly catalog: EntityCatalog;

  constructor(private readonly opts: ServingEndpointsOptions) {
    this.catalog = {
      resolveEntity: (name, version) => opts.models.resolve(name, version),
      endpointExists: (name) => this.endpoints.has(name),
      endpointTask: (name) => this.endpoints.get(name)?.task,
      secretExists: (scope, key) => opts.secrets.has(scope, key),
    };
  }

  /**
   * Adds the seed workspace's endpoints, created a month ago with their config landed. `workspaceUrl` is this
   * workspace's own URL, which the seeded external models that wrap its endpoints point at.
   */
  seed(seeds: readonly SeedEndpoint[], workspaceUrl: string): void {
    const createdAt = Date.now() - SEED_AGE_MS;
    for (const seed of seeds) {
      const servedEntities = seed.servedEntities.map((e) => seededEntity(e, seed.task, workspaceUrl));
      this.endpoints.set(seed.name, {
        name: seed.name,
        id: seed.id,
        creator: seed.createdBy,
        createdAt,
        updatedAt: createdAt,
        config: {
          served_entities: servedEntities,
          traffic_config: {
            routes: seed.servedEntities.map((e) => ({ served_entity_name: e.name, traffic_percentage: e.trafficPercentage })),
          },
        },
        configVersion: 1,
        lastUpdateFailed: false,
        aiGateway: seed.aiGateway as AiGatewayConfig | undefined,
        extras: {},
        managedByDatabricks: seed.servedEntities.some((e) => e.served.kind === 'foundation-model'),
        task: seed.task,
        servesExternalModels: seed.servedEntities.some((e) => e.served.kind === 'wrapped-endpoint'),
        // Pay-per-token endpoints are queryable by every user; the seeded gateways were shared the same way.
        acl: new Map([['users', 'CAN_QUERY']]),
        servedEntityIds: new Map(seed.servedEntities.map((e) => [e.name, e.id])),
      });
    }
  }

  /** Payload tables of the seeded endpoints, so the server can make sure they exist at start. */
  seededPayloadTables(): PayloadTableRef[] {
    return [...this.endpoints.values()].flatMap((e) => {
      const table = e.aiGateway?.inference_table_config;
      return table?.enabled ? [payloadRef(e.name, table)] : [];
    });
  }

  /** Lists the endpoints the caller holds a permission on. */
  list(req: RestRequest): Reply {
    const visible = [...this.endpoints.values()].filter((e) => this.permissionLevel(e, req.principal) !== undefined);
    return ok({ endpoints: visible.map((e) => this.summary(e, req.principal)) });
  }

  get(req: RestRequest, name: string): Reply {
    const endpoint = this.find(name);
    if (this.permissionLevel(endpoint, req.principal) === undefined) {
      throw new ApiError(
        'PERMISSION_DENIED',
        `'${req.principal}' does not have permission to view serving endpoint '${name}'. Ask its owner or a workspace admin for CAN_VIEW or CAN_QUERY.`,
      );
    }
    return ok(this.detailed(endpoint, req.principal));
  }

  /** `POST /api/2.0/serving-endpoints/pt`: Provisioned Throughput in model units, then created as any endpoint. */
  async createProvisioned(req: RestRequest): Promise<Reply> {
    const body = jsonBody(req);
    checkPtCreateBody(body, this.catalog);
    return this.create(req, body);
  }

  async create(req: RestRequest, body: unknown = jsonBody(req)): Promise<Reply> {
    if (!this.opts.identities.canManage(req.principal)) {
      throw new ApiError('PERMISSION_DENIED', `'${req.principal}' is not allowed to create serving endpoints. Use a workspace admin's credentials.`);
    }
    const request = validateCreate(body, this.catalog);
    // One name, one endpoint, however many creates race for it: all but one are refused, the name being reserved
    // while the create awaits its inference table. The code is the SDKs' 409 mapping (databricks-sdk-py
    // databricks/sdk/errors/platform.py, databricks-sdk-go apierr/error_mapping.go: RESOURCE_ALREADY_EXISTS);
    // public notebooks match this create failure on "already exists" in the message, and no source we have quotes
    // the serving API's exact error_code (shared reference databricks-ai-gateway.md), so the product's advice
    // (databricks-errors.ts) reads RESOURCE_ALREADY_EXISTS and any other 409 alike: plan again over what is live.
    if (this.endpoints.has(request.name) || this.creating.has(request.name)) {
      throw new ApiError('RESOURCE_ALREADY_EXISTS', `Endpoint with name '${request.name}' already exists. Pick another name or update the existing endpoint.`);
    }
    this.creating.add(request.name);
    try {
      return await this.createNamed(req, request);
    } finally {
      this.creating.delete(request.name);
    }
  }

  private async createNamed(req: RestRequest, request: ReturnType<typeof validateCreate>): Promise<Reply> {
    if (request.aiGateway) await this.applyInferenceTable(req.principal, request.name, undefined, request.aiGateway.inference_table_config);
    const now = Date.now();
    const endpoint: StoredEndpoint = {
      name: request.name,
      id: randomBytes(16).toString('hex'),
      creator: req.principal,
      createdAt: now,
      updatedAt: now,
      configVersion: 0,
      lastUpdateFailed: false,
      aiGateway: request.aiGateway,
      extras: request.extras,
      managedByDatabricks: false,
      task: taskOf(request.config, this.opts.models),
      servesExternalModels: servesExternalModels(request.config),
      acl: new Map(),
      servedEntityIds: new Map(),
    };
    this.startUpdate(endpoint, request.config);
    this.endpoints.set(endpoint.name, endpoint);
    return ok(this.detailed(endpoint, req.principal));
  }

  /** `PUT /api/2.0/serving-endpoints/pt/{name}/config`: a model-unit config, then updated as any endpoint's. */
  updateProvisionedConfig(req: RestRequest, name: string): Reply {
    return this.updateConfig(req, name, ptConfigUpdate(jsonBody(req), this.catalog));
  }

  updateConfig(req: RestRequest, name: string, body: unknown = jsonBody(req)): Reply {
    const endpoint = this.find(name);
    this.requireManage(endpoint, req.principal, 'update');
    this.refuseManaged(endpoint);
    this.refuseWhileUpdating(endpoint);
    const config = validateEndpointConfig(body, this.catalog);
    if (servesExternalModels(config) !== endpoint.servesExternalModels) {
      throw invalid(
        endpoint.servesExternalModels
          ? `Endpoint '${endpoint.name}' was created with external models: its served entities must stay external models. Create a new endpoint to serve registered models.`
          : `Endpoint '${endpoint.name}' was created without external models: external models cannot be added to it. Create a new endpoint of external models.`,
      );
    }
    checkFallback(config, endpoint.aiGateway, 'ai_gateway');
    this.startUpdate(endpoint, config);
    return ok(this.detailed(endpoint, req.principal));
  }

  /**
   * Replaces the gateway config. Databricks documents this as supported on pay-per-token endpoints too; who may
   * manage a workspace's `databricks-*` endpoints is not documented, so the sandbox lets its workspace admins
   * (the seeded admin and the agent service principal) do it, and everyone else holds CAN_QUERY there.
   */
  async putAiGateway(req: RestRequest, name: string): Promise<Reply> {
    const endpoint = this.find(name);
    this.requireManage(endpoint, req.principal, 'update');
    this.refuseWhileUpdating(endpoint);
    const config = validateAiGateway(jsonBody(req), endpoint.name, 'ai_gateway');
    if (endpoint.config) checkFallback(endpoint.config, config, 'ai_gateway');
    const current = endpoint.aiGateway?.inference_table_config;
    await this.applyInferenceTable(req.principal, endpoint.name, current, config.inference_table_config);
    endpoint.aiGateway = config;
    endpoint.updatedAt = Date.now();
    return ok(config);
  }

  /**
   * The endpoint and served entity an invocation reaches: the caller needs CAN_QUERY, the endpoint must be
   * READY, and the entity is the first route with traffic (fallback-only entities at 0 % take none).
   */
  invocationTarget(req: RestRequest, name: string): InvocationTarget {
    const endpoint = this.find(name);
    const level = this.permissionLevel(endpoint, req.principal);
    if (level === undefined || level === 'CAN_VIEW') {
      throw new ApiError('PERMISSION_DENIED', `'${req.principal}' does not have permission to query serving endpoint '${name}': it needs CAN_QUERY.`);
    }
    if (!endpoint.config) throw new ApiError('RESOURCE_CONFLICT', `Endpoint '${name}' is not ready yet (state.ready is NOT_READY): wait for its first config update to finish.`);
    const routes = endpoint.config.traffic_config?.routes ?? [];
    const share = (entity: ServedEntity) => routes.find((r) => r.served_entity_name === entity.name)?.traffic_percentage ?? (routes.length === 0 ? 100 : 0);
    const entity = endpoint.config.served_entities.find((e) => share(e) > 0) ?? endpoint.config.served_entities[0]!;
    const entityName = String(entity.name ?? entity.entity_name ?? 'entity');
    let id = endpoint.servedEntityIds.get(entityName);
    if (!id) {
      id = `${endpoint.id.slice(0, 12)}-${entityName}`;
      endpoint.servedEntityIds.set(entityName, id);
    }
    const external = entity.external_model as { name?: string } | undefined;
    const foundation = entity.foundation_model as { name?: string } | undefined;
    const table = endpoint.aiGateway?.inference_table_config;
    return {
      endpoint: { name: endpoint.name, id: endpoint.id, creator: endpoint.creator, ...(endpoint.task ? { task: endpoint.task } : {}) },
      servedEntity: {
        id,
        name: entityName,
        entityName: external?.name ?? foundation?.name ?? String(entity.entity_name ?? entityName),
        entityType: external ? 'EXTERNAL_MODEL' : foundation ? 'FOUNDATION_MODEL' : 'CUSTOM_MODEL',
      },
      ...(table?.enabled ? { payloadTable: payloadRef(endpoint.name, table) } : {}),
    };
  }

  delete(req: RestRequest, name: string): Reply {
    const endpoint = this.find(name);
    this.requireManage(endpoint, req.principal, 'delete');
    this.refuseManaged(endpoint);
    this.endpoints.delete(endpoint.name);
    return ok({});
  }

  private find(name: string): StoredEndpoint {
    const endpoint = this.endpoints.get(name);
    if (!endpoint) {
      throw notFound(`Endpoint with name '${name}' does not exist. List endpoints to see the names in this workspace.`);
    }
    this.settle(endpoint);
    return endpoint;
  }

  /** Workspace admins and the creator manage an endpoint; others hold what its ACL grants them or their groups. */
  private permissionLevel(endpoint: StoredEndpoint, principal: string): PermissionLevel | undefined {
    if (this.opts.identities.canManage(principal) || endpoint.creator === principal) return 'CAN_MANAGE';
    return endpoint.acl.get(principal) ?? endpoint.acl.get('users');
  }

  private requireManage(endpoint: StoredEndpoint, principal: string, action: string): void {
    const held = this.permissionLevel(endpoint, principal);
    if (held !== 'CAN_MANAGE') {
      throw new ApiError(
        'PERMISSION_DENIED',
        `'${principal}' is not allowed to ${action} serving endpoint '${endpoint.name}': it holds ${held ?? 'no permission'}, and this needs CAN_MANAGE. Use a workspace admin's credentials.`,
      );
    }
  }

  private refuseManaged(endpoint: StoredEndpoint): void {
    if (endpoint.managedByDatabricks) {
      throw invalid(
        `Endpoint '${endpoint.name}' is a Foundation Model API pay-per-token endpoint managed by Databricks: its served entities cannot be changed and it cannot be deleted. Create your own endpoint that serves the model instead.`,
      );
    }
  }

  /**
   * 409 RESOURCE_CONFLICT, not 400 INVALID_STATE: the request is valid and would succeed once the running
   * update ends, which is the "conflicts with the current state of the resource" case of HTTP 409; the SDKs
   * map 409 to ResourceConflict and do not retry it, so a client must wait for NOT_UPDATING itself.
   */
  private refuseWhileUpdating(endpoint: StoredEndpoint): void {
    if (endpoint.pending) {
      throw new ApiError(
        'RESOURCE_CONFLICT',
        `Endpoint '${endpoint.name}' is currently being updated (state.config_update is IN_PROGRESS). Wait until it is NOT_UPDATING, then retry.`,
      );
    }
  }

  private startUpdate(endpoint: StoredEndpoint, config: EndpointConfig): void {
    const fault = this.opts.faults.take('config-update', { endpoint: endpoint.name });
    const now = Date.now();
    endpoint.pending = {
      config,
      version: endpoint.configVersion + 1,
      startedAt: now,
      endsAt: now + this.opts.configUpdateMs,
      outcome: fault?.outcome ?? 'ok',
    };
    endpoint.updatedAt = now;
  }

  private settle(endpoint: StoredEndpoint): void {
    const pending = endpoint.pending;
    if (!pending || pending.outcome === 'stuck' || Date.now() < pending.endsAt) return;
    if (pending.outcome === 'ok') {
      endpoint.config = pending.config;
      endpoint.configVersion = pending.version;
    }
    endpoint.lastUpdateFailed = pending.outcome === 'failed';
    endpoint.pending = undefined;
    endpoint.updatedAt = pending.endsAt;
  }

  /**
   * Enforces the inference-table rules and has the payload table created when tables get enabled: the catalog
   * and schema must exist (nothing is created for the caller), the caller needs USE CATALOG, USE SCHEMA and
   * CREATE TABLE there, and `<prefix>_payload` must not exist yet. It then owns the table. The error texts a
   * workspace gives for these are unknown; these name the field, the missing privilege and the fix.
   */
  private async applyInferenceTable(
    principal: string,
    endpointName: string,
    current: InferenceTableConfig | undefined,
    next: InferenceTableConfig | undefined,
  ): Promise<void> {
    if (!next?.enabled) return;
    if (current?.enabled) {
      const moved = (['catalog_name', 'schema_name', 'table_name_prefix'] as const).filter((f) => current[f] !== next[f]);
      if (moved.length > 0) {
        throw invalid(
          `Cannot change inference_table_config ${moved.join(', ')} while inference tables are enabled on '${endpointName}'. Disable them first (enabled: false), then enable them with the new location.`,
        );
      }
      return;
    }
    const { grants } = this.opts;
    const ref = payloadRef(endpointName, next);
    const at = 'ai_gateway.inference_table_config';
    const schema = `${ref.catalog}.${ref.schema}`;
    const table = `${schema}.${ref.prefix}_payload`;
    if (!grants.exists('catalog', ref.catalog)) {
      throw invalid(`Invalid ${at}.catalog_name: catalog '${ref.catalog}' does not exist. Inference tables are written to an existing catalog and schema: create them first, or name ones that exist.`);
    }
    if (!grants.exists('schema', schema)) {
      throw invalid(`Invalid ${at}.schema_name: schema '${schema}' does not exist. Create it first (POST /api/2.1/unity-catalog/schemas), or name one that exists.`);
    }
    const missing = grants.missingCreateTablePrivilege(principal, ref.catalog, ref.schema);
    if (missing) {
      throw new ApiError(
        'PERMISSION_DENIED',
        `User '${principal}' does not have ${missing.privilege} on ${missing.securable} '${missing.fullName}'. Enabling inference tables creates ${table}, which takes USE CATALOG, USE SCHEMA and CREATE TABLE: ask the schema's owner or a metastore admin to grant the missing one.`,
      );
    }
    for (const other of this.endpoints.values()) {
      const config = other.aiGateway?.inference_table_config;
      if (other.name === endpointName || !config?.enabled) continue;
      const taken = payloadRef(other.name, config);
      if (taken.catalog === ref.catalog && taken.schema === ref.schema && taken.prefix === ref.prefix) {
        throw new ApiError('RESOURCE_ALREADY_EXISTS', `The inference table ${table} is already used by endpoint '${other.name}'. Choose another table_name_prefix.`);
      }
    }
    if (grants.exists('table', table)) {
      throw new ApiError('RESOURCE_ALREADY_EXISTS', `Table '${table}' already exists. Choose another table_name_prefix (${at}.table_name_prefix), or drop the table first.`);
    }
    await this.opts.ensurePayloadTable(ref);
    grants.registerTable(ref.catalog, ref.schema, `${ref.prefix}_payload`, principal);
  }

  private detailed(endpoint: StoredEndpoint, principal: string) {
    return endpointView(endpoint, this.permissionLevel(endpoint, principal));
  }

  /** The list operation returns ServingEndpoint: a config summary without traffic or pending config. */
  private summary(endpoint: StoredEndpoint, principal: string) {
    this.settle(endpoint);
    const { pending_config: _pending, config, ...rest } = this.detailed(endpoint, principal);
    if (!config) return rest;
    const entities = config.served_entities.map((e) => {
      const { name, entity_name, entity_version, external_model, foundation_model } = e;
      return { name, entity_name, entity_version, external_model, foundation_model };
    });
    return { ...rest, config: { served_entities: entities } };
  }
}

/** `state` of ServingEndpointDetailed: ready once a config is served; the update state of the latest change. */
function endpointState(endpoint: StoredEndpoint) {
  return {
    ready: endpoint.config ? ('READY' as const) : ('NOT_READY' as const),
    config_update: endpoint.pending ? ('IN_PROGRESS' as const) : endpoint.lastUpdateFailed ? ('UPDATE_FAILED' as const) : ('NOT_UPDATING' as const),
  };
}

/**
 * GET's ServingEndpointDetailed: the served config and the pending one, with the fields the server fills in
 * (ids, creator, times, deployment states); secrets given in plaintext are never returned.
 */
export function endpointView(endpoint: StoredEndpoint, permissionLevel: PermissionLevel | undefined) {
  // Object.assign onto the fresh copy keeps the entity's own (client-given) fields in the type, as an index signature.
  const entityOut = (deployment: 'DEPLOYMENT_READY' | 'DEPLOYMENT_CREATING') => (e: ServedEntity) =>
    Object.assign(withoutPlaintext(e), { creator: endpoint.creator, creation_timestamp: endpoint.createdAt, state: { deployment, deployment_state_message: '' } });
  return {
    name: endpoint.name,
    id: endpoint.id,
    creator: endpoint.creator,
    creation_timestamp: endpoint.createdAt,
    last_updated_timestamp: endpoint.updatedAt,
    state: endpointState(endpoint),
    ...(permissionLevel ? { permission_level: permissionLevel } : {}),
    route_optimized: false,
    ...(endpoint.task ? { task: endpoint.task } : {}),
    ...(endpoint.managedByDatabricks ? { endpoint_type: 'FOUNDATION_MODEL_API' as const } : {}),
    ...endpoint.extras,
    ...(endpoint.config
      ? {
          config: {
            served_entities: endpoint.config.served_entities.map(entityOut('DEPLOYMENT_READY')),
            traffic_config: endpoint.config.traffic_config,
            config_version: endpoint.configVersion,
          },
        }
      : {}),
    ...(endpoint.pending
      ? {
          pending_config: {
            served_entities: endpoint.pending.config.served_entities.map(entityOut('DEPLOYMENT_CREATING')),
            traffic_config: endpoint.pending.config.traffic_config,
            config_version: endpoint.pending.version,
            start_time: endpoint.pending.startedAt,
          },
        }
      : {}),
    ...(endpoint.aiGateway && Object.keys(endpoint.aiGateway).length > 0 ? { ai_gateway: endpoint.aiGateway } : {}),
  };
}

/** A copy without `*_plaintext` fields at any depth: secrets given in plaintext are input-only, never returned. */
function withoutPlaintext<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutPlaintext) as T;
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).filter(([key]) => !key.endsWith('_plaintext')).map(([key, v]) => [key, withoutPlaintext(v)]),
  ) as T;
}

const servesExternalModels = (config: EndpointConfig) => config.served_entities.some((e) => e.external_model !== undefined);

/** An endpoint's task: its external models' task, or the task of the foundation model it provisions. */
function taskOf(config: EndpointConfig, models: RegisteredModels): string | undefined {
  for (const entity of config.served_entities) {
    const external = entity.external_model as { task?: string } | undefined;
    if (external?.task) return external.task;
    if (typeof entity.entity_name === 'string') {
      const resolved = models.resolve(entity.entity_name, entity.entity_version as string | undefined);
      if ('kind' in resolved && resolved.kind === 'foundation-model' && resolved.task) return resolved.task;
    }
  }
  return undefined;
}

function payloadRef(endpointName: string, table: InferenceTableConfig): PayloadTableRef {
  return {
    catalog: table.catalog_name ?? '',
    schema: table.schema_name ?? '',
    prefix: table.table_name_prefix ?? defaultTablePrefix(endpointName),
    endpointName,
  };
}
