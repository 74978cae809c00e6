// Sandbox SQL warehouse figures: small-query rates through the unmodified @databricks/sql driver (sequential
// and 8-way concurrent), warehouse start with the default seed, and the time to seed 10 M usage rows.
// Medians of several rounds. Build first: npx tsc -p tsconfig.json.
// Usage: node bench/sandbox.mjs [--rounds 5] [--queries 200] [--big-rows 10000000] [--skip-big]
import { DBSQLClient } from '@databricks/sql';
import { startSandbox } from '../dist/sandbox/start-sandbox.js';
import { createWarehouse } from '../dist/sandbox/warehouse/create-warehouse.js';
import { createFaultController } from '../dist/sandbox/faults.js';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const rounds = option('rounds', 5);
const queries = option('queries', 200);
const bigRows = option('big-rows', 10_000_000);
const skipBig = args.includes('--skip-big');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const SMALL_QUERY = "SELECT 1 AS a, 'x' AS b";

async function openSession(sandbox) {
  const client = new DBSQLClient();
  await client.connect({
    host: sandbox.host,
    port: sandbox.port,
    path: sandbox.warehousePath,
    token: sandbox.token,
    customCaCert: sandbox.caCert,
    telemetryEnabled: false,
  });
  return { client, session: await client.openSession() };
}

async function runQueries(session, count) {
  for (let i = 0; i < count; i += 1) {
    const op = await session.executeStatement(SMALL_QUERY);
    await op.fetchAll();
    await op.close();
  }
}

async function queryRates() {
  const sandbox = await startSandbox();
  const sessions = await Promise.all(Array.from({ length: 8 }, () => openSession(sandbox)));
  const sequential = [];
  const concurrent = [];
  try {
    await runQueries(sessions[0].session, 20);
    for (let r = 0; r < rounds; r += 1) {
      let started = performance.now();
      await runQueries(sessions[0].session, queries);
      sequential.push((queries * 1000) / (performance.now() - started));
      started = performance.now();
      await Promise.all(sessions.map((s) => runQueries(s.session, queries / 8)));
      concurrent.push((queries * 1000) / (performance.now() - started));
    }
  } finally {
    for (const s of sessions) {
      await s.session.close();
      await s.client.close();
    }
    await sandbox.close();
  }
  return { sequential_qps: median(sequential), concurrent8_qps: median(concurrent) };
}

async function warehouseStart(rows) {
  const times = [];
  for (let r = 0; r < rounds; r += 1) {
    const started = performance.now();
    const warehouse = await createWarehouse({ seed: 42, rows, faults: createFaultController(), principalOf: () => undefined });
    times.push(performance.now() - started);
    await warehouse.close();
  }
  return median(times);
}

async function seedBig() {
  const started = performance.now();
  const warehouse = await createWarehouse({ seed: 42, rows: bigRows, faults: createFaultController(), principalOf: () => undefined });
  const ms = performance.now() - started;
  const [usage] = await warehouse.exec('SELECT count(*) AS n FROM system.serving.endpoint_usage');
  const [payload] = await warehouse.exec('SELECT count(*) AS n FROM workshop.skyloyalty_ops.gw_payload');
  await warehouse.close();
  return { ms, usageRows: Number(usage.n), payloadRows: Number(payload.n) };
}

const rates = await queryRates();
const start50k = await warehouseStart(50_000);
const big = skipBig ? undefined : await seedBig();

const figures = [
  ['small query, sequential (q/s)', rates.sequential_qps.toFixed(0)],
  ['small query, 8-way concurrent (q/s)', rates.concurrent8_qps.toFixed(0)],
  ['warehouse start + default seed, 50 k rows (ms)', start50k.toFixed(0)],
  ...(big
    ? [[`seed ${big.usageRows.toLocaleString('en')} usage + ${big.payloadRows.toLocaleString('en')} payload rows (s)`, (big.ms / 1000).toFixed(1)]]
    : []),
];
const width = Math.max(...figures.map(([k]) => k.length));
for (const [k, v] of figures) console.log(`${k.padEnd(width)}  ${v}`);
console.log(JSON.stringify({ bench: 'sandbox-warehouse', rounds, queries, ...rates, warehouse_start_50k_ms: start50k, seed_big: big }));
