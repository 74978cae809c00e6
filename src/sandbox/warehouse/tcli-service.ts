/**
 * The TCLIService handler: the RPCs @databricks/sql sends to a SQL warehouse, answered the way a Databricks
 * warehouse answers them (protocol V8, direct results, Arrow batches, both error shapes).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import Int64 from 'node-int64';
import type { FaultController, ReceivedStatement, TableName, WarehouseBehaviour, WarehouseOptions } from '../sandbox-contract.js';
import { HIDDEN_TABLES_VARIABLE } from './catalogs.js';
import { duckCatalog, rewrite, sqlString, type SparkParameter } from './dialect.js';
import { arrowBatch, arrowSchema, tableSchema, thriftColumn } from './encode.js';
import { errorText, fromException, sqlError, SqlFailure, systemSchemaDenied, tableReadDenied } from './warehouse-errors.js';
import { configuredTimeout, DEFAULT_STATEMENT_TIMEOUT_SECONDS, STATEMENT_TIMEOUT, timedOut, timeoutStatement } from './statement-timeout.js';
import { handleId, newHandle, Operation, type Session } from './operations.js';
import { duckResultSet, type Duck, type ResultSet } from './results.js';
import { T } from './thrift.js';

export interface Engine {
  readonly duck: Duck;
  connect(): Promise<DuckDBConnection>;
  /** Notes a statement the warehouse stopped, at the caller's request or at its timeout (tests read it back). */
  recordCancel(op: Operation, how: 'cancel' | 'close' | 'timeout'): Promise<void>;
}

const OK = { statusCode: T.TStatusCode.SUCCESS_STATUS };
/** Enough for any test run; benchmarks send many more, so only the newest are kept. */
const MAX_RECEIVED = 5_000;
const failure = (message: string, sqlState?: string) => ({
  statusCode: T.TStatusCode.ERROR_STATUS,
  errorMessage: message,
  displayMessage: message,
  sqlState,
});

const STATES = {
  running: T.TOperationState.RUNNING_STATE,
  finished: T.TOperationState.FINISHED_STATE,
  error: T.TOperationState.ERROR_STATE,
  canceled: T.TOperationState.CANCELED_STATE,
  closed: T.TOperationState.CLOSED_STATE,
} as const;

const int64 = (n: number) => new Int64(n);
const num = (v: unknown, fallback: number) => (v instanceof Int64 ? v.toNumber() : typeof v === 'number' ? v : fallback);

interface OpenSessionReq {
  initialNamespace?: { catalogName?: string; schemaName?: string };
  /** Session configuration: the driver's `openSession({configuration})`, e.g. STATEMENT_TIMEOUT. */
  configuration?: Record<string, string>;
}

interface HandleReq {
  sessionHandle?: { sessionId?: { guid?: Buffer } };
  operationHandle?: { operationId?: { guid?: Buffer } };
  getDirectResults?: { maxRows?: Int64 };
}

/**
 * Error shapes (WarehouseBehaviour.errorShape): `operation-state` reports a failed statement as an ERROR_STATE
 * operation status with hasResultSet true, which the driver throws as OperationStateError (an Error carrying
 * sqlState); `execute-status` puts ERROR_STATUS in the ExecuteStatement response, which the driver throws as
 * StatusError (not an Error, no sqlState). Result formats: `arrow` gives DATE/TIMESTAMP as Date, `column`
 * gives them as text.
 */
export class WarehouseService {
  /** Statements as received, newest last (see Warehouse.received). */
  readonly received: ReceivedStatement[] = [];
  private readonly sessions = new Map<string, Session>();
  private readonly operations = new Map<string, Operation>();

  constructor(
    private readonly engine: Engine,
    private readonly faults: FaultController,
    readonly behaviour: WarehouseBehaviour,
    private readonly missingReadPrivilege: WarehouseOptions['missingReadPrivilege'] = undefined,
    private readonly governedTables: WarehouseOptions['governedTables'] = undefined,
  ) {}

  /** The handler object for one request; the generated Processor calls it with one argument per RPC. */
  handlerFor(principal: string | undefined, path: string, userAgent = ''): object {
    const rpcs: Record<string, (req: never) => Promise<unknown>> = {
      OpenSession: (req: OpenSessionReq) => this.openSession(req, principal, path),
      CloseSession: (req: HandleReq) => this.closeSession(req),
      GetInfo: (req: { infoType?: number }) => this.getInfo(req),
      ExecuteStatement: (req: HandleReq & { statement: string; parameters?: SparkParameter[] }) => {
        this.record({ sql: req.statement, principal, userAgent });
        return this.executeStatement(req);
      },
      GetOperationStatus: (req: HandleReq) => this.getOperationStatus(req),
      GetResultSetMetadata: (req: HandleReq) => this.getResultSetMetadata(req),
      FetchResults: (req: HandleReq & { maxRows?: Int64; orientation?: number }) => this.fetchResults(req),
      CancelOperation: (req: HandleReq) => this.stopOperation(req, 'cancel'),
      CloseOperation: (req: HandleReq) => this.stopOperation(req, 'close'),
      GetCatalogs: (req: HandleReq) => this.metadata(req, catalogsSql()),
      GetSchemas: (req: HandleReq & { catalogName?: string; schemaName?: string }) => this.metadata(req, schemasSql(req)),
      GetTables: (req: HandleReq & { catalogName?: string; schemaName?: string; tableName?: string }) => this.metadata(req, tablesSql(req)),
      GetColumns: (req: HandleReq & { catalogName?: string; schemaName?: string; tableName?: string; columnName?: string }) =>
        this.metadata(req, columnsSql(req)),
    };
    // A missing RPC must fail as a Thrift exception: the generated Processor would otherwise throw synchronously.
    return new Proxy(rpcs, {
      get: (target, name) =>
        typeof name === 'string' && name in target
          ? target[name]
          : (_req: unknown) => Promise.reject(new Error(`The sandbox warehouse does not implement ${String(name)}.`)),
    });
  }

  async close(): Promise<void> {
    for (const op of this.operations.values()) op.interrupt('closed');
    await Promise.all([...this.operations.values()].map((op) => op.done));
    this.operations.clear();
    this.sessions.clear();
  }

  private async openSession(req: OpenSessionReq, principal: string | undefined, path: string) {
    const refuse = (status: ReturnType<typeof failure>) => ({ status, serverProtocolVersion: T.TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V8 });
    if (this.faults.take('refuse-sessions', { method: 'POST', path })) {
      return refuse(failure('[TEMPORARILY_UNAVAILABLE] The SQL warehouse is not accepting new sessions right now. Retry in a few seconds or check that the warehouse is running.', '08004'));
    }
    let statementTimeoutSeconds: number;
    try {
      statementTimeoutSeconds = configuredTimeout(req.configuration) ?? DEFAULT_STATEMENT_TIMEOUT_SECONDS;
    } catch (e) {
      const error = fromException(e);
      return refuse(failure(errorText(error), error.sqlState));
    }
    const h = newHandle();
    const ns = req.initialNamespace;
    const namespace = ns?.catalogName ? { catalog: ns.catalogName, schema: ns.schemaName ?? 'default' } : undefined;
    const session: Session = {
      key: handleId(h.guid),
      guid: h.guid,
      secret: h.secret,
      principal,
      namespace,
      operations: new Set(),
      statementTimeoutSeconds,
    };
    this.sessions.set(session.key, session);
    return {
      status: OK,
      serverProtocolVersion: T.TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V8,
      sessionHandle: { sessionId: { guid: h.guid, secret: h.secret } },
      initialNamespace: ns,
      canUseMultipleCatalogs: true,
      configuration: {},
    };
  }

  private async closeSession(req: HandleReq) {
    const session = this.session(req);
    if (!session) return { status: failure('Invalid SessionHandle: the session does not exist or was closed.') };
    for (const key of session.operations) this.operations.get(key)?.interrupt('closed');
    for (const key of session.operations) this.operations.delete(key);
    this.sessions.delete(session.key);
    return { status: OK };
  }

  private async getInfo(req: { infoType?: number }) {
    const values: Record<number, string> = {
      [T.TGetInfoType.CLI_SERVER_NAME]: 'Spark SQL',
      [T.TGetInfoType.CLI_DBMS_NAME]: 'Spark SQL',
      [T.TGetInfoType.CLI_DBMS_VER]: '3.5.0',
    };
    return { status: OK, infoValue: { stringValue: values[req.infoType ?? -1] ?? '' } };
  }

  private session(req: HandleReq): Session | undefined {
    return this.sessions.get(handleId(req.sessionHandle?.sessionId?.guid));
  }

  private operation(req: HandleReq): Operation | undefined {
    return this.operations.get(handleId(req.operationHandle?.operationId?.guid));
  }

  private record(statement: ReceivedStatement): void {
    this.received.push(statement);
    if (this.received.length > MAX_RECEIVED) this.received.splice(0, this.received.length - MAX_RECEIVED);
  }

  private async executeStatement(req: HandleReq & { statement: string; parameters?: SparkParameter[] }) {
    const session = this.session(req);
    if (!session) return { status: failure('Invalid SessionHandle: the session does not exist or was closed. Open a new session.') };
    return this.start(req, session, req.statement, () => {
      const timeout = timeoutStatement(req.statement);
      if (timeout !== undefined) {
        session.statementTimeoutSeconds = timeout;
        return `SELECT ${sqlString(STATEMENT_TIMEOUT)} AS key, ${sqlString(String(timeout))} AS value`;
      }
      const statement = rewrite(req.statement, { parameters: req.parameters ?? [] });
      this.checkSystemReads(session, statement.systemSchemas, statement.tableNames);
      this.checkTableReads(session, statement.tableNames);
      return statement.sql;
    });
  }

  /**
   * Runs one statement as `principal` outside any Thrift session, with the same dialect shim and privilege
   * checks: how the workspace's own jobs (SQL alerts) query the warehouse. Recorded like any statement.
   */
  async runAs(principal: string, statement: string, userAgent: string): Promise<Record<string, unknown>[]> {
    this.record({ sql: statement, principal, userAgent });
    try {
      const session = { principal, namespace: undefined } as Session;
      const rewritten = rewrite(statement, { parameters: [] });
      this.checkSystemReads(session, rewritten.systemSchemas, rewritten.tableNames);
      this.checkTableReads(session, rewritten.tableNames);
      const connection = await this.engine.connect();
      try {
        return (await connection.runAndReadAll(rewritten.sql)).getRowObjectsJS() as Record<string, unknown>[];
      } finally {
        connection.closeSync();
      }
    } catch (error) {
      throw new Error(errorText(fromException(error)));
    }
  }

  /**
   * System tables: the configured readers (account admins) always; anyone else with USE CATALOG, USE SCHEMA and
   * SELECT granted through Unity Catalog, so the grant an error message asks for really opens the table.
   */
  private checkSystemReads(session: Session, schemas: string[], names: string[][]): void {
    const principal = session.principal;
    if (principal !== undefined && this.behaviour.systemTableReaders.includes(principal)) return;
    for (const schema of schemas) {
      const tables: TableName[] = names
        .filter((n) => n.length === 3 && n[0]!.toLowerCase() === 'system' && n[1]!.toLowerCase() === schema)
        .map((n) => [n[0]!, n[1]!, n[2]!] as const);
      if (!this.missingReadPrivilege || principal === undefined || tables.length === 0) throw new SqlFailure(systemSchemaDenied(schema));
      for (const table of tables) {
        const missing = this.missingReadPrivilege(principal, table);
        if (missing) throw new SqlFailure(systemSchemaDenied(schema, missing));
      }
    }
  }

  /** Refuses a statement naming a governed table the session's principal may not read, as Unity Catalog does. */
  private checkTableReads(session: Session, names: string[][]): void {
    if (!this.missingReadPrivilege) return;
    for (const table of names.flatMap((name) => resolutions(name, session.namespace))) {
      // System tables have their own check above.
      if (table[0].toLowerCase() === 'system') continue;
      const missing = this.missingReadPrivilege(session.principal ?? '', table);
      if (missing) throw new SqlFailure(tableReadDenied(missing));
    }
  }

  /**
   * Governed tables the principal may not use, which information_schema leaves out as Unity Catalog does: system
   * tables for all but the configured readers and those granted them, other tables without the read privileges.
   */
  private tablesHiddenFrom(principal: string | undefined): string[] {
    if (!this.missingReadPrivilege || !this.governedTables) return [];
    const mayUse = (table: TableName) => {
      if (principal === undefined) return false;
      if (table[0].toLowerCase() === 'system' && this.behaviour.systemTableReaders.includes(principal)) return true;
      return this.missingReadPrivilege!(principal, table) === undefined;
    };
    return this.governedTables()
      .filter((table) => !mayUse(table))
      .map((table) => table.join('.').toLowerCase());
  }

  private metadata(req: HandleReq, sql: string) {
    const session = this.session(req);
    if (!session) return Promise.resolve({ status: failure('Invalid SessionHandle: the session does not exist or was closed.') });
    return this.start(req, session, sql, () => sql);
  }

  /** Starts a statement, waits briefly for it, and answers with direct results as a warehouse does. */
  private async start(req: HandleReq, session: Session, statement: string, prepare: () => string) {
    const op = new Operation(session, statement, async (attach) => {
      const sql = prepare();
      const connection = await this.engine.connect();
      try {
        if (!attach(connection)) throw new Error('INTERRUPT Error: the statement was cancelled before it started.');
        // Unqualified names resolve in the initial namespace; memory.main stays on the path for the dialect macros.
        const ns = session.namespace;
        if (ns) await connection.run(`SET search_path = ${sqlString(`${duckCatalog(ns.catalog)}.${ns.schema},memory.main`)}`);
        if (sql.includes(INFORMATION_SCHEMA)) {
          const hidden = this.tablesHiddenFrom(session.principal);
          if (hidden.length > 0) await connection.run(`SET VARIABLE ${HIDDEN_TABLES_VARIABLE} = [${hidden.map(sqlString).join(', ')}]`);
        }
        const result = await connection.run(sql);
        return duckResultSet(this.engine.duck, result, await result.fetchAllChunks());
      } finally {
        connection.closeSync();
      }
    }, {
      // The clock starts when the statement does, as Databricks counts it.
      timeoutSeconds: session.statementTimeoutSeconds < DEFAULT_STATEMENT_TIMEOUT_SECONDS ? session.statementTimeoutSeconds : 0,
      timeoutError: timedOut,
      onTimedOut: (stopped) => void this.engine.recordCancel(stopped, 'timeout'),
    });
    this.operations.set(op.key, op);
    session.operations.add(op.key);

    let waited: NodeJS.Timeout | undefined;
    // A warehouse of the execute-status shape answers ExecuteStatement only once it knows the outcome; without
    // this wait a slow (loaded) statement would fail through the poll path, in the other shape.
    const answerAfter = this.behaviour.errorShape === 'execute-status' ? op.done : new Promise((r) => (waited = setTimeout(r, this.behaviour.directResultsWaitMs)));
    await Promise.race([op.done, answerAfter]);
    clearTimeout(waited);
    const handle = this.thriftHandle(op);
    if (op.state === 'error' && this.behaviour.errorShape === 'execute-status') {
      this.forget(op);
      return { status: failure(errorText(op.error!), op.error!.sqlState) };
    }
    if (op.state !== 'finished') {
      return { status: OK, operationHandle: handle, directResults: { operationStatus: this.status(op) } };
    }
    const maxRows = num(req.getDirectResults?.maxRows, 100_000);
    const resultSet = this.page(op, maxRows);
    const everything = op.cursor >= op.result!.rowCount;
    if (everything) this.forget(op);
    return {
      status: OK,
      operationHandle: handle,
      directResults: {
        operationStatus: this.status(op),
        resultSetMetadata: this.metadataResp(op.result!),
        resultSet,
        closeOperation: everything ? { status: OK } : undefined,
      },
    };
  }

  private forget(op: Operation) {
    this.operations.delete(op.key);
    op.session.operations.delete(op.key);
  }

  private thriftHandle(op: Operation) {
    return {
      operationId: { guid: op.guid, secret: op.secret },
      operationType: T.TOperationType.EXECUTE_STATEMENT,
      // Never false for an errored statement: the driver would then return [] instead of throwing.
      hasResultSet: true,
    };
  }

  private status(op: Operation) {
    const error = op.error ?? (op.state === 'canceled' ? sqlError('OPERATION_CANCELED', 'HY008', 'The statement was cancelled.') : undefined);
    return {
      status: OK,
      operationState: STATES[op.state],
      hasResultSet: true,
      sqlState: error?.sqlState,
      errorMessage: error ? errorText(error) : undefined,
      displayMessage: error ? errorText(error) : undefined,
      operationStarted: int64(op.started),
      operationCompleted: op.completed ? int64(op.completed) : undefined,
    };
  }

  private async getOperationStatus(req: HandleReq) {
    const op = this.operation(req);
    if (!op) return { status: failure('Invalid OperationHandle: the statement does not exist or was closed.') };
    return this.status(op);
  }

  private metadataResp(result: ResultSet) {
    const arrow = this.behaviour.resultFormat === 'arrow';
    return {
      status: OK,
      schema: tableSchema(result.columns),
      resultFormat: arrow ? T.TSparkRowSetType.ARROW_BASED_SET : T.TSparkRowSetType.COLUMN_BASED_SET,
      arrowSchema: arrow ? arrowSchema(result.columns) : undefined,
      lz4Compressed: false,
    };
  }

  private async getResultSetMetadata(req: HandleReq) {
    const op = this.operation(req);
    if (!op?.result) return { status: failure('The statement has no result set: it does not exist, failed, or is still running.') };
    return this.metadataResp(op.result);
  }

  /** The next page of an operation's rows, in the behaviour's result format; advances the cursor. */
  private page(op: Operation, maxRows: number) {
    const result = op.result!;
    const start = op.cursor;
    const count = Math.max(0, Math.min(maxRows, result.rowCount - start));
    const values = result.page(start, count);
    op.cursor = start + count;
    const rows =
      this.behaviour.resultFormat === 'arrow'
        ? { startRowOffset: int64(start), rows: [], arrowBatches: count > 0 ? [arrowBatch(result.columns, values, count)] : [] }
        : { startRowOffset: int64(start), rows: [], columns: result.columns.map((c, i) => thriftColumn(c.kind, values[i]!)) };
    return { status: OK, hasMoreRows: op.cursor < result.rowCount, results: rows };
  }

  private async fetchResults(req: HandleReq & { maxRows?: Int64; orientation?: number }) {
    const op = this.operation(req);
    if (!op?.result) return { status: failure('The statement has no result set: it does not exist, failed, or is still running.') };
    if (req.orientation === T.TFetchOrientation.FETCH_FIRST) op.cursor = 0;
    return this.page(op, num(req.maxRows, 10_000));
  }

  private async stopOperation(req: HandleReq, how: 'cancel' | 'close') {
    const op = this.operation(req);
    if (!op) {
      return how === 'close' ? { status: OK } : { status: failure('Invalid OperationHandle: the statement does not exist or was closed.') };
    }
    if (op.interrupt(how === 'cancel' ? 'canceled' : 'closed')) {
      // Answer only once DuckDB has really stopped, so a caller that saw the cancel succeed can rely on it.
      await op.done;
      await this.engine.recordCancel(op, how);
    }
    if (how === 'close') this.forget(op);
    return { status: OK };
  }
}

/**
 * The tables a name as written may resolve to. DuckDB reads `a.b` as schema `a` of the session's catalog, or as
 * table `b` in catalog `a` (its search-path schema, or `main`), so each reading is checked.
 */
function resolutions(name: string[], ns: Session['namespace']): TableName[] {
  const [a, b, c] = name as [string, string?, string?];
  if (c !== undefined) return [[a, b!, c]];
  if (b !== undefined) return ns ? [[ns.catalog, a, b], [a, ns.schema, b], [a, 'main', b]] : [[a, 'main', b]];
  return ns ? [[ns.catalog, ns.schema, a]] : [];
}

/** A JDBC-style search pattern (`%`, `_`; Spark also takes `*`) as a SQL LIKE literal. */
const pattern = (p: string | undefined) => sqlString(!p ? '%' : p.replaceAll('*', '%'));
const catalogFilter = (c: string | undefined, column: string) => (c ? `AND ${column} = ${sqlString(c)}` : '');
const INFORMATION_SCHEMA = 'uc_information_schema';
const INFO = `dbx_system.${INFORMATION_SCHEMA}`;

function catalogsSql(): string {
  return `SELECT catalog_name AS TABLE_CAT FROM ${INFO}.catalogs ORDER BY 1`;
}

function schemasSql(req: { catalogName?: string; schemaName?: string }): string {
  return `SELECT schema_name AS TABLE_SCHEM, catalog_name AS TABLE_CATALOG FROM ${INFO}.schemata
    WHERE schema_name LIKE ${pattern(req.schemaName)} ${catalogFilter(req.catalogName, 'catalog_name')} ORDER BY 2, 1`;
}

function tablesSql(req: { catalogName?: string; schemaName?: string; tableName?: string }): string {
  return `SELECT table_catalog AS TABLE_CAT, table_schema AS TABLE_SCHEM, table_name AS TABLE_NAME,
      CASE table_type WHEN 'VIEW' THEN 'VIEW' ELSE 'TABLE' END AS TABLE_TYPE, comment AS REMARKS
    FROM ${INFO}.tables WHERE table_schema LIKE ${pattern(req.schemaName)} AND table_name LIKE ${pattern(req.tableName)}
      ${catalogFilter(req.catalogName, 'table_catalog')} ORDER BY 1, 2, 3`;
}

function columnsSql(req: { catalogName?: string; schemaName?: string; tableName?: string; columnName?: string }): string {
  return `SELECT table_catalog AS TABLE_CAT, table_schema AS TABLE_SCHEM, table_name AS TABLE_NAME, column_name AS COLUMN_NAME,
      CASE data_type WHEN 'STRING' THEN 12 WHEN 'INT' THEN 4 WHEN 'BIGINT' THEN -5 WHEN 'DOUBLE' THEN 8 WHEN 'FLOAT' THEN 6
        WHEN 'BOOLEAN' THEN 16 WHEN 'DATE' THEN 91 WHEN 'TIMESTAMP' THEN 93 WHEN 'DECIMAL' THEN 3 WHEN 'ARRAY' THEN 2003
        WHEN 'MAP' THEN 2000 WHEN 'STRUCT' THEN 2002 WHEN 'SMALLINT' THEN 5 WHEN 'TINYINT' THEN -6 WHEN 'BINARY' THEN -2
        ELSE 1111 END AS DATA_TYPE,
      upper(full_data_type) AS TYPE_NAME, ordinal_position AS ORDINAL_POSITION, is_nullable AS IS_NULLABLE, comment AS REMARKS
    FROM ${INFO}.columns WHERE table_schema LIKE ${pattern(req.schemaName)} AND table_name LIKE ${pattern(req.tableName)}
      AND column_name LIKE ${pattern(req.columnName)} ${catalogFilter(req.catalogName, 'table_catalog')}
    ORDER BY 1, 2, 3, ORDINAL_POSITION`;
}
