/**
 * Drives the sandbox's SQL warehouse as the product does: the unmodified @databricks/sql driver over HTTPS,
 * trusting the sandbox CA.
 */
import { DBSQLClient } from '@databricks/sql';
import type IDBSQLSession from '@databricks/sql/dist/contracts/IDBSQLSession.js';
import type { Sandbox, SandboxOptions } from '../../src/sandbox/sandbox-contract.js';
import { driverLogger } from '../../src/databricks/sql-client.js';
import { startSandbox } from '../../src/sandbox/start-sandbox.js';

export interface WarehouseClient {
  client: DBSQLClient;
  session: IDBSQLSession;
  /** Runs one statement and returns all rows. */
  query(sql: string, params?: { named?: Record<string, unknown>; ordinal?: unknown[] }): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** `namespace`: the session's initial catalog and schema, where unqualified names resolve. */
export async function connectWarehouse(
  sandbox: Sandbox,
  token = sandbox.token,
  namespace?: { initialCatalog: string; initialSchema: string },
): Promise<WarehouseClient> {
  // The product's logger: the driver's default prints "Created DBSQLClient" on stdout for every client.
  const client = new DBSQLClient({ logger: driverLogger(false) as never });
  await client.connect({
    host: sandbox.host,
    port: sandbox.port,
    path: sandbox.warehousePath,
    token,
    customCaCert: sandbox.caCert,
    telemetryEnabled: false,
  } as Parameters<DBSQLClient['connect']>[0]);
  const session = await client.openSession(namespace);
  return {
    client,
    session,
    async query(sql, params = {}) {
      const op = await session.executeStatement(sql, {
        namedParameters: params.named as never,
        ordinalParameters: params.ordinal as never,
      });
      try {
        return (await op.fetchAll()) as Record<string, unknown>[];
      } finally {
        await op.close();
      }
    },
    async close() {
      await session.close();
      await client.close();
    },
  };
}

export async function startWarehouseSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({ rows: 20_000, ...opts });
}
