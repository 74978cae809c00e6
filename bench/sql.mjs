// query_usage and tail_inference through the built MCP server against the sandbox warehouse, each tool's median
// latency against the raw @databricks/sql driver running the very statement the tool ran, and the server's
// peak RSS, at growing table sizes (usage rows; payload rows are a tenth of them).
// The overhead per call is given twice: in wall time (tool − raw, per interleaved pair), and in CPU time (the
// server's, all threads, from /proc, minus this process's CPU for the raw run), which a loaded machine does not
// inflate the way it inflates waiting. The sandbox runs in its own process, so neither side counts DuckDB.
// Build first: npm run build.   Usage: node bench/sql.mjs [--rows 1000000,10000000] [--rounds 7]
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { DBSQLClient, DBSQLParameter } from '@databricks/sql';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { SEED_ENDPOINTS } from '../dist/sandbox/seed/seed-catalog.js';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const sizes = option('rows', '1000000,10000000').split(',').map(Number);
const rounds = Number(option('rounds', '7'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const DAY = 86_400_000;

const prices = Object.fromEntries(
  SEED_ENDPOINTS.flatMap((e) => e.servedEntities).map((s) => [s.entityName, { input_per_million: s.dollarsPerMillionInput, output_per_million: s.dollarsPerMillionOutput }]),
);
const window = { since: new Date(Date.now() - 30 * DAY).toISOString(), until: new Date(Date.now() + DAY).toISOString() };
const CASES = [
  ['query_usage summary', 'query_usage', { report: 'summary', ...window }],
  ['query_usage by_day', 'query_usage', { report: 'by_day', ...window }],
  ['query_usage top_users', 'query_usage', { report: 'top_users', ...window }],
  ['query_usage errors', 'query_usage', { report: 'errors', ...window }],
  ['query_usage spikes', 'query_usage', { report: 'spikes', ...window }],
  ['query_usage chargeback', 'query_usage', { report: 'chargeback', prices, ...window }],
  ['tail_inference newest 20', 'tail_inference', { endpoint: 'skyloyalty-ai-gateway', since: new Date(Date.now() - 2 * DAY).toISOString() }],
  ['tail_inference errors 100', 'tail_inference', { endpoint: 'skyloyalty-ai-gateway', status: 'errors', limit: 100, payloads: 'none', ...window }],
];

// The tools report their parameters untyped; the markers' names say which Spark type the tool bound.
function typed(name, value) {
  if (/^(since|until|cursor_time)(_\d+)?$/.test(name)) return new DBSQLParameter({ type: 'TIMESTAMP', value });
  if (/_date(_\d+)?$|^report_since/.test(name)) return new DBSQLParameter({ type: 'DATE', value });
  if (/^(row_limit|min_tokens|payload_chars|status)(_\d+)?$/.test(name)) return new DBSQLParameter({ type: 'INTEGER', value });
  if (/^(spike_multiple|price_input|price_output)(_\d+)?$/.test(name)) return new DBSQLParameter({ type: 'DOUBLE', value });
  return new DBSQLParameter({ type: 'STRING', value });
}

function rssOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** Nanoseconds a process spent on a CPU, all its threads (Linux). */
function cpuNs(pid) {
  return readdirSync(`/proc/${pid}/task`).reduce((sum, task) => {
    try {
      return sum + Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      return sum;
    }
  }, 0);
}

/** `ai-gateway-mcp sandbox` in its own process, seeded with `rows`; resolves when it prints its settings. */
function startSandboxProcess(rows) {
  const child = spawn(process.execPath, ['dist/cli.cjs', 'sandbox', '--port', '0', '--rows', String(rows)], { stdio: ['ignore', 'pipe', 'inherit'], env: { PATH: process.env.PATH } });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (!line || !out.includes('\n')) return;
      const s = JSON.parse(line);
      const url = new URL(s.host);
      resolve({
        url: s.host,
        host: url.hostname,
        port: Number(url.port),
        token: s.token,
        warehousePath: s.warehouse_path,
        warehouseId: s.warehouse_path.split('/').pop(),
        caCertPath: s.ca_cert,
        caCert: readFileSync(s.ca_cert, 'utf8'),
        close: () => new Promise((done) => (child.once('exit', done), child.kill('SIGTERM'))),
      });
    });
    child.once('exit', (code) => reject(new Error(`the sandbox exited with ${code}`)));
  });
}

async function benchSize(rows) {
  let started = Date.now();
  const sandbox = await startSandboxProcess(rows);
  const seedSeconds = (Date.now() - started) / 1000;

  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['dist/cli.cjs'],
    env: { PATH: process.env.PATH, DATABRICKS_HOST: sandbox.url, DATABRICKS_TOKEN: sandbox.token, DATABRICKS_WAREHOUSE_ID: sandbox.warehouseId, NODE_EXTRA_CA_CERTS: sandbox.caCertPath },
    stderr: 'ignore',
  });
  const mcp = new Client({ name: 'bench', version: '1' });
  await mcp.connect(transport);
  // As every client does first: the tools (and their output schemas) are listed once, not per call.
  await mcp.listTools();
  const pid = transport.pid;
  let sampledPeak = 0;
  const sampler = setInterval(() => {
    sampledPeak = Math.max(sampledPeak, rssOf(pid).rss);
  }, 25);

  const driver = new DBSQLClient();
  await driver.connect({ host: sandbox.host, port: sandbox.port, path: sandbox.warehousePath, token: sandbox.token, customCaCert: sandbox.caCert, telemetryEnabled: false });
  const session = await driver.openSession();
  const rawRun = async (sql, parameters) => {
    const namedParameters = Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, typed(k, v)]));
    const op = await session.executeStatement(sql, { namedParameters });
    const out = await op.fetchAll();
    await op.close();
    return out;
  };

  const results = [];
  for (const [label, tool, toolArgs] of CASES) {
    const call = async () => {
      const result = await mcp.callTool({ name: tool, arguments: toolArgs }, { timeout: 600_000 });
      if (result.isError) throw new Error(`${label}: ${result.content[0].text}`);
      return result.structuredContent;
    };
    const warm = await call();
    await rawRun(warm.sql, warm.parameters);
    const toolMs = [];
    const rawMs = [];
    const toolCpu = [];
    const rawCpu = [];
    // Interleaved so both see the same cache and load conditions.
    for (let i = 0; i < rounds; i += 1) {
      let cpu = cpuNs(pid);
      started = performance.now();
      const result = await call();
      toolMs.push(performance.now() - started);
      toolCpu.push((cpuNs(pid) - cpu) / 1e6);
      cpu = cpuNs(process.pid);
      started = performance.now();
      await rawRun(result.sql, result.parameters);
      rawMs.push(performance.now() - started);
      rawCpu.push((cpuNs(process.pid) - cpu) / 1e6);
    }
    // Overhead per call: the median of each round's difference (tool − raw), as the rounds are interleaved pairs.
    const overhead = median(toolMs.map((t, i) => t - rawMs[i]));
    const cpuOverhead = median(toolCpu.map((t, i) => t - rawCpu[i]));
    results.push({ case: label, rows: warm.rows.length, tool_ms: median(toolMs), raw_ms: median(rawMs), overhead_ms: overhead, cpu_overhead_ms: cpuOverhead, ratio: median(toolMs) / median(rawMs) });
  }
  clearInterval(sampler);
  const peak = Math.max(sampledPeak, rssOf(pid).peak);
  await session.close();
  await driver.close();
  await mcp.close();
  await sandbox.close();
  return { rows, seedSeconds, peakRssMb: peak, results };
}

const all = [];
for (const rows of sizes) {
  const size = await benchSize(rows);
  all.push(size);
  console.log(`\nload average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`\n${rows.toLocaleString('en-US')} usage rows (${(rows / 10).toLocaleString('en-US')} payload rows) · seeded in ${size.seedSeconds.toFixed(1)} s · server peak RSS ${size.peakRssMb.toFixed(1)} MB`);
  console.log('case                         rows   tool ms   raw ms   overhead ms: wall   CPU (target ≤ 2)   tool/raw');
  for (const r of size.results) {
    console.log(`${r.case.padEnd(27)} ${String(r.rows).padStart(5)} ${r.tool_ms.toFixed(1).padStart(9)} ${r.raw_ms.toFixed(1).padStart(8)} ${r.overhead_ms.toFixed(1).padStart(18)} ${r.cpu_overhead_ms.toFixed(1).padStart(6)} ${r.ratio.toFixed(3).padStart(21)}`);
  }
}
console.log(`\n${JSON.stringify(all.map((s) => ({ rows: s.rows, peak_rss_mb: Math.round(s.peakRssMb), worst_ratio: Math.max(...s.results.map((r) => r.ratio)), worst_overhead_ms: Math.max(...s.results.map((r) => r.overhead_ms)), worst_cpu_overhead_ms: Math.max(...s.results.map((r) => r.cpu_overhead_ms)), results: s.results })))}`);
