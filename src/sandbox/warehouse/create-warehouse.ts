/**
 * The sandbox's SQL warehouse: TCLIService over Thrift-over-HTTP, answered from an in-memory DuckDB that holds
 * the Unity Catalog tables the product reads. DuckDB is imported here, on demand, so nothing loads it before a
 * sandbox starts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { InvocationRecord, PayloadTableRef, Warehouse, WarehouseBehaviour, WarehouseOptions } from '../sandbox-contract.js';
import { ADMIN, AGENT_SP } from '../seed/seed-catalog.js';
import { seedWorkspace } from '../seed/seed-data.js';
import { ACCOUNT_ID, WORKSPACE_ID } from '../seed/seed-usage.js';
import {
  AI_GATEWAY_USAGE_DDL,
  catalogAndSchemaDdl,
  checkPayloadRef,
  checkSchemaName,
  ENDPOINT_USAGE_DDL,
  INFORMATION_SCHEMA_DDL,
  payloadTableDdl,
  payloadTableName,
  SERVED_ENTITIES_DDL,
} from './catalogs.js';
import { DIALECT_MACROS, rewrite, sqlString } from './dialect.js';
import type { Operation } from './operations.js';
import { WarehouseService, type Engine } from './tcli-service.js';
import { thrift, TCLIService } from './thrift.js';

export const DEFAULT_BEHAVIOUR: WarehouseBehaviour = {
  errorShape: 'operation-state',
  resultFormat: 'arrow',
  systemTableReaders: [ADMIN, AGENT_SP],
  directResultsWaitMs: 250,
};

/** Statements stopped by CancelOperation or CloseOperation while running; tests read it with exec(). */
const CANCELLED_STATEMENTS_DDL = `CREATE TABLE memory.main.cancelled_statements (
  statement_id VARCHAR, statement VARCHAR, principal VARCHAR, stopped_by VARCHAR, stopped_at TIMESTAMP)`;

const uuidOf = (guid: Buffer) => guid.toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');

export async function createWarehouse(opts: WarehouseOptions): Promise<Warehouse> {
  const duck = await import('@duckdb/node-api');
  const instance = await duck.DuckDBInstance.create(':memory:');
  const attached = new Set<string>();
  const setup = await instance.connect();
  const run = async (sql: string) => {
    await setup.run(sql);
  };

  await run(`ATTACH ':memory:' AS dbx_system;
    CREATE SCHEMA dbx_system.serving; CREATE SCHEMA dbx_system.ai_gateway;
    ${ENDPOINT_USAGE_DDL}; ${SERVED_ENTITIES_DDL}; ${AI_GATEWAY_USAGE_DDL};
    ${DIALECT_MACROS} ${INFORMATION_SCHEMA_DDL} ${CANCELLED_STATEMENTS_DDL}`);
  attached.add('dbx_system');

  // DDL on one connection at a time: ensurePayloadTable may be called while a seed statement runs.
  let ddlQueue: Promise<unknown> = Promise.resolve();
  const ddl = <T>(work: () => Promise<T>): Promise<T> => {
    const next = ddlQueue.then(work);
    ddlQueue = next.catch(() => undefined);
    return next;
  };
  const payloadTable = (ref: PayloadTableRef): Promise<string> => {
    checkPayloadRef(ref);
    return ddl(async () => {
      await run(`${catalogAndSchemaDdl(ref.catalog, ref.schema, attached)}\n${payloadTableDdl(ref)}`);
      return payloadTableName(ref);
    });
  };

  await seedWorkspace({ run, payloadTable }, { seed: opts.seed, rows: opts.rows, now: new Date() });

  const engine: Engine = {
    duck,
    connect: () => instance.connect(),
    async recordCancel(op: Operation, how) {
      const c = await instance.connect();
      try {
        await c.run(
          `INSERT INTO memory.main.cancelled_statements VALUES (${sqlString(uuidOf(op.guid))}, ${sqlString(op.statement)},
            ${op.session.principal ? sqlString(op.session.principal) : 'NULL'}, ${sqlString(how)}, now()::TIMESTAMP)`,
        );
      } finally {
        c.closeSync();
      }
    },
  };
  const behaviour: WarehouseBehaviour = { ...DEFAULT_BEHAVIOUR, ...opts.behaviour };
  const service = new WarehouseService(engine, opts.faults, behaviour, opts.missingReadPrivilege, opts.governedTables);
  let closed = false;

  return {
    id: randomBytes(8).toString('hex'),
    received: service.received,
    handle(req: IncomingMessage, res: ServerResponse, body: Buffer) {
      serveThrift(service, opts, req, res, body);
    },
    async ensureSchema(catalog, schema) {
      checkSchemaName(catalog, schema);
      await ddl(() => run(catalogAndSchemaDdl(catalog, schema, attached)));
    },
    async ensurePayloadTable(ref) {
      await payloadTable(ref);
    },
    runAs: (principal, sql, userAgent) => service.runAs(principal, sql, userAgent),
    async logInvocation(request) {
      const table = request.payloadTable ? await payloadTable(request.payloadTable) : undefined;
      await ddl(() => run(logInvocationSql(request, table)));
    },
    async exec(sql) {
      const c: DuckDBConnection = await instance.connect();
      try {
        const reader = await c.runAndReadAll(rewrite(sql, { databricksDialect: false }).sql);
        return reader.getRowObjectsJS() as Record<string, unknown>[];
      } finally {
        c.closeSync();
      }
    },
    configure(change) {
      Object.assign(behaviour, change);
    },
    async close() {
      if (closed) return;
      closed = true;
      await service.close();
      setup.closeSync();
      instance.closeSync();
    },
  };
}

const text = (value: string | undefined) => (value === undefined ? 'NULL' : sqlString(value));
const timestamp = (date: Date) => `TIMESTAMP ${sqlString(date.toISOString().replace('T', ' ').replace('Z', ''))}`;

/**
 * The rows a served request leaves: its served entity in served_entities (once: the system table learns a new
 * endpoint's entities from its first request here), a usage row, and a payload row when `payloadTable` is set.
 */
function logInvocationSql(r: InvocationRecord, payloadTable: string | undefined): string {
  const { endpoint, servedEntity } = r;
  const context = r.usageContext && Object.keys(r.usageContext).length > 0
    ? `map([${Object.keys(r.usageContext).map(sqlString).join(', ')}], [${Object.values(r.usageContext).map(sqlString).join(', ')}])`
    : 'NULL';
  const statements = [
    `INSERT INTO dbx_system.serving.served_entities
     SELECT ${[servedEntity.id, ACCOUNT_ID, WORKSPACE_ID, endpoint.creator, endpoint.name, endpoint.id, servedEntity.name, servedEntity.entityType, servedEntity.entityName].map(sqlString).join(', ')},
       NULL, 1, ${text(endpoint.task)}, NULL, NULL, NULL, NULL, ${timestamp(r.requestTime)}, NULL
     WHERE NOT EXISTS (SELECT 1 FROM dbx_system.serving.served_entities WHERE served_entity_id = ${sqlString(servedEntity.id)})`,
    `INSERT INTO dbx_system.serving.endpoint_usage VALUES (${sqlString(ACCOUNT_ID)}, ${sqlString(WORKSPACE_ID)}, ${text(r.clientRequestId)},
       ${sqlString(r.databricksRequestId)}, ${sqlString(servedEntity.id)}, ${sqlString(r.requester)}, ${r.statusCode}, ${timestamp(r.requestTime)}, false,
       ${r.inputTokens}, ${r.outputTokens}, ${r.request.length}, ${r.response.length}, ${context})`,
  ];
  if (payloadTable) {
    statements.push(`INSERT INTO ${payloadTable} VALUES (${sqlString(r.databricksRequestId)}, CAST(${timestamp(r.requestTime)} AS DATE), ${text(r.clientRequestId)},
       ${timestamp(r.requestTime)}, ${r.statusCode}, 1.0, ${r.executionMs}, ${sqlString(r.request)}, ${sqlString(r.response)}, CAST([] AS VARCHAR[]),
       ${sqlString(servedEntity.id)}, ${sqlString(r.requester)})`);
  }
  return statements.join(';\n');
}

const bearer = (req: IncomingMessage) => /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];

/** One Thrift-over-HTTP exchange: the body is a whole TBinaryProtocol message in a buffered transport. */
function serveThrift(service: WarehouseService, opts: WarehouseOptions, req: IncomingMessage, res: ServerResponse, body: Buffer) {
  const token = bearer(req);
  const principal = token ? opts.principalOf(token) : undefined;
  const path = (req.url ?? '').split('?')[0] ?? '';
  const processor = new TCLIService.Processor(service.handlerFor(principal, path, req.headers['user-agent'] ?? '') as never);
  try {
    thrift.TBufferedTransport.receiver((transport) => {
      const output = new thrift.TBufferedTransport(undefined, (reply?: Buffer) => {
        res.writeHead(200, { 'content-type': 'application/x-thrift' });
        res.end(reply);
      });
      processor.process(new thrift.TBinaryProtocol(transport), new thrift.TBinaryProtocol(output));
    }, 0)(body);
  } catch (error) {
    if (res.headersSent) return;
    res.writeHead(400, { 'content-type': 'text/plain' });
    // thrift reports a body that ends mid-message as an InputBufferUnderrunError with no message.
    const detail = (error as { message?: unknown } | undefined)?.message || 'the body ends before the message does';
    res.end(`The warehouse could not read this Thrift request (${String(detail)}). Send TCLIService calls with TBinaryProtocol over a buffered transport.`);
  }
}
