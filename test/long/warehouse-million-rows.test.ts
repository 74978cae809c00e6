/**
 * Long-running: a million rows through the unmodified @databricks/sql driver from the sandbox warehouse, paged
 * in chunks. Run by `npm run test:long` (and CI), not by `npm test`.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox-contract.js';
import { recordSparkSql } from '../support/spark-sql.js';
import { connectWarehouse, startWarehouseSandbox, type WarehouseClient } from '../support/warehouse.js';

let sandbox: Sandbox;
let admin: WarehouseClient;

beforeAll(async () => {
  sandbox = await startWarehouseSandbox();
  admin = await connectWarehouse(sandbox);
});

afterAll(async () => {
  await admin?.close();
  await sandbox?.close();
});

test('a million rows page through the driver in chunks', async () => {
  const statement = 'SELECT id, id * 2 AS twice FROM range(1000000)';
  recordSparkSql([statement], 'test/long/warehouse-million-rows.test.ts');
  const op = await admin.session.executeStatement(statement, { maxRows: 100_000 });
  let rows = 0;
  let chunks = 0;
  let sum = 0;
  try {
    while ((await op.hasMoreRows()) && chunks < 50) {
      const chunk = (await op.fetchChunk({ maxRows: 100_000 })) as { id: number; twice: number }[];
      expect(chunk.length).toBeLessThanOrEqual(100_000);
      for (const r of chunk) sum += r.twice - r.id;
      rows += chunk.length;
      chunks++;
    }
  } finally {
    await op.close();
  }
  expect(rows).toBe(1_000_000);
  expect(chunks).toBeGreaterThanOrEqual(10);
  expect(sum).toBe((999_999 * 1_000_000) / 2);
});

