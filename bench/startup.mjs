#!/usr/bin/env node
/**
 * Start-up cost: spawn → `tools/list` answered over stdio, against `node -e ''` (spawn → exit) in the same run.
 * Runs are interleaved so machine noise hits both alike; medians are quoted, the ratio is what to compare.
 *   node bench/startup.mjs [runs=15] [--entry dist/cli.js]
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const runs = Math.max(11, Number(args.find((a) => /^\d+$/.test(a)) ?? 15));
const entryFlag = args.indexOf('--entry');
const entry = path.resolve(repo, entryFlag >= 0 ? args[entryFlag + 1] : 'dist/cli.js');

const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } },
};

function timeBareNode() {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', () => resolve(Number(process.hrtime.bigint() - start) / 1e6));
  });
}

function timeToolsList() {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [entry], { stdio: ['pipe', 'pipe', 'ignore'], env: { PATH: process.env.PATH, HOME: process.env.HOME } });
    let buffer = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('no tools/list answer within 20 s'));
    }, 20_000);
    child.on('error', reject);
    child.stdout.on('data', (chunk) => {
      buffer += chunk.toString();
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        const message = JSON.parse(line);
        if (message.id === 1) {
          child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
          child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} })}\n`);
        } else if (message.id === 2) {
          const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
          clearTimeout(timer);
          if (!message.result?.tools?.length) reject(new Error('tools/list returned no tools'));
          child.kill('SIGTERM');
          resolve(elapsed);
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

await timeBareNode();
await timeToolsList(); // warm-up: file-system caches
const bare = [];
const server = [];
for (let i = 0; i < runs; i++) {
  bare.push(await timeBareNode());
  server.push(await timeToolsList());
}
const fmt = (v) => `${v.toFixed(0)} ms`;
const row = (name, values) => `${name.padEnd(40)} ${fmt(median(values)).padStart(8)}   ${fmt(Math.min(...values))}–${fmt(Math.max(...values))}`;
console.log(`startup: spawn → tools/list answered, ${runs} interleaved runs, median (min–max)`);
console.log(row("node -e '' (spawn → exit)", bare));
console.log(row(`ai-gateway-mcp (${path.relative(repo, entry)})`, server));
console.log(`ratio: ${(median(server) / median(bare)).toFixed(2)}× bare node (target ≤ 2×)`);
