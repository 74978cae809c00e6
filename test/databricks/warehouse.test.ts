/**
 * The product's warehouse client against the sandbox warehouse, through the unmodified @databricks/sql driver:
 * a result larger than the client reads is refused instead of being buffered whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlError, WarehouseClient } from '../../src/databricks/sql-client.js';
import type { Sandbox } from '../../src/sandbox/sandbox-contract.js';
import { startSandbox } from '../../src/sandbox/start-sandbox.js';

let sandbox: Sandbox;
let client: WarehouseClient;
beforeAll(async () => {
  sandbox = await startSandbox({});
  client = new WarehouseClient({ host: sandbox.url, warehouseId: sandbox.warehouseId, token: async () => sandbox.token, caCert: sandbox.caCert, poolSize: 1 });
}, 60_000);
afterAll(async () => {
  await client?.close();
  await sandbox?.close();
});

describe('warehouse client row cap', () => {
  it('refuses a result over maxRows rather than reading it all', async () => {
    const statement = { sql: 'SELECT request_time FROM `system`.`serving`.`endpoint_usage`', params: {} };
    const error = await client.query(statement, { maxRows: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqlError);
    expect((error as SqlError).message).toMatch(/more rows than this server reads.*over 5 rows/);
  });

  it('reads a result within maxRows whole, and the session stays usable', async () => {
    const rows = await client.query({ sql: 'SELECT request_time FROM `system`.`serving`.`endpoint_usage` LIMIT 5', params: {} }, { maxRows: 5 });
    expect(rows).toHaveLength(5);
  });
});
