/**
 * Unity Catalog grants on catalogs, schemas, tables and Unity AI Gateway services: direct privilege assignments only, as
 * `GET`/`PATCH /api/2.1/unity-catalog/permissions/{securable_type}/{full_name}` serve them.
 */
import type { MissingPrivilege, TableName } from '../sandbox-contract.js';
import type { Identities } from '../sandbox-identity.js';
import { ApiError, invalid, notFound } from './error-replies.js';
import { jsonBody, ok, type Reply, type RestRequest } from './rest-handler.js';

/**
 * The server-configured page length for grants. Small on purpose: a securable with more principals than this
 * makes clients follow next_page_token, as a busy catalog does in a real workspace.
 */
export const GRANTS_PAGE_LENGTH = 20;

/**
 * `model_service` and `mcp_service`: the SDKs' SecurableType enum (PY catalog.py, 2026-08) has no member for
 * Unity AI Gateway services, and no source documents the permissions-path spelling. The sandbox serves the
 * lower-case spelling of the SQL `GRANT EXECUTE ON MODEL SERVICE` by analogy with `catalog` and `table`.
 */
export type SecurableType = 'catalog' | 'schema' | 'table' | 'volume' | 'model_service' | 'mcp_service';

const PARTS: Record<SecurableType, number> = { catalog: 1, schema: 2, table: 3, volume: 3, model_service: 3, mcp_service: 3 };
const LABEL: Record<SecurableType, string> = { catalog: 'Catalog', schema: 'Schema', table: 'Table', volume: 'Volume', model_service: 'Model service', mcp_service: 'MCP service' };

/**
 * Which securable types each privilege applies to (privileges granted higher up are inherited below). The names
 * are checked against the SDK's `catalog.Privilege` by the contract check (test/contracts).
 */
export const PRIVILEGES = {
  ALL_PRIVILEGES: ['catalog', 'schema', 'table', 'volume'],
  MANAGE: ['catalog', 'schema', 'table', 'volume'],
  BROWSE: ['catalog'],
  USE_CATALOG: ['catalog'],
  USE_SCHEMA: ['catalog', 'schema'],
  CREATE_SCHEMA: ['catalog'],
  CREATE_TABLE: ['catalog', 'schema'],
  CREATE_FUNCTION: ['catalog', 'schema'],
  CREATE_VOLUME: ['catalog', 'schema'],
  CREATE_MODEL: ['catalog', 'schema'],
  CREATE_MATERIALIZED_VIEW: ['catalog', 'schema'],
  EXECUTE: ['catalog', 'schema', 'model_service', 'mcp_service'],
  CREATE_SERVICE: ['catalog', 'schema'],
  READ_VOLUME: ['catalog', 'schema', 'volume'],
  WRITE_VOLUME: ['catalog', 'schema', 'volume'],
  APPLY_TAG: ['catalog', 'schema', 'table'],
  REFRESH: ['catalog', 'schema', 'table'],
  SELECT: ['catalog', 'schema', 'table'],
  MODIFY: ['catalog', 'schema', 'table'],
} as const satisfies Record<string, readonly SecurableType[]>;

export const PERMISSIONS_PREFIX = '/api/2.1/unity-catalog/permissions/';

/** Groups every principal belongs to: a grant to them reaches everyone. */
const EVERYONE = ['account users', 'users'];

const securableKey = (type: SecurableType, fullName: string) => `${type}:${fullName.toLowerCase()}`;

export class Grants {
  /** `type:full_name` → principal → privileges. */
  private readonly securables = new Map<string, Map<string, Set<string>>>();
  /** `type:full_name` → owner, for securables a principal other than the metastore admin created. */
  private readonly owners = new Map<string, string>();

  constructor(private readonly identities: Identities) {}

  /** Registers a table and the catalog and schema that hold it (no-op for those already known). */
  registerTable(catalog: string, schema: string, table: string, owner?: string): void {
    this.register('catalog', catalog);
    this.register('schema', `${catalog}.${schema}`);
    this.register('table', `${catalog}.${schema}.${table}`, owner);
  }

  registerSchema(catalog: string, schema: string, owner?: string): void {
    this.register('catalog', catalog);
    this.register('schema', `${catalog}.${schema}`, owner);
  }

  /** A model or MCP service (`model-services` / `mcp-services`), made a securable its owner holds. */
  registerService(kind: 'model-services' | 'mcp-services', fullName: string, owner: string): void {
    this.register(kind === 'model-services' ? 'model_service' : 'mcp_service', fullName, owner);
  }

  /** A Unity Catalog volume (where files live, through the Files API) and the schema that holds it. */
  registerVolume(catalog: string, schema: string, volume: string, owner?: string): void {
    this.registerSchema(catalog, schema);
    this.register('volume', `${catalog}.${schema}.${volume}`, owner);
  }

  registerCatalog(catalog: string, owner?: string): void {
    this.register('catalog', catalog, owner);
  }

  /** Whether a catalog, schema or table of that full name exists in this metastore. */
  exists(type: SecurableType, fullName: string): boolean {
    return this.securables.has(securableKey(type, fullName));
  }

  /** Every registered table, by its three parts (lower case). */
  tables(): TableName[] {
    return [...this.securables.keys()]
      .filter((key) => key.startsWith('table:'))
      .map((key) => key.slice('table:'.length).split('.') as unknown as TableName);
  }

  /** The owner of a securable: its creator, or the metastore admin for what the seed made. */
  ownerOf(type: SecurableType, fullName: string): string | undefined {
    return this.owners.get(securableKey(type, fullName));
  }

  grant(type: SecurableType, fullName: string, principal: string, privileges: string[]): void {
    const assignments = this.assignmentsOf(type, fullName);
    const held = assignments.get(principal) ?? new Set<string>();
    privileges.forEach((p) => held.add(p));
    assignments.set(principal, held);
  }

  /**
   * Reading a table takes USE_CATALOG on its catalog, USE_SCHEMA on its schema and SELECT on the table, each held
   * directly or inherited from a securable above (ALL_PRIVILEGES counts as each). Owners hold every privilege on
   * what they own and below; the metastore admin passes. Tables this registry does not hold are not governed here.
   */
  missingReadPrivilege(principal: string, [catalog, schema, table]: TableName): MissingPrivilege | undefined {
    const tableName = `${catalog}.${schema}.${table}`;
    if (!this.exists('table', tableName)) return undefined;
    return this.missing(principal, [catalog, schema, table], 'SELECT');
  }

  /** What `principal` lacks to create a table in `catalog.schema` (USE CATALOG, USE SCHEMA, CREATE TABLE). */
  missingCreateTablePrivilege(principal: string, catalog: string, schema: string): MissingPrivilege | undefined {
    return this.missing(principal, [catalog, schema], 'CREATE_TABLE');
  }

  /** What `principal` lacks to read (READ VOLUME) or write (WRITE VOLUME) files in a volume, USE CATALOG and USE SCHEMA first. */
  missingVolumePrivilege(principal: string, parts: [string, string, string], privilege: 'READ_VOLUME' | 'WRITE_VOLUME'): MissingPrivilege | undefined {
    return this.missing(principal, parts, privilege, 'volume');
  }

  /** What `principal` lacks to create a Unity AI Gateway service in `catalog.schema` (USE CATALOG, USE SCHEMA, CREATE SERVICE). */
  missingCreateServicePrivilege(principal: string, catalog: string, schema: string): MissingPrivilege | undefined {
    return this.missing(principal, [catalog, schema], 'CREATE_SERVICE');
  }

  /** What `principal` lacks to create a schema in `catalog` (USE CATALOG, CREATE SCHEMA). */
  missingCreateSchemaPrivilege(principal: string, catalog: string): MissingPrivilege | undefined {
    return this.missing(principal, [catalog], 'CREATE_SCHEMA');
  }

  /**
   * The first privilege missing on the path to `parts` (a catalog, schema or table), then `privilege` on the last
   * part (inherited from above). Databricks checks in this order and names the first gap.
   */
  private missing(principal: string, parts: string[], privilege: string, leaf: SecurableType = 'table'): MissingPrivilege | undefined {
    if (this.identities.isMetastoreAdmin(principal)) return undefined;
    const chain = parts.map((_, i) => [(['catalog', 'schema', leaf] as const)[i]!, parts.slice(0, i + 1).join('.').toLowerCase()] as const);
    const holds = (wanted: string, on: readonly (readonly [SecurableType, string])[]) =>
      on.some(([type, fullName]) => {
        const key = securableKey(type, fullName);
        if (this.owners.get(key) === principal) return true;
        const assignments = this.securables.get(key);
        return [principal, ...EVERYONE].some((p) => assignments?.get(p)?.has(wanted) || assignments?.get(p)?.has('ALL_PRIVILEGES'));
      });
    const [catalog, schema] = chain;
    if (!holds('USE_CATALOG', [catalog!])) return { privilege: 'USE CATALOG', securable: 'Catalog', fullName: catalog![1] };
    if (schema && !holds('USE_SCHEMA', [schema, catalog!])) return { privilege: 'USE SCHEMA', securable: 'Schema', fullName: schema[1] };
    const target = chain[chain.length - 1]!;
    if (!holds(privilege, chain.slice().reverse())) {
      return { privilege: privilege.replace('_', ' ') as MissingPrivilege['privilege'], securable: LABEL[target[0]] as MissingPrivilege['securable'], fullName: target[1] };
    }
    return undefined;
  }

  get(req: RestRequest, type: string, fullName: string): Reply {
    const securable = this.parse(type, fullName);
    const only = req.query.get('principal') ?? undefined;
    const maxResults = req.query.get('max_results');
    if (maxResults !== null && !/^\d+$/.test(maxResults)) throw invalid(`Invalid max_results '${maxResults}': expected a non-negative integer.`);
    const all = this.describe(securable.type, securable.fullName, only);
    if (maxResults === null) return ok(all);
    // Paged as the real API pages: 0 means the server's page length; 1–149 is refused so that one complete
    // assignment always fits a page; larger values are capped at the server's page length.
    const asked = Number(maxResults);
    if (asked > 0 && asked < 150) throw invalid(`Invalid max_results ${asked}: it must be 0 or at least 150.`);
    const pageLength = asked === 0 ? GRANTS_PAGE_LENGTH : Math.min(asked, GRANTS_PAGE_LENGTH);
    const token = req.query.get('page_token');
    const offset = token === null ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Number.isInteger(offset) || offset < 0) throw invalid(`Invalid page_token '${token}'.`);
    const assignments = all.privilege_assignments ?? [];
    const page = assignments.slice(offset, offset + pageLength);
    const next = offset + pageLength < assignments.length ? Buffer.from(String(offset + pageLength)).toString('base64url') : undefined;
    return ok(permissionsView(page, next));
  }

  patch(req: RestRequest, type: string, fullName: string): Reply {
    const securable = this.parse(type, fullName);
    if (!this.identities.canManage(req.principal)) {
      throw new ApiError(
        'PERMISSION_DENIED',
        `User '${req.principal}' does not have MANAGE on ${securable.type} '${securable.fullName}'. Ask a workspace admin or the owner to change its grants.`,
      );
    }
    const changes = parseChanges(jsonBody(req));
    for (const [i, change] of changes.entries()) {
      if (!this.identities.knows(change.principal)) {
        throw invalid(`Could not find principal with name ${change.principal} (changes[${i}]). Service principals are named by their application id.`);
      }
      for (const privilege of [...change.add, ...change.remove]) {
        const appliesTo: readonly SecurableType[] | undefined = (PRIVILEGES as Record<string, readonly SecurableType[]>)[privilege];
        if (!appliesTo) throw invalid(`Invalid privilege '${privilege}' in changes[${i}]: no such Unity Catalog privilege.`);
        if (!appliesTo.includes(securable.type)) {
          throw invalid(`Privilege ${privilege} is not applicable to this entity [${securable.fullName}:${securable.type.toUpperCase()}].`);
        }
      }
    }
    const assignments = this.assignmentsOf(securable.type, securable.fullName);
    for (const change of changes) {
      const held = assignments.get(change.principal) ?? new Set<string>();
      change.add.forEach((p) => held.add(p));
      change.remove.forEach((p) => held.delete(p));
      if (held.size > 0) assignments.set(change.principal, held);
      else assignments.delete(change.principal);
    }
    return ok(this.describe(securable.type, securable.fullName));
  }

  private register(type: SecurableType, fullName: string, owner?: string): void {
    const key = securableKey(type, fullName);
    if (this.securables.has(key)) return;
    this.securables.set(key, new Map());
    if (owner !== undefined) this.owners.set(key, owner);
  }

  private assignmentsOf(type: SecurableType, fullName: string): Map<string, Set<string>> {
    const assignments = this.securables.get(securableKey(type, fullName));
    if (!assignments) throw notFound(`${LABEL[type]} '${fullName}' does not exist.`);
    return assignments;
  }

  private parse(rawType: string, fullName: string): { type: SecurableType; fullName: string } {
    const type = rawType.toLowerCase();
    if (!(type in PARTS)) {
      throw invalid(`Unsupported securable type '${rawType}': this workspace serves grants on ${Object.keys(PARTS).join(', ')}.`);
    }
    const securableType = type as SecurableType;
    if (fullName.split('.').length !== PARTS[securableType] || fullName.split('.').some((p) => p === '')) {
      throw invalid(`Invalid full name '${fullName}' for a ${securableType}: expected ${['catalog', 'catalog.schema', 'catalog.schema.name'][PARTS[securableType] - 1]}.`);
    }
    this.assignmentsOf(securableType, fullName);
    return { type: securableType, fullName };
  }

  private describe(type: SecurableType, fullName: string, only?: string): PermissionsView {
    const assignments = [...this.assignmentsOf(type, fullName)]
      .filter(([principal]) => only === undefined || principal === only)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([principal, privileges]) => ({ principal, privileges: [...privileges].sort() }));
    return permissionsView(assignments);
  }
}

/** GetPermissionsResponse; like the real API, an empty list is omitted rather than sent as [], and so is the token. */
export function permissionsView(assignments: Array<{ principal: string; privileges: string[] }>, nextPageToken?: string) {
  return { ...(assignments.length > 0 ? { privilege_assignments: assignments } : {}), ...(nextPageToken ? { next_page_token: nextPageToken } : {}) };
}
export type PermissionsView = ReturnType<typeof permissionsView>;

interface Change {
  principal: string;
  add: string[];
  remove: string[];
}

function parseChanges(body: unknown): Change[] {
  const changes = (body as { changes?: unknown } | null)?.changes;
  if (!Array.isArray(changes) || changes.length === 0) {
    throw invalid("Missing required field 'changes': a non-empty list of {principal, add, remove}.");
  }
  return changes.map((raw, i) => {
    const change = raw as Record<string, unknown>;
    if (typeof change?.principal !== 'string' || change.principal === '') {
      throw invalid(`Invalid changes[${i}]: 'principal' (a user e-mail, group name or service principal application id) is required.`);
    }
    const list = (field: 'add' | 'remove'): string[] => {
      const value = change[field];
      if (value === undefined) return [];
      if (!Array.isArray(value) || value.some((p) => typeof p !== 'string')) {
        throw invalid(`Invalid changes[${i}].${field}: expected a list of privilege names.`);
      }
      return value as string[];
    };
    return { principal: change.principal, add: list('add'), remove: list('remove') };
  });
}
