/**
 * The SQL warehouse client: the unmodified `@databricks/sql` driver, loaded on first use only so nothing heavy
 * sits on the start-up path. One DBSQLClient and a small pool of reused sessions per workspace and warehouse
 * live on the runtime for the life of the process. Every statement waits for its operation to finish before
 * reading (an errored operation is never read as an empty result), reports progress while it runs, and is
 * cancelled on the warehouse when the caller gives up. Driver errors of both shapes become SqlErrors that say
 * what to do next.
 */
import type { DBSQLParameter as DriverParameter, DBSQLClient as DriverClient } from '@databricks/sql';
import { scrubSecrets, ToolError } from '../shared/tool-error.js';
import { isTruthy, type Runtime } from '../runtime/process-runtime.js';
import { driverProxy } from './proxy-settings.js';
import { checkWarehouseReachable } from './warehouse-reachability.js';
import type { SqlStatement, SqlValue } from '../shared/sql-statement.js';

type Driver = typeof import('@databricks/sql');
type IDBSQLSession = Awaited<ReturnType<DriverClient['openSession']>>;
type IOperation = Awaited<ReturnType<IDBSQLSession['executeStatement']>>;

export type SqlFailure = 'permission' | 'not_found' | 'no_warehouse' | 'syntax' | 'timeout' | 'cancelled' | 'auth' | 'connection' | 'no_result' | 'failed';

/** A statement or connection failure, classified so callers can react (e.g. try another usage source). */
export class SqlError extends ToolError {
  constructor(
    readonly failure: SqlFailure,
    what: string,
    why: string,
    next: string,
    /** The first line of the warehouse's own message, for callers that classify or quote it. */
    readonly detail: string,
  ) {
    super(what, why, next, `SQL_${failure.toUpperCase() as Uppercase<SqlFailure>}`);
  }
}

export interface WarehouseTarget {
  /** `https://host[:port]` */
  host: string;
  warehouseId: string;
  /** A bearer token valid for a while; called for every RPC (the provider caches). */
  token(): Promise<string>;
  /** PEM of an extra CA to trust (the sandbox's self-signed certificate). */
  caCert?: string;
  statementTimeoutSeconds?: number;
  /** Sessions kept open and reused; statements beyond it wait for a free one. */
  poolSize?: number;
  /** HTTP(S) proxy to the warehouse (see proxy.ts). */
  proxy?: URL;
  /** The user whose own token the statements carry (Databricks Apps user authorization), named in refusals. */
  actingAs?: string;
}

export interface QueryOptions {
  signal?: AbortSignal;
  /** Called about once a second while the statement runs on the warehouse. */
  onProgress?: (elapsedMs: number) => void;
  /** Most rows read from a result; more is refused. Statements carry their own LIMIT, this is a backstop. */
  maxRows?: number;
}

export type Row = Record<string, unknown>;

const DEFAULT_STATEMENT_TIMEOUT_SECONDS = 300;
const DEFAULT_MAX_ROWS = 10_000;
const FETCH_CHUNK_ROWS = 10_000;
const DEFAULT_POOL_SIZE = 4;
const PROGRESS_EVERY_MS = 1000;

let driverPromise: Promise<Driver> | undefined;

/** The driver module, imported once, on the first statement. */
function loadDriver(): Promise<Driver> {
  driverPromise ??= import('@databricks/sql').then((mod) => ((mod as { default?: Driver }).default ?? mod) as Driver);
  return driverPromise;
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '::1' || hostname === '[::1]' || /^127\./.test(hostname);
}

export interface DriverLogger {
  log(level: string, message: string): void;
}

/**
 * The driver's `logger` option. Its default logger writes to stdout, which is the MCP stdio channel, and at
 * info level says "Created DBSQLClient" for every client: here warnings and errors go to stderr, and the
 * rest only when `debug` (AIGW_DEBUG=1) asks for it.
 */
export function driverLogger(debug: boolean): DriverLogger {
  return {
    log(level, message) {
      if (debug || level === 'warn' || level === 'error') process.stderr.write(`@databricks/sql ${level}: ${scrubSecrets(message)}\n`);
    },
  };
}

/**
 * The warehouse client for a target, kept for the identity the runtime acts as: shared by the process and
 * closed with it for the server's own credentials; for one call only when it runs with a caller's token, since
 * a session belongs to the principal that opened it and the driver authenticates per client.
 */
export function warehouseClient(runtime: Runtime, target: WarehouseTarget): WarehouseClient {
  return runtime.scopedService(`sql:${target.host}:${target.warehouseId}`, (onEnd) => {
    const client = new WarehouseClient(target, driverLogger(isTruthy(runtime.env.AIGW_DEBUG)));
    onEnd(() => client.close());
    return client;
  });
}

export class WarehouseClient {
  private connecting: Promise<DriverClient> | undefined;
  private readonly idle: IDBSQLSession[] = [];
  private readonly waiters: Array<(session: IDBSQLSession | undefined) => void> = [];
  private sessions = 0;
  private closed = false;

  constructor(
    readonly target: WarehouseTarget,
    private readonly logger: DriverLogger = driverLogger(false),
  ) {}

  get warehousePath(): string {
    return `/sql/1.0/warehouses/${this.target.warehouseId}`;
  }

  async query(statement: SqlStatement, options: QueryOptions = {}): Promise<Row[]> {
    const driver = await loadDriver();
    const { signal } = options;
    const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
    throwIfCancelled(signal);
    const session = await this.acquire(signal);
    let healthy = true;
    let operation: IOperation | undefined;
    const cancelOnWarehouse = () => {
      // The poll loop then sees CANCELED_STATE and ends; a failed cancel leaves the statement timeout.
      operation?.cancel().catch(() => undefined);
    };
    signal?.addEventListener('abort', cancelOnWarehouse, { once: true });
    try {
      operation = await session.executeStatement(statement.sql, {
        namedParameters: toDriverParameters(driver, statement.params),
        maxRows: Math.min(maxRows, FETCH_CHUNK_ROWS),
      });
      if (signal?.aborted) cancelOnWarehouse();
      const started = Date.now();
      let lastProgress = started;
      // Wait for a terminal state first: an errored operation without a result set would otherwise fetch as [].
      await operation.finished({
        callback: () => {
          const now = Date.now();
          if (options.onProgress && now - lastProgress >= PROGRESS_EVERY_MS) {
            lastProgress = now;
            options.onProgress(now - started);
          }
        },
      });
      throwIfCancelled(signal);
      const schema = await operation.getSchema();
      if (!schema) {
        throw new SqlError(
          'no_result',
          'The warehouse returned no result set for a query',
          'the statement finished without rows or columns, which a SELECT never does',
          'Retry once; if it persists, check the warehouse in the Databricks UI',
          '',
        );
      }
      const rows = await fetchAtMost(operation, maxRows, signal);
      return rows.map(normaliseRow);
    } catch (error) {
      const mapped = toSqlError(error, this.target, signal);
      if (mapped.failure === 'connection' || mapped.failure === 'auth') healthy = false;
      throw mapped;
    } finally {
      signal?.removeEventListener('abort', cancelOnWarehouse);
      if (operation) await operation.close().catch(() => undefined);
      this.release(session, healthy);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
    const sessions = this.idle.splice(0);
    await Promise.allSettled(sessions.map((s) => s.close()));
    const client = this.connecting;
    this.connecting = undefined;
    if (client) await client.then((c) => c.close()).catch(() => undefined);
  }

  private async client(): Promise<DriverClient> {
    this.connecting ??= this.connect().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  private async connect(): Promise<DriverClient> {
    const url = new URL(this.target.host);
    const port = url.port ? Number(url.port) : 443;
    // Fails at once, naming the host, where the driver would retry for about 30 s what cannot succeed.
    if (!this.target.proxy) await checkWarehouseReachable({ hostname: url.hostname, port, caCert: this.target.caCert });
    const driver = await loadDriver();
    const client = new driver.DBSQLClient({ logger: this.logger as never });
    // Telemetry is skipped for loopback hosts anyway; say so explicitly for the local sandbox.
    const loopback = isLoopback(url.hostname);
    const target = this.target;
    return (await client.connect({
      host: url.hostname,
      port,
      path: this.warehousePath,
      authType: 'custom',
      // Asked per RPC, so an OAuth M2M token is refreshed by the shared token provider, never by the driver.
      provider: { authenticate: async () => ({ Authorization: `Bearer ${await target.token()}` }) },
      ...(target.caCert ? { customCaCert: target.caCert } : {}),
      ...(target.proxy ? { proxy: driverProxy(target.proxy) } : {}),
      ...(loopback ? { telemetryEnabled: false } : {}),
      userAgentEntry: 'ai-gateway-mcp',
    })) as DriverClient;
  }

  private async acquire(signal: AbortSignal | undefined): Promise<IDBSQLSession> {
    if (this.closed) throw new SqlError('connection', 'The SQL client is closed', 'the server is shutting down', 'Retry after the server restarts', '');
    const idle = this.idle.pop();
    if (idle) return idle;
    if (this.sessions < (this.target.poolSize ?? DEFAULT_POOL_SIZE)) {
      this.sessions += 1;
      try {
        const client = await this.client();
        return await client.openSession({ configuration: sessionConfiguration(this.target) });
      } catch (error) {
        this.sessions -= 1;
        throw toSqlError(error, this.target, signal);
      }
    }
    const session = await new Promise<IDBSQLSession | undefined>((resolve, reject) => {
      const onAbort = () => {
        const at = this.waiters.indexOf(give);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(cancelledError());
      };
      const give = (s: IDBSQLSession | undefined) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(s);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(give);
    });
    return session ?? this.acquire(signal);
  }

  private release(session: IDBSQLSession, healthy: boolean): void {
    if (!healthy || this.closed) {
      this.sessions -= 1;
      session.close().catch(() => undefined);
      // A waiter may now open a fresh session in the freed slot.
      this.waiters.shift()?.(undefined);
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) waiter(session);
    else this.idle.push(session);
  }
}

/**
 * Reads the result chunk by chunk and stops past `maxRows`: the driver's fetchAll would buffer any size, so a
 * statement missing its LIMIT could exhaust the server's memory instead of failing.
 */
async function fetchAtMost(operation: IOperation, maxRows: number, signal: AbortSignal | undefined): Promise<Row[]> {
  const rows: Row[] = [];
  do {
    const chunk = (await operation.fetchChunk({ maxRows: Math.min(maxRows + 1 - rows.length, FETCH_CHUNK_ROWS), disableBuffering: true })) as Row[];
    throwIfCancelled(signal);
    rows.push(...chunk);
    if (rows.length > maxRows) {
      throw new SqlError(
        'failed',
        'The statement returned more rows than this server reads',
        `over ${maxRows} rows; every statement it emits should carry a LIMIT`,
        'Report it with the sql shown: it is a defect of this server',
        '',
      );
    }
  } while (await operation.hasMoreRows());
  return rows;
}

/**
 * Settings of every session. TIMEZONE is pinned to UTC because an admin may set another zone for all
 * warehouses, and the statements rely on UTC: unzoned timestamp parameters, CAST(request_time AS DATE) days,
 * request_date (a UTC date) and the request_time strings that the inference-tail cursor carries.
 */
export function sessionConfiguration(target: Pick<WarehouseTarget, 'statementTimeoutSeconds'>): Record<string, string> {
  return { STATEMENT_TIMEOUT: String(target.statementTimeoutSeconds ?? DEFAULT_STATEMENT_TIMEOUT_SECONDS), TIMEZONE: 'UTC' };
}

function toDriverParameters(driver: Driver, params: Record<string, SqlValue>): Record<string, DriverParameter> {
  const out: Record<string, DriverParameter> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value === null) out[name] = new driver.DBSQLParameter({ value: null });
    else if (typeof value === 'object') out[name] = new driver.DBSQLParameter({ type: value.type as never, value: value.value });
    else out[name] = new driver.DBSQLParameter({ value });
  }
  return out;
}

/** JSON-safe values: Arrow results give Dates and bigints, column results give strings and numbers. */
function normaliseRow(row: Row): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) {
    if (value instanceof Date) out[key] = value.toISOString();
    else if (typeof value === 'bigint') out[key] = Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
    else out[key] = value;
  }
  return out;
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelledError();
}

function cancelledError(): SqlError {
  return new SqlError('cancelled', 'The statement was cancelled', 'the caller cancelled the request', 'Nothing to do; run the tool again when needed', '');
}

interface ErrorFacts {
  message: string;
  sqlState?: string;
  errorCode?: string;
  httpStatus?: number;
  code?: string;
}

/** Both driver error shapes — OperationStateError (an Error) and StatusError (a plain object) — and transport errors. */
function factsOf(error: unknown): ErrorFacts {
  const e = (error ?? {}) as Record<string, unknown>;
  const response = (e.response ?? {}) as Record<string, unknown>;
  const status = (response.status ?? {}) as Record<string, unknown>;
  const message = [response.displayMessage, response.errorMessage, status.errorMessage, e.message]
    .find((m) => typeof m === 'string' && m.trim() !== '') as string | undefined;
  const httpMatch = /bad HTTP status code: (\d{3})/.exec(String(e.message ?? ''));
  return {
    message: (message ?? String(error)).trim(),
    sqlState: typeof response.sqlState === 'string' ? response.sqlState : typeof status.sqlState === 'string' ? status.sqlState : undefined,
    errorCode: typeof e.errorCode === 'string' ? e.errorCode : undefined,
    httpStatus: typeof e.statusCode === 'number' ? e.statusCode : httpMatch ? Number(httpMatch[1]) : undefined,
    code: typeof e.code === 'string' ? e.code : undefined,
  };
}

const PERMISSION = /PERMISSION_DENIED|INSUFFICIENT_PERMISSIONS|does not have (the )?(\w+ )?(privilege|permission)|not authori[sz]ed|access denied|\b403\b/i;
const NOT_FOUND = /TABLE_OR_VIEW_NOT_FOUND|SCHEMA_NOT_FOUND|CATALOG_NOT_FOUND|does not exist|cannot be found|not found/i;
const SYNTAX = /PARSE_SYNTAX_ERROR|UNRESOLVED_COLUMN|UNRESOLVED_ROUTINE|DATATYPE_MISMATCH|syntax error|cannot resolve/i;

export function toSqlError(error: unknown, target: Pick<WarehouseTarget, 'host' | 'warehouseId' | 'actingAs'>, signal?: AbortSignal): SqlError {
  if (error instanceof SqlError) return error;
  if (error instanceof ToolError) {
    return new SqlError('auth', error.what, error.why, error.next, error.message);
  }
  const facts = factsOf(error);
  const detail = firstLine(facts.message);
  const where = `warehouse ${target.warehouseId} on ${target.host}`;
  if (signal?.aborted || facts.errorCode === 'CANCELED') return cancelledError();
  // QUERY_EXECUTION_TIMEOUT_EXCEEDED (SQLSTATE 57KD0) is what a warehouse says when STATEMENT_TIMEOUT ends a statement.
  if (facts.errorCode === 'TIMEOUT' || facts.sqlState === '57KD0' || /QUERY_EXECUTION_TIMEOUT_EXCEEDED|STATEMENT_TIMEOUT|timed out|TIMEDOUT/i.test(facts.message)) {
    return new SqlError('timeout', `The statement timed out on ${where}`, detail, 'Narrow the time window or add filters (endpoint, user) and retry', detail);
  }
  if (facts.httpStatus === 401 && target.actingAs) {
    return new SqlError('auth', `The ${where} refused the token of ${target.actingAs}`, 'HTTP 401: the token the Databricks Apps proxy forwarded is invalid or expired', 'Sign in to the app again; if it persists, the app\'s user authorization may lack the SQL scope (the app\'s user API scopes)', detail);
  }
  if (facts.httpStatus === 403 && target.actingAs) {
    return new SqlError('permission', `${target.actingAs} may not use ${where}`, 'HTTP 403 from the warehouse: the call ran with that user\'s own rights', 'Ask a workspace admin for CAN USE on the SQL warehouse for that user (or a group they belong to)', detail);
  }
  if (facts.httpStatus === 401) {
    return new SqlError('auth', `The ${where} refused the credentials`, 'HTTP 401: the token is invalid or expired', 'Check DATABRICKS_TOKEN (or the OAuth client id and secret) and restart the server', detail);
  }
  if (facts.httpStatus === 403) {
    return new SqlError('permission', `The principal may not use ${where}`, 'HTTP 403 from the warehouse', 'Ask a workspace admin for CAN USE on the SQL warehouse, or set DATABRICKS_WAREHOUSE_ID to a warehouse you can use', detail);
  }
  if (facts.httpStatus === 404) {
    // Not a missing table: no usage source can be read through a warehouse that is not there.
    return new SqlError('no_warehouse', `The SQL warehouse ${target.warehouseId} does not exist on ${target.host}`, 'HTTP 404 for its path /sql/1.0/warehouses/' + target.warehouseId, 'Set DATABRICKS_WAREHOUSE_ID (or the warehouse_id input) to the id at the end of the HTTP path in the warehouse\'s connection details', detail);
  }
  if (facts.sqlState === '42501' || PERMISSION.test(facts.message)) {
    return new SqlError('permission', 'The warehouse refused to read a table', detail, 'Ask an account or metastore admin for USE CATALOG, USE SCHEMA and SELECT on it', detail);
  }
  if (facts.sqlState === '42P01' || facts.sqlState === '42704' || NOT_FOUND.test(facts.message)) {
    return new SqlError('not_found', 'A table the statement reads does not exist', detail, 'Check the catalog, schema and table names', detail);
  }
  if (facts.sqlState?.startsWith('42') || SYNTAX.test(facts.message)) {
    return new SqlError('syntax', `The warehouse rejected the statement`, detail, 'Report it with the sql shown; it is a defect of this server', detail);
  }
  if (facts.code && /^(ECONN|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EPIPE|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|CERT_|ERR_TLS_)/.test(facts.code)) {
    return new SqlError('connection', `Cannot reach the ${where}`, `${facts.code}: ${detail}`, 'Check DATABRICKS_HOST and the network; for a private CA set NODE_EXTRA_CA_CERTS', detail);
  }
  if (facts.errorCode === 'ERROR' || facts.errorCode === 'UNKNOWN' || facts.errorCode === 'CLOSED') {
    return new SqlError('failed', `The statement failed on ${where}`, detail, 'Retry once; if it fails again, narrow the query or check the warehouse state', detail);
  }
  return new SqlError('connection', `The SQL call to ${where} failed`, detail, 'Check that the warehouse is running and reachable, then retry', detail);
}

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}
