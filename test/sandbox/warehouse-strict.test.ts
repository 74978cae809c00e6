/**
 * Where a real SQL warehouse is stricter than a plain DuckDB behind Thrift: one warehouse id, information_schema
 * filtered by Unity Catalog grants, and the session's STATEMENT_TIMEOUT. All through the unmodified driver.
 */
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DBSQLClient } from '@databricks/sql';
import OperationStateError from '@databricks/sql/dist/errors/OperationStateError.js';
import type IDBSQLSession from '@databricks/sql/dist/contracts/IDBSQLSession.js';
import type { Sandbox } from '../../src/sandbox/sandbox-contract.js';
import { connectWarehouse, startWarehouseSandbox, type WarehouseClient } from '../support/warehouse.js';
import { eventually } from '../support/timers.js';

let sandbox: Sandbox;
let admin: WarehouseClient;
let http: Agent;

beforeAll(async () => {
  sandbox = await startWarehouseSandbox({ rows: 2_000 });
  admin = await connectWarehouse(sandbox);
  http = new Agent({ connect: { ca: sandbox.caCert } });
});
afterAll(async () => {
  await http?.close();
  await admin?.close();
  await sandbox?.close();
});

const ENDLESS = 'SELECT count(*) AS n FROM range(1000000) a CROSS JOIN range(1000000) b';

async function rows(session: IDBSQLSession, sql: string): Promise<Record<string, unknown>[]> {
  const op = await session.executeStatement(sql);
  try {
    return (await op.fetchAll()) as Record<string, unknown>[];
  } finally {
    await op.close();
  }
}

describe('the warehouse id', () => {
  test('a path naming another warehouse is an HTTP 404, for the driver and for a plain request', async () => {
    const client = new DBSQLClient();
    await client.connect({
      host: sandbox.host,
      port: sandbox.port,
      path: '/sql/1.0/warehouses/0123456789abcdef',
      token: sandbox.token,
      customCaCert: sandbox.caCert,
      telemetryEnabled: false,
    } as Parameters<DBSQLClient['connect']>[0]);
    try {
      const error = await client.openSession().catch((e: unknown) => e);
      expect(String((error as Error).message)).toMatch(/404/);
    } finally {
      await client.close();
    }
    const response = await request(`${sandbox.url}/sql/1.0/warehouses/0123456789abcdef`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sandbox.token}` },
      body: '',
      dispatcher: http,
    });
    expect(response.statusCode).toBe(404);
    expect(await response.body.json()).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
  });
});

describe('information_schema lists only what the caller may use', () => {
  const LISTED = `SELECT table_catalog, table_schema, table_name FROM system.information_schema.tables
    WHERE table_name IN ('endpoint_usage', 'gw_payload') ORDER BY table_name`;
  const names = (found: Record<string, unknown>[]) => found.map((r) => `${r['table_catalog']}.${r['table_schema']}.${r['table_name']}`);

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

  test('the admin sees every table; a principal without grants sees neither the system table nor the payload table', async () => {
    expect(names(await admin.query(LISTED))).toEqual(['system.serving.endpoint_usage', 'workshop.skyloyalty_ops.gw_payload']);
    const nobody = await connectWarehouse(sandbox, sandbox.addToken('nobody@example.com'));
    try {
      expect(await nobody.query(LISTED)).toEqual([]);
      const columns = await nobody.query("SELECT column_name FROM system.information_schema.columns WHERE table_name = 'gw_payload'");
      expect(columns).toEqual([]);
    } finally {
      await nobody.close();
    }
  });

  test('grants that open a table also list it, in SQL and in the metadata RPCs', async () => {
    const principal = 'lister@example.com';
    const lister = await connectWarehouse(sandbox, sandbox.addToken(principal));
    try {
      await grant('catalog', 'workshop', principal, ['USE_CATALOG']);
      await grant('schema', 'workshop.skyloyalty_ops', principal, ['USE_SCHEMA']);
      expect(await lister.query(LISTED)).toEqual([]);
      await grant('table', 'workshop.skyloyalty_ops.gw_payload', principal, ['SELECT']);
      expect(names(await lister.query(LISTED))).toEqual(['workshop.skyloyalty_ops.gw_payload']);
      const op = await lister.session.getTables({ catalogName: 'workshop', schemaName: 'skyloyalty_ops' });
      const tables = (await op.fetchAll()) as Record<string, unknown>[];
      await op.close();
      expect(tables.map((t) => t['TABLE_NAME'])).toEqual(['gw_payload']);
      const serving = await lister.session.getTables({ catalogName: 'system', schemaName: 'serving' });
      expect(await serving.fetchAll()).toEqual([]);
      await serving.close();
    } finally {
      await lister.close();
    }
  });
});

describe('STATEMENT_TIMEOUT', () => {
  const expectTimedOut = (error: unknown, seconds: number) => {
    expect(error).toBeInstanceOf(OperationStateError);
    expect((error as OperationStateError).response?.sqlState).toBe('57KD0');
    expect((error as Error).message).toBe(
      `[QUERY_EXECUTION_TIMEOUT_EXCEEDED] Query execution was cancelled due to exceeding the timeout (${seconds}s). SQLSTATE: 57KD0`,
    );
  };

  test('set in the session configuration, it stops a longer statement in DuckDB and spares a short one', async () => {
    const session = await admin.client.openSession({ configuration: { STATEMENT_TIMEOUT: '1' } });
    try {
      expect(await rows(session, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
      expectTimedOut(await rows(session, ENDLESS).catch((e: unknown) => e), 1);
    } finally {
      await session.close();
    }
    const stopped = await eventually(() => sandbox.warehouse.exec(`SELECT statement FROM cancelled_statements WHERE stopped_by = 'timeout'`), (found) => found.length > 0);
    expect(stopped).toEqual([{ statement: ENDLESS }]);
  });

  test('SET STATEMENT_TIMEOUT changes it for the rest of the session', async () => {
    const session = await admin.client.openSession();
    try {
      expect(await rows(session, 'SET STATEMENT_TIMEOUT = 1')).toEqual([{ key: 'STATEMENT_TIMEOUT', value: '1' }]);
      expectTimedOut(await rows(session, ENDLESS).catch((e: unknown) => e), 1);
      expect(await rows(session, 'RESET STATEMENT_TIMEOUT')).toEqual([{ key: 'STATEMENT_TIMEOUT', value: '172800' }]);
    } finally {
      await session.close();
    }
  });

  test('a value out of range is refused, at OpenSession and by SET', async () => {
    const refused = await admin.client.openSession({ configuration: { STATEMENT_TIMEOUT: 'soon' } }).catch((e: unknown) => e);
    expect(String((refused as Error).message)).toMatch(/\[INVALID_CONF_VALUE\].*STATEMENT_TIMEOUT/);
    const error = await admin.query('SET STATEMENT_TIMEOUT = 999999').catch((e: unknown) => e);
    expect(String((error as Error).message)).toMatch(/\[INVALID_CONF_VALUE\] The value '999999'/);
  });
});

describe('system.ai_gateway.usage', () => {
  test('has the columns Databricks documents: request_tags for attribution, no invented usage_context', async () => {
    const columns = await admin.query(`SELECT column_name, full_data_type FROM system.information_schema.columns
      WHERE table_catalog = 'system' AND table_schema = 'ai_gateway' AND table_name = 'usage' ORDER BY ordinal_position`);
    const names = columns.map((c) => c['column_name']);
    for (const documented of [
      'request_id', 'event_time', 'requester', 'user_agent', 'destination_model', 'input_tokens', 'output_tokens', 'total_tokens', 'token_details',
      'endpoint_name', 'endpoint_id', 'workspace_id', 'api_type', 'status_code', 'latency_ms', 'time_to_first_byte_ms', 'requester_type',
      'request_tags', 'routing_information', 'invocation_id', 'mcp_metadata', 'service_name',
    ]) {
      expect(names, documented).toContain(documented);
    }
    expect(names).not.toContain('usage_context');
    expect(columns.find((c) => c['column_name'] === 'request_tags')?.['full_data_type']).toBe('map<string,string>');
  });

  test('holds model-service traffic under service_name, routed to the registered model', async () => {
    const [row] = await admin.query(`SELECT count(*) AS n, count(DISTINCT destination_model) AS models, min(destination_model) AS model
      FROM system.ai_gateway.usage WHERE service_name = 'system.ai.claude-sonnet-4-6'`);
    expect(Number(row!['n'])).toBeGreaterThan(0);
    expect([Number(row!['models']), row!['model']]).toEqual([1, 'system.ai.databricks-claude-sonnet-4-6']);
  });

  test('carries the team in request_tags and cache reads in token_details', async () => {
    const [row] = await admin.query(`SELECT count(*) AS n, count(request_tags['team']) AS tagged,
      sum(token_details.cache_read_input_tokens) AS cached, sum(input_tokens) AS input FROM system.ai_gateway.usage`);
    expect(Number(row!['n'])).toBeGreaterThan(0);
    expect(Number(row!['tagged'])).toBeGreaterThan(Number(row!['n']) / 2);
    expect(Number(row!['cached'])).toBeGreaterThan(0);
    expect(Number(row!['cached'])).toBeLessThan(Number(row!['input']));
  });
});
