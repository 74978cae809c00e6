/**
 * The seams inside the sandbox (the embedded local workspace). The REST side and the SQL warehouse are built
 * apart; they meet here. Product code never imports from src/sandbox: it reaches the sandbox only through
 * its real clients (undici, @databricks/sql), exactly as it reaches a real workspace.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Which requests a fault applies to. Omitted fields match everything. */
export interface FaultMatch {
  method?: string;
  /** Prefix of the URL path, e.g. `/api/2.0/serving-endpoints` or `/sql/`. */
  pathPrefix?: string;
}

export type Fault =
  /**
   * Answer with a Databricks error body and this status (429 carries `Retry-After`; 403 is a refused API;
   * 500 is an internal error no client retries).
   */
  | { kind: 'status'; status: 403 | 429 | 500 | 503; retryAfterSeconds?: number; times?: number; match?: FaultMatch }
  /** Delay the answer. */
  | { kind: 'latency'; ms: number; times?: number; match?: FaultMatch }
  /**
   * Destroy the socket. `when: 'before'` drops the request unprocessed; `when: 'after'` processes it (a create
   * really happens) and then drops the connection mid-response, so the client never sees the answer.
   */
  | { kind: 'reset'; when: 'before' | 'after'; times?: number; match?: FaultMatch }
  /** The next config update of `endpoint` (any endpoint when omitted) stays IN_PROGRESS or ends UPDATE_FAILED. */
  | { kind: 'config-update'; outcome: 'stuck' | 'failed'; endpoint?: string; times?: number }
  /** The warehouse refuses OpenSession. */
  | { kind: 'refuse-sessions'; times?: number }
  /**
   * Another writer changes the workspace or volume file at `path` right after the sandbox has answered a read of
   * it (workspace export, Files API download): what a writer that re-reads before writing must catch. `skip` lets
   * that many reads pass first.
   */
  | { kind: 'concurrent-write'; path: string; skip?: number; times?: number };

export interface FaultController {
  /** Adds a fault; `times` defaults to 1 (Infinity = until cleared). Returns a function that removes it. */
  add(fault: Fault): () => void;
  clear(): void;
  /** Consumes and returns the first active fault of `kind` matching the request, if any. */
  take<K extends Fault['kind']>(kind: K, req?: { method?: string; path?: string; endpoint?: string }): Extract<Fault, { kind: K }> | undefined;
}

/** A payload table the warehouse must hold, for an endpoint with inference tables enabled. */
export interface PayloadTableRef {
  catalog: string;
  schema: string;
  prefix: string;
  endpointName: string;
}

/** One request a serving endpoint answered: what the usage system tables and its payload table record. */
export interface InvocationRecord {
  endpoint: { name: string; id: string; creator: string; task?: string };
  servedEntity: { id: string; name: string; entityName: string; entityType: 'FOUNDATION_MODEL' | 'EXTERNAL_MODEL' | 'CUSTOM_MODEL' };
  requester: string;
  databricksRequestId: string;
  /** The body field `client_request_id`, when the caller sent one. */
  clientRequestId?: string;
  usageContext?: Record<string, string>;
  statusCode: number;
  requestTime: Date;
  inputTokens: number;
  outputTokens: number;
  executionMs: number;
  request: string;
  response: string;
  /** The endpoint's payload table, when inference tables are on. */
  payloadTable?: PayloadTableRef;
}

/** A Unity Catalog table named by its three parts, as a statement reads it. */
export type TableName = readonly [catalog: string, schema: string, table: string];

/** The first privilege a principal lacks for an action, as Databricks names it in the refusal. */
export interface MissingPrivilege {
  privilege: 'USE CATALOG' | 'USE SCHEMA' | 'SELECT' | 'CREATE TABLE' | 'CREATE SCHEMA' | 'CREATE SERVICE' | 'READ VOLUME' | 'WRITE VOLUME';
  securable: 'Catalog' | 'Schema' | 'Table' | 'Volume';
  fullName: string;
}

/** The SQL warehouse half of the sandbox, mounted by the HTTPS server under `/sql/`. */
export interface Warehouse {
  /** Warehouse id; the HTTP path is `/sql/1.0/warehouses/<id>`. */
  readonly id: string;
  /** Serves one Thrift-over-HTTP request whose bearer token the server has already checked. */
  handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void;
  /** Creates `<catalog>.<schema>` if absent (REST calls this when a schema is created, and for seeded schemas). */
  ensureSchema(catalog: string, schema: string): Promise<void>;
  /** Creates `<catalog>.<schema>.<prefix>_payload` if absent (REST calls this when inference tables get enabled). */
  ensurePayloadTable(ref: PayloadTableRef): Promise<void>;
  /**
   * Runs one statement as `principal` through the dialect shim and the privilege checks, as the workspace's
   * own jobs do (the SQL alerts' evaluator); `userAgent` says which job, in `received`.
   */
  runAs(principal: string, sql: string, userAgent: string): Promise<Record<string, unknown>[]>;
  /** Records an answered request in endpoint_usage (with its served_entities row) and the payload table. */
  logInvocation(invocation: InvocationRecord): Promise<void>;
  /** Runs SQL straight on DuckDB: for seeding and test fixtures only, never for product paths. */
  exec(sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
  /** Changes how the warehouse answers, so tests can reach the driver's other paths. */
  configure?(behaviour: Partial<WarehouseBehaviour>): void;
  /**
   * Every statement ExecuteStatement received, as sent (before the dialect shim), newest last, bounded: lets
   * tests check that all SQL a client emitted is real Databricks SQL.
   */
  readonly received?: ReadonlyArray<ReceivedStatement>;
}

export interface ReceivedStatement {
  sql: string;
  principal: string | undefined;
  /** The HTTP User-Agent, which carries the driver's userAgentEntry (the product sends `ai-gateway-mcp`). */
  userAgent: string;
}

/** Switches for tests; src/sandbox/warehouse/tcli-service.ts documents each. */
export interface WarehouseBehaviour {
  /** `operation-state` (default): OperationStateError with sqlState. `execute-status`: StatusError. */
  errorShape: 'operation-state' | 'execute-status';
  /** `arrow` (default, as real warehouses) or `column` (Thrift columns; dates and timestamps as text). */
  resultFormat: 'arrow' | 'column';
  /** Principals allowed to read `system.*` schemas (default: the admin and the OAuth service principal). */
  systemTableReaders: string[];
  /** How long ExecuteStatement waits before answering RUNNING and letting the driver poll. */
  directResultsWaitMs: number;
}

export interface WarehouseOptions {
  seed: number;
  /** Rows in the usage tables (and, scaled down, the payload tables). */
  rows: number;
  faults: FaultController;
  /** Returns the principal a bearer token belongs to (user e-mail or SP application id), or undefined. */
  principalOf(token: string): string | undefined;
  /**
   * Unity Catalog's read check for the tables the REST side governs (payload tables): what `principal` lacks to
   * SELECT `table`, or undefined when it may read it or the table is not governed. Omitted: no such checks.
   */
  missingReadPrivilege?(principal: string, table: TableName): MissingPrivilege | undefined;
  /** Every table Unity Catalog governs (the ones missingReadPrivilege answers for), to filter information_schema. */
  governedTables?(): TableName[];
  /** Initial test switches; defaults as documented on WarehouseBehaviour. */
  behaviour?: Partial<WarehouseBehaviour>;
}

export interface SandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Loopback address to bind; default 127.0.0.1. */
  host?: string;
  /** Usage rows to seed (default a small realistic set); benchmarks pass millions. */
  rows?: number;
  seed?: number;
  /** How long `state.config_update` stays IN_PROGRESS after a create or config change (default 1500 ms). */
  configUpdateMs?: number;
  /** OAuth M2M access-token lifetime (default 3600 s). */
  tokenTtlSeconds?: number;
  /** The clock OAuth access tokens expire by (default Date.now): tests move it instead of sleeping. */
  now?: () => number;
  /** Folder for the CA certificate PEM (default a fresh temp folder). */
  dir?: string;
  /**
   * Extra DNS names the TLS certificate covers. Clients can then reach the sandbox under a name that is not
   * loopback, through an HTTP proxy that maps it to the sandbox (tests of proxy support).
   */
  hostnames?: string[];
  /**
   * Whether the workspace has Unity AI Gateway (model and MCP services in Unity Catalog); default true. Off, its
   * paths answer 404 as in a workspace where the preview is not enabled.
   */
  unityGateway?: boolean;
}

/** One request as the sandbox received it (see Sandbox.requests). */
export interface LoggedRequest {
  method: string;
  path: string;
  /** The query string as sent (without `?`), when there was one: tests read update masks from it. */
  query?: string;
  /** The bearer token the request carried, if any. */
  token?: string;
  /** Whom that token names, when it is valid. */
  principal?: string;
  /** The body of a REST write (not GET, not SQL), as sent: lets tests compare what a client sent with what it showed. */
  body?: string;
}

export interface Sandbox {
  /** `https://127.0.0.1:<port>` — what DATABRICKS_HOST is set to. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** A personal access token for the workspace admin. */
  readonly token: string;
  /** OAuth M2M credentials of a service principal that may call the REST API. */
  readonly oauth: { clientId: string; clientSecret: string };
  readonly warehouseId: string;
  /** `/sql/1.0/warehouses/<id>` */
  readonly warehousePath: string;
  /** Path of the PEM file to trust (NODE_EXTRA_CA_CERTS or the clients' CA option). */
  readonly caCertPath: string;
  readonly caCert: string;
  readonly faults: FaultController;
  readonly warehouse: Warehouse;
  /** Every request received (REST, OAuth and SQL), newest last, bounded: which token each carried, and whose it is. */
  readonly requests: ReadonlyArray<LoggedRequest>;
  /** Adds a personal access token for a principal (e.g. one without system-table grants) and returns it. */
  addToken(principal: string): string;
  /**
   * The workspace's secret scopes, as the Secrets API serves them (seeded: scope `ai-gateway`, key `fmapi-token`).
   * `put` writes a key, creating its scope if absent; `remove` deletes a key, or the whole scope without `key`.
   */
  readonly secrets: { put(scope: string, key: string): void; remove(scope: string, key?: string): void };
  /** SQL alerts run on their schedules; `evaluateNow` runs every ACTIVE one at once and waits (a test hook). */
  readonly alerts: { evaluateNow(): Promise<void> };
  close(): Promise<void>;
}
