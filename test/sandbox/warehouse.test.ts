/**
 * The sandbox SQL warehouse through the unmodified @databricks/sql driver: what the product's SQL client will
 * meet on a real warehouse. Every statement sent also goes to the Spark SQL grammar check at the end of the run.
 */
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import OperationStateError from '@databricks/sql/dist/errors/OperationStateError.js';
import { TOperationState } from '@databricks/sql/thrift/TCLIService_types.js';
import type { Sandbox } from '../../src/sandbox/sandbox-contract.js';
import { SEEDED_SECRETS } from '../../src/sandbox/seed/seed-data.js';
import { DEFAULT_BEHAVIOUR } from '../../src/sandbox/warehouse/create-warehouse.js';
import { recordSparkSql } from '../support/spark-sql.js';
import { watchTimers } from '../support/timers.js';
import { connectWarehouse, startWarehouseSandbox, type WarehouseClient } from '../support/warehouse.js';

let sandbox: Sandbox;
let admin: WarehouseClient;

/** Runs a statement after checking that Databricks would parse it. */
const sql = (client: WarehouseClient, statement: string, params?: Parameters<WarehouseClient['query']>[1]) => {
  recordSparkSql([statement], 'test/sandbox/warehouse.test.ts');
  return client.query(statement, params);
};

beforeAll(async () => {
  sandbox = await startWarehouseSandbox();
  admin = await connectWarehouse(sandbox);
});

afterAll(async () => {
  await admin?.close();
  await sandbox?.close();
});

describe('parameters', () => {
  test('named parameters bind typed values, also inside expressions', async () => {
    const since = new Date(Date.now() - 7 * 86_400_000);
    const statement = `SELECT count(*) AS n FROM system.serving.endpoint_usage
      WHERE request_time >= :since AND status_code = :status AND requester = :who`;
    const [row] = await sql(admin, statement, { named: { since, status: 200, who: 'alice@example.com' } });
    const [expected] = await sandbox.warehouse.exec(`SELECT count(*) AS n FROM system.serving.endpoint_usage
      WHERE request_time >= TIMESTAMP '${since.toISOString().replace('T', ' ').replace('Z', '')}'
        AND status_code = 200 AND requester = 'alice@example.com'`);
    expect(Number(expected!['n'])).toBeGreaterThan(0);
    expect(row!['n']).toBe(Number(expected!['n']));
  });

  test('ordinal parameters bind in order; markers inside literals, comments and :: casts are left alone', async () => {
    const statement = `SELECT ? AS a, ? AS b, ? AS c, 'it''s :not ? a marker' AS lit, -- a ? comment with :x
      CAST('5' AS INT) AS five`;
    const [row] = await sql(admin, statement, { ordinal: ["O'Brien", 41, true] });
    expect(row).toEqual({ a: "O'Brien", b: 41, c: true, lit: "it's :not ? a marker", five: 5 });
  });

  test('a missing parameter is a Databricks error, not a silent NULL', async () => {
    const error = await sql(admin, 'SELECT :absent AS x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationStateError);
    expect((error as OperationStateError).response?.sqlState).toBe('42P02');
  });

  test('IDENTIFIER(:t) names a payload table from a parameter', async () => {
    const [row] = await sql(admin, 'SELECT count(*) AS n FROM IDENTIFIER(:t) WHERE request_date >= current_date() - INTERVAL 30 DAYS', {
      named: { t: 'workshop.skyloyalty_ops.gw_payload' },
    });
    expect(row!['n']).toBeGreaterThan(0);
  });
});

describe('result types', () => {
  test('DATE and TIMESTAMP arrive as Date (Arrow), numbers as numbers, arrays and maps parsed', async () => {
    const [row] = await sql(
      admin,
      `SELECT request_date, request_time, status_code, execution_duration_ms, logging_error_codes, sampling_fraction
       FROM workshop.skyloyalty_ops.gw_payload ORDER BY request_time DESC LIMIT 1`,
    );
    expect(row!['request_date']).toBeInstanceOf(Date);
    expect(row!['request_time']).toBeInstanceOf(Date);
    expect((row!['request_date'] as Date).toISOString().slice(0, 10)).toBe((row!['request_time'] as Date).toISOString().slice(0, 10));
    expect(typeof row!['status_code']).toBe('number');
    expect(typeof row!['execution_duration_ms']).toBe('number');
    expect(Array.isArray(row!['logging_error_codes'])).toBe(true);
    const [usage] = await sql(admin, `SELECT usage_context, usage_context['team'] AS team FROM system.serving.endpoint_usage
      WHERE usage_context IS NOT NULL LIMIT 1`);
    expect(usage!['usage_context']).toEqual(expect.objectContaining({ team: usage!['team'] }));
  });

  test('column-based results (the non-Arrow fallback) carry the same rows with dates as text', async () => {
    sandbox.warehouse.configure?.({ resultFormat: 'column' });
    try {
      const [row] = await sql(admin, "SELECT DATE '2026-03-04' AS d, CAST(7 AS BIGINT) AS n, 'x' AS s, CAST(NULL AS STRING) AS z");
      expect(row).toEqual({ d: '2026-03-04', n: 7, s: 'x', z: null });
    } finally {
      sandbox.warehouse.configure?.({ resultFormat: 'arrow' });
    }
  });
});

test('a long statement runs asynchronously and a cancel really stops it in DuckDB', async () => {
  const statement = 'SELECT count(*) AS n FROM range(1000000) a CROSS JOIN range(1000000) b';
  recordSparkSql([statement], 'test/sandbox/warehouse.test.ts');
  const op = await admin.session.executeStatement(statement);
  const fetching = op.fetchAll().catch((e: unknown) => e);
  const status = await op.status();
  expect(status.operationState).toBe(TOperationState.RUNNING_STATE);
  await op.cancel();
  const error = await fetching;
  expect(error).toBeInstanceOf(OperationStateError);
  const cancelled = await sandbox.warehouse.exec('SELECT statement, stopped_by FROM cancelled_statements');
  expect(cancelled).toContainEqual({ statement, stopped_by: 'cancel' });
});

test('a statement that finishes before the direct-results wait leaves no timer running', async () => {
  // A wait no statement here outlasts, and a duration no other timer in the process has.
  const waitMs = 45_678;
  sandbox.warehouse.configure?.({ directResultsWaitMs: waitMs });
  const waits = watchTimers(waitMs);
  try {
    expect(await sql(admin, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await waits.armed;
    expect(await waits.pending()).toBe(0);
  } finally {
    waits.stop();
    sandbox.warehouse.configure?.({ directResultsWaitMs: DEFAULT_BEHAVIOUR.directResultsWaitMs });
  }
});

describe('errors', () => {
  test('by default a failed statement is an OperationStateError with sqlState and hasResultSet true', async () => {
    const error = await sql(admin, 'SELECT * FROM workshop.skyloyalty_ops.missing_payload').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationStateError);
    const e = error as OperationStateError;
    expect(e.response?.sqlState).toBe('42P01');
    expect(e.message).toContain('[TABLE_OR_VIEW_NOT_FOUND]');
  });

  test('switched to execute-status, the driver throws a StatusError that is not an Error and has no sqlState', async () => {
    sandbox.warehouse.configure?.({ errorShape: 'execute-status' });
    try {
      const error = await sql(admin, 'SELECT * FROM workshop.skyloyalty_ops.missing_payload').catch((e: unknown) => e);
      expect(error).not.toBeInstanceOf(Error);
      expect(error).toEqual(expect.objectContaining({ message: expect.stringContaining('SQLSTATE: 42P01') }));
      expect((error as { sqlState?: string }).sqlState).toBeUndefined();
    } finally {
      sandbox.warehouse.configure?.({ errorShape: 'operation-state' });
    }
  });

  test('a body that is not a Thrift message is a 400 saying why; the warehouse keeps serving', async () => {
    const http = new Agent({ connect: { ca: sandbox.caCert } });
    try {
      for (const body of ['', 'not thrift at all', Buffer.from([0x80, 0x01, 0x00, 0x01, 0x00, 0x00])]) {
        const response = await request(`${sandbox.url}${sandbox.warehousePath}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/x-thrift' },
          body,
          dispatcher: http,
        });
        expect(response.statusCode).toBe(400);
        const text = await response.body.text();
        expect(text).toMatch(/^The warehouse could not read this Thrift request \(the body ends before the message does\)/);
      }
    } finally {
      await http.close();
    }
    expect(await sql(admin, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  test('an RPC the warehouse lacks fails that call only; the session keeps working', async () => {
    const error = await admin.session.getTypeInfo().catch((e: unknown) => e);
    expect(String((error as Error).message)).toContain('does not implement GetTypeInfo');
    expect(await sql(admin, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });
});

test('metadata calls list Unity Catalog names, the payload table and its documented columns', async () => {
  const fetch = async (p: Promise<{ fetchAll(): Promise<object[]>; close(): Promise<unknown> }>) => {
    const op = await p;
    try {
      return (await op.fetchAll()) as Record<string, unknown>[];
    } finally {
      await op.close();
    }
  };
  const catalogs = await fetch(admin.session.getCatalogs());
  expect(catalogs.map((c) => c['TABLE_CAT'])).toEqual(expect.arrayContaining(['system', 'workshop']));
  const schemas = await fetch(admin.session.getSchemas({ catalogName: 'system' }));
  expect(schemas.map((s) => s['TABLE_SCHEM'])).toEqual(expect.arrayContaining(['serving', 'ai_gateway']));
  const tables = await fetch(admin.session.getTables({ catalogName: 'system', schemaName: 'serving' }));
  expect(tables.map((t) => t['TABLE_NAME']).sort()).toEqual(['endpoint_usage', 'served_entities']);
  const columns = await fetch(
    admin.session.getColumns({ catalogName: 'workshop', schemaName: 'skyloyalty_ops', tableName: 'gw_payload' }),
  );
  expect(columns.map((c) => `${c['COLUMN_NAME']} ${c['TYPE_NAME']}`)).toEqual([
    'databricks_request_id STRING',
    'request_date DATE',
    'client_request_id STRING',
    'request_time TIMESTAMP',
    'status_code INT',
    'sampling_fraction DOUBLE',
    'execution_duration_ms BIGINT',
    'request STRING',
    'response STRING',
    'logging_error_codes ARRAY<STRING>',
    'served_entity_id STRING',
    'requester STRING',
  ]);
});

test('system.information_schema confirms a payload table, including one created for a new endpoint', async () => {
  await sandbox.warehouse.ensurePayloadTable({ catalog: 'workshop', schema: 'new_ops', prefix: 'fresh', endpointName: 'fresh-gateway' });
  const statement = `SELECT table_name FROM system.information_schema.tables
    WHERE table_catalog = :catalog AND table_schema = :schema AND table_name = :table_name`;
  expect(await sql(admin, statement, { named: { catalog: 'workshop', schema: 'new_ops', table_name: 'fresh_payload' } })).toEqual([
    { table_name: 'fresh_payload' },
  ]);
  expect(await sql(admin, 'SELECT count(*) AS n FROM workshop.new_ops.fresh_payload')).toEqual([{ n: 0 }]);
});

test('a session opened in a catalog and schema resolves unqualified table names there', async () => {
  const session = await admin.client.openSession({ initialCatalog: 'workshop', initialSchema: 'skyloyalty_ops' });
  try {
    const statement = "SELECT count(*) AS n FROM gw_payload WHERE get_json_object(request, '$.max_tokens') = '512'";
    recordSparkSql([statement], 'test/sandbox/warehouse.test.ts');
    const op = await session.executeStatement(statement);
    const [row] = (await op.fetchAll()) as { n: number }[];
    await op.close();
    expect(row!.n).toBeGreaterThan(0);
  } finally {
    await session.close();
  }
});

test('a principal without system-table grants is refused like Databricks refuses it', async () => {
  const nobody = await connectWarehouse(sandbox, sandbox.addToken('nobody@example.com'));
  try {
    const error = await sql(nobody, 'SELECT count(*) AS n FROM system.serving.endpoint_usage').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationStateError);
    expect((error as OperationStateError).response?.sqlState).toBe('42501');
    expect((error as Error).message).toContain("User does not have USE SCHEMA on Schema 'system.serving'");
  } finally {
    await nobody.close();
  }
});

describe('Unity Catalog grants on payload tables', () => {
  const PAYLOAD = 'workshop.skyloyalty_ops.gw_payload';
  let http: Agent;
  beforeAll(() => {
    http = new Agent({ connect: { ca: sandbox.caCert } });
  });
  afterAll(() => http.close());

  /** PATCHes grants over REST as the admin, as create_gateway does. */
  async function grant(type: string, fullName: string, principal: string, privileges: string[]) {
    const response = await request(`${sandbox.url}/api/2.1/unity-catalog/permissions/${type}/${fullName}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ changes: [{ principal, add: privileges }] }),
      dispatcher: http,
    });
    expect(response.statusCode).toBe(200);
    await response.body.dump();
  }

  const refusal = (client: WarehouseClient, statement: string, named?: Record<string, unknown>) =>
    sql(client, statement, { named }).then(
      () => 'read',
      (e: unknown) => {
        expect(e).toBeInstanceOf(OperationStateError);
        expect((e as OperationStateError).response?.sqlState).toBe('42501');
        return (e as Error).message;
      },
    );

  test('a principal without grants is refused; USE_CATALOG, USE_SCHEMA and SELECT granted over REST let it read', async () => {
    const principal = 'reader@example.com';
    const reader = await connectWarehouse(sandbox, sandbox.addToken(principal));
    try {
      const statement = `SELECT count(*) AS n FROM ${PAYLOAD}`;
      expect(await refusal(reader, statement)).toMatch(/^\[INSUFFICIENT_PERMISSIONS\] .*User does not have USE CATALOG on Catalog 'workshop'.* SQLSTATE: 42501$/);
      expect(await refusal(reader, 'SELECT count(*) AS n FROM IDENTIFIER(:t)', { t: PAYLOAD })).toContain("USE CATALOG on Catalog 'workshop'");

      await grant('catalog', 'workshop', principal, ['USE_CATALOG']);
      expect(await refusal(reader, statement)).toContain("User does not have USE SCHEMA on Schema 'workshop.skyloyalty_ops'");
      await grant('schema', 'workshop.skyloyalty_ops', principal, ['USE_SCHEMA']);
      expect(await refusal(reader, statement)).toContain(`User does not have SELECT on Table '${PAYLOAD}'`);
      await grant('table', PAYLOAD, principal, ['SELECT']);
      const [row] = await sql(reader, statement);
      expect(row!['n']).toBeGreaterThan(0);
    } finally {
      await reader.close();
    }
  });

  test('unqualified and two-part names resolved in the session namespace are checked too; SELECT inherits from the schema', async () => {
    const principal = 'frank@example.com';
    const inNamespace = await connectWarehouse(sandbox, sandbox.addToken(principal), { initialCatalog: 'workshop', initialSchema: 'skyloyalty_ops' });
    try {
      await grant('catalog', 'workshop', principal, ['USE_CATALOG']);
      await grant('schema', 'workshop.skyloyalty_ops', principal, ['USE_SCHEMA']);
      for (const statement of ['gw_payload', 'skyloyalty_ops.gw_payload', 'workshop.gw_payload'].map((t) => `SELECT count(*) AS n FROM ${t}`)) {
        expect(await refusal(inNamespace, statement)).toContain(`SELECT on Table '${PAYLOAD}'`);
      }
      await grant('schema', 'workshop.skyloyalty_ops', principal, ['SELECT']);
      const [row] = await sql(inNamespace, 'SELECT count(*) AS n FROM gw_payload');
      expect(row!['n']).toBeGreaterThan(0);
    } finally {
      await inNamespace.close();
    }
  });

  test('the admin reads payload tables as metastore admin, the OAuth service principal by its seeded grants', async () => {
    for (const token of [sandbox.token, sandbox.addToken(sandbox.oauth.clientId)]) {
      const client = await connectWarehouse(sandbox, token);
      try {
        const [row] = await sql(client, `SELECT count(*) AS n FROM ${PAYLOAD}`);
        expect(row!['n']).toBeGreaterThan(0);
      } finally {
        await client.close();
      }
    }
  });
});

test('a warehouse that refuses sessions fails openSession, then recovers', async () => {
  sandbox.faults.add({ kind: 'refuse-sessions', times: 1 });
  const refused = await connectWarehouse(sandbox).catch((e: unknown) => e);
  expect(String((refused as { message?: string }).message)).toContain('not accepting new sessions');
  const next = await connectWarehouse(sandbox);
  await next.close();
});

describe('seed data', () => {
  test('served_entities keeps history: a join without de-duplication double counts', async () => {
    const [usage] = await sql(admin, 'SELECT count(*) AS n FROM system.serving.endpoint_usage');
    const [naive] = await sql(
      admin,
      `SELECT count(*) AS n FROM system.serving.endpoint_usage u
       JOIN system.serving.served_entities se ON u.served_entity_id = se.served_entity_id`,
    );
    const [deduplicated] = await sql(
      admin,
      `SELECT count(*) AS n FROM system.serving.endpoint_usage u
       JOIN (SELECT served_entity_id, endpoint_name FROM (
         SELECT served_entity_id, endpoint_name,
           ROW_NUMBER() OVER (PARTITION BY served_entity_id ORDER BY change_time DESC) AS rn
         FROM system.serving.served_entities) latest WHERE rn = 1) se
       ON u.served_entity_id = se.served_entity_id`,
    );
    expect(naive!['n']).toBeGreaterThanOrEqual(2 * (usage!['n'] as number));
    expect(deduplicated!['n']).toBe(usage!['n']);
  });

  test("the runaway agent's spike day exceeds ten times its median day", async () => {
    const rows = await sql(
      admin,
      `SELECT DATE(request_time) AS day, SUM(input_token_count + output_token_count) AS tokens
       FROM system.serving.endpoint_usage WHERE requester = :agent GROUP BY ALL ORDER BY day`,
      { named: { agent: 'b3d9f1a2-7c44-4e8e-8f0a-1d2c3b4a5e6f' } },
    );
    const tokens = rows.map((r) => r['tokens'] as number).sort((a, b) => a - b);
    const median = tokens[Math.floor(tokens.length / 2)]!;
    expect(tokens[tokens.length - 1]!).toBeGreaterThan(10 * median);
  });

  test('the newest payload rows carry every kind of seeded secret, for redaction tests', async () => {
    const rows = await sql(
      admin,
      `SELECT request, response FROM workshop.skyloyalty_ops.gw_payload
       WHERE request_date >= current_date() - INTERVAL 30 DAYS ORDER BY request_time DESC LIMIT 20`,
    );
    for (const r of rows) {
      expect(JSON.parse(r['request'] as string)).toEqual(expect.objectContaining({ messages: expect.any(Array) }));
      if (r['response'] !== null) expect(JSON.parse(r['response'] as string)).toBeTypeOf('object');
    }
    const text = rows.map((r) => `${r['request']} ${r['response']}`).join('\n');
    for (const [kind, examples] of Object.entries(SEEDED_SECRETS)) {
      expect(examples.some((e) => text.includes(JSON.stringify(e).slice(1, -1))), kind).toBe(true);
    }
    expect(text).toMatch(/dapi[0-9a-f]{32}/);
  });

  test('guardrail blocks, 429 and 5xx bursts are present', async () => {
    const [blocks] = await sql(
      admin,
      `SELECT count(*) AS n FROM workshop.skyloyalty_ops.gw_payload
       WHERE status_code = 400 AND get_json_object(response, '$.message') LIKE '%flagged by AI guardrails%'`,
    );
    expect(blocks!['n']).toBeGreaterThan(0);
    const bursts = await sql(
      admin,
      `SELECT status_code, MAX(n) AS worst_hour FROM (
         SELECT status_code, date_trunc('HOUR', request_time) AS hour, count(*) AS n
         FROM system.serving.endpoint_usage WHERE status_code IN (429, 500, 503) GROUP BY ALL) per_hour
       GROUP BY status_code ORDER BY status_code`,
    );
    expect(bursts.map((b) => b['status_code'])).toEqual([429, 500, 503]);
    for (const b of bursts) expect(b['worst_hour']).toBeGreaterThan(5);
  });
});
