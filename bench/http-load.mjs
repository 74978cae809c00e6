#!/usr/bin/env node
/**
 * The HTTP transport under ordinary load and under a lock-out attempt, counted in outcomes. Starts the built
 * server with a token (`--http --port 0`), then:
 *   waves:  W waves of S sessions at a time, each the official client (StreamableHTTPClientTransport, its
 *           default keep-alive pool) connecting and making one validate_config call: calls and failures;
 *   hold:   H sockets from a process without the token (half dripping a byte at a time, half silent), held
 *           open the whole time, while L legitimate calls are made: how many are answered.
 *   node bench/http-load.mjs [--waves 16] [--sessions 50] [--hold 100] [--legit 30]
 * Build first (npm run build).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect as connectSocket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => Number(args.indexOf(name) >= 0 ? args[args.indexOf(name) + 1] : fallback);
const waves = option('--waves', 16);
const sessions = option('--sessions', 50);
const hold = option('--hold', 100);
const legit = option('--legit', 30);
const TOKEN = 'bench-token-0123456789abcdef';

const cwd = mkdtempSync(path.join(tmpdir(), 'aigw-http-load-'));
const child = spawn(process.execPath, [path.join(repo, 'dist', 'cli.cjs'), '--http', '--port', '0'], { cwd, env: { PATH: process.env.PATH, HOME: cwd, AIGW_HTTP_TOKEN: TOKEN } });
let stderr = '';
const url = await new Promise((resolve, reject) => {
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    const found = /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
    if (found) resolve(found);
  });
  child.once('exit', (code) => reject(new Error(`server exited ${code}: ${stderr}`)));
});

async function oneCall() {
  const client = new Client({ name: 'bench', version: '1' });
  try {
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${TOKEN}` } } }));
    const result = await client.callTool({ name: 'validate_config', arguments: { config: { name: 'x' } } });
    return result.content?.length ? 'ok' : 'empty';
  } catch (error) {
    return `failed: ${error?.cause?.code ?? error?.code ?? error?.message?.slice(0, 60)}`;
  } finally {
    await client.close().catch(() => undefined);
  }
}

function tally(outcomes) {
  const counts = {};
  for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
  return counts;
}

const waveOutcomes = [];
for (let w = 0; w < waves; w++) waveOutcomes.push(...(await Promise.all(Array.from({ length: sessions }, oneCall))));
console.log(`waves: ${waves} × ${sessions} sessions, one call each → ${JSON.stringify(tally(waveOutcomes))}`);

// Sockets from a process without the token: half drip one header byte a second, half send nothing at all.
const { port } = new URL(url);
const held = [];
let reopened = 0;
let stop = false;
function holdSocket(i) {
  const socket = connectSocket(Number(port), '127.0.0.1');
  socket.on('error', () => undefined);
  const line = 'POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n';
  let sent = 0;
  const drip = i % 2 === 0 ? setInterval(() => socket.writable && sent < line.length && socket.write(line[sent++]), 1_000) : undefined;
  socket.once('close', () => {
    clearInterval(drip);
    if (!stop) {
      reopened++;
      held[i] = holdSocket(i);
    }
  });
  return socket;
}
for (let i = 0; i < hold; i++) held.push(holdSocket(i));
await new Promise((resolve) => setTimeout(resolve, 1_000));
const legitOutcomes = [];
for (let i = 0; i < legit; i++) legitOutcomes.push(await oneCall());
stop = true;
for (const socket of held) socket.destroy();
console.log(`hold: ${hold} tokenless sockets (dripping/silent, reopened when closed: ${reopened} times), ${legit} legitimate calls → ${JSON.stringify(tally(legitOutcomes))}`);
child.kill('SIGTERM');
