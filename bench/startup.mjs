#!/usr/bin/env node
/**
 * Start-up cost, all in one run and one environment: spawn → exit for bare `node -e ''`, and spawn →
 * `tools/list` answered over stdio for ai-gateway-mcp and for the smallest official-SDK server
 * (bench/minimal-sdk-server.mjs: one tool, serveStdio). Every process gets the same clean environment (PATH
 * and HOME only), first as is, then with NODE_EXTRA_CA_CERTS set as behind a TLS-inspecting proxy — Node then
 * reads the CA file and builds its root store at start, a cost every process pays alike, so the ratios shrink.
 * Runs are interleaved so machine noise hits all alike; medians are quoted, the ratios are what to compare.
 *   node bench/startup.mjs [runs=15] [--entry dist/cli.js] [--ca FILE.pem]   (default: a CA the bench makes)
 * Build first (npm run build): the CA comes from the sandbox's certificate code in dist/.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name) => (args.indexOf(name) >= 0 ? args[args.indexOf(name) + 1] : undefined);
const runs = Math.max(3, Number(args.find((a) => /^\d+$/.test(a)) ?? 15));
const entry = path.resolve(repo, option('--entry') ?? 'dist/cli.js');
const minimal = path.join(repo, 'bench', 'minimal-sdk-server.mjs');

const scratch = mkdtempSync(path.join(tmpdir(), 'aigw-startup-'));
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
const subjects = [
  { name: "node -e '' (spawn → exit)", args: ['-e', ''], answers: false },
  { name: `minimal SDK server (${path.relative(repo, minimal)})`, args: [minimal], answers: true },
  { name: `ai-gateway-mcp (${path.relative(repo, entry)})`, args: [entry], answers: true },
];

const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } },
};

/** Milliseconds from spawn to exit (bare node) or to the tools/list answer (a server), in `env`. */
function time(subject, env) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - start) / 1e6;
    const child = spawn(process.execPath, subject.args, { stdio: subject.answers ? ['pipe', 'pipe', 'ignore'] : 'ignore', env });
    child.on('error', reject);
    if (!subject.answers) {
      child.on('exit', () => resolve(elapsed()));
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
          const ms = elapsed();
          clearTimeout(timer);
          child.kill('SIGTERM');
          if (message.result?.tools?.length) resolve(ms);
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

const medians = samples.map((bySubject) => bySubject.map(median));
const cell = (values) => `${median(values).toFixed(0)} ms (${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)})`.padEnd(24);
const width = Math.max(...subjects.map((s) => s.name.length), 46) + 2;
const header = (title) => `${title.padEnd(width)}${environments.map((e) => e.name.padEnd(24)).join('')}`;
const ratio = (name, a, b) => `${name.padEnd(width)}${medians.map((m) => `${(m[a] / m[b]).toFixed(2)}×`.padEnd(24)).join('')}`;

console.log(`startup: spawn → tools/list answered over stdio, ${runs} interleaved runs; NODE_EXTRA_CA_CERTS=${option('--ca') ?? 'a CA made by the bench'}`);
console.log(header('median (min–max)'));
for (const [s, subject] of subjects.entries()) console.log(`${subject.name.padEnd(width)}${samples.map((bySubject) => cell(bySubject[s])).join('')}`);
console.log(header('ratios of medians'));
console.log(ratio('ai-gateway-mcp / bare node (target ≤ 2× clean)', 2, 0));
console.log(ratio('minimal SDK server / bare node', 1, 0));
console.log(ratio('ai-gateway-mcp / minimal SDK server', 2, 1));
