#!/usr/bin/env node
/**
 * Start-up cost, all in one run and one environment: spawn → exit for bare `node -e ''`, and spawn →
 * `tools/list` answered over stdio for the smallest official-SDK server (bench/minimal-sdk-server.mjs: one tool,
 * serveStdio), for ai-gateway-mcp as npm installs it (dist/cli.cjs, the package's bin) and as Claude Desktop runs it (the .mcpb
 * bundle, unpacked into a temp folder here, started as its manifest says). Every process gets the same clean environment (PATH
 * and HOME only), first as is, then with NODE_EXTRA_CA_CERTS set as behind a TLS-inspecting proxy — Node then
 * reads the CA file and builds its root store at start, a cost every process pays alike, so the ratios shrink.
 * Runs are interleaved so machine noise hits all alike; medians are quoted, the ratios are what to compare.
 * On Linux it also reports CPU time (every thread's, from /proc/<pid>/task/<tid>/schedstat, read at the answer; bare
 * node reads its own as it exits): on a shared machine, wall time includes waiting for a core, CPU time does not.
 *   node bench/startup.mjs [runs=15] [--entry dist/cli.cjs]… [--mcpb FILE.mcpb] [--ca FILE.pem]
 * Defaults: the bundle `npm run bundle` wrote (ai-gateway-mcp.mcpb), else one built into the temp folder; a CA
 * the bench makes. More `--entry` options add more launchers side by side (e.g. to compare caching strategies).
 * Build first (npm run build): the CA comes from the sandbox's certificate code in dist/.
 * Other Node versions: npx -y -p node@22 node bench/startup.mjs (every process is started with that Node).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const options = (name) => args.flatMap((a, i) => (a === name && i + 1 < args.length ? [args[i + 1]] : []));
const option = (name) => options(name)[0];
const runs = Math.max(3, Number(args.find((a, i) => /^\d+$/.test(a) && !args[i - 1]?.startsWith('--')) ?? 15));
const entries = (options('--entry').length ? options('--entry') : ['dist/cli.cjs']).map((e) => path.resolve(repo, e));
const minimal = path.join(repo, 'bench', 'minimal-sdk-server.mjs');

const scratch = mkdtempSync(path.join(tmpdir(), 'aigw-startup-'));
const bundleEntry = unpackBundle();

/** Unpacks the .mcpb into the temp folder and returns the script its manifest tells Claude Desktop to run. */
function unpackBundle() {
  let file = path.resolve(repo, option('--mcpb') ?? 'ai-gateway-mcp.mcpb');
  if (!option('--mcpb') && !existsSync(file)) {
    file = path.join(scratch, 'ai-gateway-mcp.mcpb');
    execFileSync(process.execPath, [path.join(repo, 'scripts', 'bundle.mjs'), file], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const dir = path.join(scratch, 'mcpb');
  execFileSync(process.execPath, [path.join(repo, 'node_modules', '@anthropic-ai', 'mcpb', 'dist', 'cli', 'cli.js'), 'unpack', file, dir], { stdio: 'ignore' });
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  return manifest.server.mcp_config.args[0].replace('${__dirname}', dir);
}
let caFile = option('--ca');
if (!caFile) {
  const { createCertificates } = await import('../dist/sandbox/certs.js');
  caFile = (await createCertificates(scratch)).caCertPath;
}

const clean = { PATH: process.env.PATH, HOME: process.env.HOME };
const environments = [
  { name: 'clean env', env: clean },
  { name: 'NODE_EXTRA_CA_CERTS', env: { ...clean, NODE_EXTRA_CA_CERTS: caFile } },
];
const linux = existsSync('/proc/self/task');
/** Nanoseconds on a CPU, summed over the process's threads. */
const CPU_NS = (pid) =>
  readdirSync(`/proc/${pid}/task`).reduce((sum, task) => {
    try {
      return sum + Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      return sum; // the thread ended meanwhile
    }
  }, 0);
const BARE = linux ? `process.on('exit',()=>{const {readdirSync,readFileSync}=require('fs');process.stdout.write(String((${CPU_NS})('self')))})` : '';
const subjects = [
  { name: "node -e '' (spawn → exit)", args: ['-e', BARE], answers: false },
  { name: `minimal SDK server (${path.relative(repo, minimal)})`, args: [minimal], answers: true },
  ...entries.map((entry) => ({ name: `ai-gateway-mcp (${path.relative(repo, entry)})`, args: [entry], answers: true })),
  { name: 'ai-gateway-mcp (the .mcpb bundle, unpacked)', args: [bundleEntry], answers: true },
];
const ours = subjects.length - entries.length - 1;
const bundled = subjects.length - 1;

const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } },
};

/** { wall, cpu } milliseconds from spawn to exit (bare node) or to the tools/list answer (a server), in `env`. */
function time(subject, env) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - start) / 1e6;
    const child = spawn(process.execPath, subject.args, { stdio: subject.answers ? ['pipe', 'pipe', 'ignore'] : ['ignore', 'pipe', 'ignore'], env });
    child.on('error', reject);
    if (!subject.answers) {
      let out = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.on('close', () => resolve({ wall: elapsed(), cpu: linux ? Number(out) / 1e6 : NaN }));
      return;
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${subject.name}: no tools/list answer within 20 s`));
    }, 20_000);
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk.toString();
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const message = JSON.parse(buffer.slice(0, newline));
        buffer = buffer.slice(newline + 1);
        if (message.id === 1) {
          child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
          child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} })}\n`);
        } else if (message.id === 2) {
          const wall = elapsed();
          const cpu = linux ? CPU_NS(child.pid) / 1e6 : NaN;
          clearTimeout(timer);
          child.kill('SIGTERM');
          if (message.result?.tools?.length) resolve({ wall, cpu });
          else reject(new Error(`${subject.name}: tools/list returned no tools`));
        }
      }
    });
    child.stdin.write(`${JSON.stringify(initialize)}\n`);
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

// One unmeasured round first: file-system caches, and the launcher's V8 code cache.
for (const { env } of environments) for (const subject of subjects) await time(subject, env);
const samples = environments.map(() => subjects.map(() => []));
for (let run = 0; run < runs; run++) {
  for (const [e, { env }] of environments.entries()) {
    for (const [s, subject] of subjects.entries()) samples[e][s].push(await time(subject, env));
  }
}
rmSync(scratch, { recursive: true, force: true });

const width = Math.max(...subjects.map((s) => s.name.length), 58) + 2;
const header = (title) => `${title.padEnd(width)}${environments.map((e) => e.name.padEnd(24)).join('')}`;

console.log(`startup: spawn → tools/list answered over stdio, Node ${process.version}, ${runs} interleaved runs; NODE_EXTRA_CA_CERTS=${option('--ca') ?? 'a CA made by the bench'}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
for (const measure of linux ? ['wall', 'cpu'] : ['wall']) {
  const values = samples.map((bySubject) => bySubject.map((runs) => runs.map((r) => r[measure])));
  const medians = values.map((bySubject) => bySubject.map(median));
  const cell = (v) => `${median(v).toFixed(0)} ms (${Math.min(...v).toFixed(0)}–${Math.max(...v).toFixed(0)})`.padEnd(24);
  const ratio = (name, a, b) => `${name.padEnd(width)}${medians.map((m) => `${(m[a] / m[b]).toFixed(2)}×`.padEnd(24)).join('')}`;
  console.log(header(measure === 'wall' ? 'wall time: median (min–max)' : 'CPU time, all threads: median (min–max)'));
  for (const [s, subject] of subjects.entries()) console.log(`${subject.name.padEnd(width)}${values.map((bySubject) => cell(bySubject[s])).join('')}`);
  console.log(header(`${measure === 'wall' ? 'wall' : 'CPU'} time: ratios of medians`));
  console.log(ratio('minimal SDK server / bare node', 1, 0));
  for (let s = ours; s < subjects.length; s++) console.log(ratio(`${subjects[s].name.replace('ai-gateway-mcp ', '')} / bare node (target ≤ 2.5×)`, s, 0));
  for (let s = ours; s < subjects.length; s++) console.log(ratio(`${subjects[s].name.replace('ai-gateway-mcp ', '')} / minimal SDK server`, s, 1));
  console.log(ratio('the .mcpb bundle / dist/cli.cjs (target ≤ 1.1×)', bundled, ours));
}
