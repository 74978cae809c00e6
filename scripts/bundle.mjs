#!/usr/bin/env node
/**
 * `npm run bundle`: builds ai-gateway-mcp.mcpb for Claude Desktop. The bundle holds the same executable as the
 * npm package (scripts/build-bin.mjs): server/cli.js, the launcher, runs server/bin/server.cjs through V8's
 * code cache. Here everything is inside that one script, the SQL driver included, so the bundle needs no
 * node_modules. The sandbox, its DuckDB binary and the demo (which needs the MCP client) stay out; so do the
 * SQL driver's optional native add-ons (lz4-napi, the kernel): it falls back to its pure-JS paths without them.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSelfContainedServer } from './self-contained-server.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STAGE = path.join(REPO, 'build', 'mcpb');
const OUT = path.resolve(REPO, process.argv[2] ?? 'ai-gateway-mcp.mcpb');
const MAX_BYTES = 10 * 1024 * 1024;
rmSync(STAGE, { recursive: true, force: true });
await buildSelfContainedServer(path.join(STAGE, 'server'));
copyFileSync(path.join(REPO, 'manifest.json'), path.join(STAGE, 'manifest.json'));

rmSync(OUT, { force: true });
execFileSync(process.execPath, [path.join(REPO, 'node_modules', '@anthropic-ai', 'mcpb', 'dist', 'cli', 'cli.js'), 'pack', STAGE, OUT], { stdio: ['ignore', 'inherit', 'inherit'] });
const size = statSync(OUT).size;
if (size > MAX_BYTES) {
  process.stderr.write(`bundle: ${path.basename(OUT)} is ${size} bytes, over the ${MAX_BYTES}-byte budget\n`);
  process.exit(1);
}
process.stdout.write(`bundle: ${path.relative(process.cwd(), OUT) || OUT} (${(size / 1024 / 1024).toFixed(2)} MB)\n`);
