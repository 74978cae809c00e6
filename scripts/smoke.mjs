#!/usr/bin/env node
/**
 * The end-to-end smoke CI runs on every supported Node (.ci/run: 20, 22 and 24, the others from the registry's
 * `node` package: npx -y -p node@22 node scripts/smoke.mjs). With the Node running it: bundles the server and
 * warms its code cache (scripts/build-bin.mjs), runs the demo (a stdio handshake, then every tool on the
 * sandbox through the MCP client), and makes a Streamable HTTP handshake: what dist/cli.cjs runs is all built
 * here, so it needs only `npm ci`. Exits 1 on the first failure; each step is bounded, the whole run takes
 * well under two minutes.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(REPO, 'dist', 'cli.cjs');
const node = `Node ${process.version}`;

/** Runs `node args…` to completion within `ms`; resolves with its output, rejects on a non-zero exit. */
function run(args, ms) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? REPO }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${args.map((a) => path.relative(REPO, a) || a).join(' ')} ${signal ? `was killed after ${ms / 1000} s` : `exited ${code}`}:\n${output.slice(-2000)}`));
    });
  });
}

/** Starts the server on a free loopback port, lists its tools through the official client, stops it. */
async function httpHandshake(ms) {
  const child = spawn(process.execPath, [CLI, '--http', '--port', '0'], { cwd: REPO, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'ignore', 'pipe'] });
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  try {
    const url = await new Promise((resolve, reject) => {
      let stderr = '';
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        const printed = /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
        if (printed) resolve(new URL(printed));
      });
      child.once('exit', (code) => reject(new Error(`the HTTP server exited ${code}: ${stderr}`)));
    });
    const client = new Client({ name: 'smoke', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(url));
    const { tools } = await client.listTools();
    await client.close();
    if (tools.length !== 5) throw new Error(`tools/list over HTTP returned ${tools.length} tools, not 5`);
  } finally {
    clearTimeout(timer);
    child.kill('SIGTERM');
  }
}

const steps = [
  ['build (bundle + code cache)', () => run([path.join(REPO, 'scripts', 'build-bin.mjs')], 90_000)],
  ['stdio + every tool on the sandbox (demo)', () => run([CLI, 'demo'], 90_000)],
  ['Streamable HTTP handshake', () => httpHandshake(30_000)],
];
for (const [name, step] of steps) {
  const started = performance.now();
  try {
    await step();
  } catch (error) {
    process.stderr.write(`smoke ${node}: ${name} FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  process.stdout.write(`smoke ${node}: ${name} ok (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
}
