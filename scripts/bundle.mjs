#!/usr/bin/env node
/**
 * `npm run bundle`: builds ai-gateway-mcp.mcpb for Claude Desktop. The bundle holds the same executable as the
 * npm package (scripts/build-bin.mjs): server/cli.js, the launcher, runs server/bin/server.cjs with its code
 * cache, so it starts as fast. It needs no node_modules: what the npm package loads from there on first use
 * (the SQL driver, undici) is bundled here into one file per package under server/bin/vendor/, loaded on
 * first use just the same; start-up reads and compiles only server.cjs. The sandbox, its DuckDB binary and the
 * demo (which needs the MCP client) stay out; so do the SQL driver's optional native add-ons (lz4-napi, the
 * kernel): it falls back to its pure-JS paths without them.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { installLauncher, serverBundleOptions } from './build-bin.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STAGE = path.join(REPO, 'build', 'mcpb');
const OUT = path.resolve(REPO, process.argv[2] ?? 'ai-gateway-mcp.mcpb');
const MAX_BYTES = 10 * 1024 * 1024;

/** Modules that must not be in the bundle: each is replaced by one that says so when it is loaded. */
const LEFT_OUT = /(^|\/)(sandbox\/start-sandbox|commands\/sandbox-command|commands\/demo-command)\.js$/;
const NATIVE_OPTIONAL = /^lz4-napi$|native\/kernel/;
/** Heavy packages the server loads on first use: each becomes server/bin/vendor/<file>. */
const VENDORED = { '@databricks/sql': 'databricks-sql.cjs', undici: 'undici.cjs' };

const { version } = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8'));

/** Where to get what the bundle leaves out: the npm package, built from the repository (it is not published). */
function leftOutMessage(modulePath) {
  const [what, command] = modulePath.includes('demo') ? ['the demo', 'ai-gateway-mcp demo'] : ['the sandbox', 'ai-gateway-mcp --sandbox'];
  return (
    `${what} is not part of the Claude Desktop bundle: build the npm package from the repository ` +
    `(npm ci && npm run build && npm pack), install it with npm i -g ./ai-gateway-mcp-${version}.tgz, then run ${command}`
  );
}

const leaveOut = {
  name: 'leave-out',
  setup(b) {
    b.onResolve({ filter: LEFT_OUT }, (args) => ({ path: args.path, namespace: 'left-out' }));
    b.onLoad({ filter: /.*/, namespace: 'left-out' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(leftOutMessage(args.path))});`,
      loader: 'js',
    }));
    b.onResolve({ filter: NATIVE_OPTIONAL }, (args) => ({ path: args.path, external: true }));
  },
};

/** In server.cjs, `require('undici')` becomes `require('./vendor/undici.cjs')`: resolved beside the bundle. */
const vendorImports = {
  name: 'vendor-imports',
  setup(b) {
    const filter = new RegExp(`^(${Object.keys(VENDORED).map((p) => p.replace(/[/@]/g, '\\$&')).join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: `./vendor/${VENDORED[args.path]}`, external: true }));
  },
};

/** One CommonJS file per vendored package, everything it needs inside, native add-ons left to their fallbacks. */
async function buildVendor(dir) {
  for (const [pkg, file] of Object.entries(VENDORED)) {
    await build({
      stdin: { contents: `module.exports = require(${JSON.stringify(pkg)});`, resolveDir: REPO, loader: 'js' },
      outfile: path.join(dir, file),
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      minify: true,
      legalComments: 'none',
      plugins: [{ name: 'native-optional', setup: (b) => b.onResolve({ filter: NATIVE_OPTIONAL }, (args) => ({ path: args.path, external: true })) }],
      logLevel: 'warning',
    });
  }
}

rmSync(STAGE, { recursive: true, force: true });
mkdirSync(path.join(STAGE, 'server', 'bin'), { recursive: true });
await build(serverBundleOptions({ outfile: path.join(STAGE, 'server', 'bin', 'server.cjs'), external: [], plugins: [leaveOut, vendorImports] }));
await buildVendor(path.join(STAGE, 'server', 'bin', 'vendor'));
writeFileSync(path.join(STAGE, 'server', 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
// The warm-up run doubles as a smoke test of the staged server. Its code cache is specific to this machine's
// Node, so it stays out of the bundle: Claude Desktop's Node writes its own when the server first exits.
await installLauncher(path.join(STAGE, 'server', 'cli.js'));
for (const file of readdirSync(path.join(STAGE, 'server', 'bin'))) {
  if (file.startsWith('.v8-cache-')) rmSync(path.join(STAGE, 'server', 'bin', file));
}
copyFileSync(path.join(REPO, 'manifest.json'), path.join(STAGE, 'manifest.json'));

rmSync(OUT, { force: true });
execFileSync(process.execPath, [path.join(REPO, 'node_modules', '@anthropic-ai', 'mcpb', 'dist', 'cli', 'cli.js'), 'pack', STAGE, OUT], { stdio: ['ignore', 'inherit', 'inherit'] });
const size = statSync(OUT).size;
if (size > MAX_BYTES) {
  process.stderr.write(`bundle: ${path.basename(OUT)} is ${size} bytes, over the ${MAX_BYTES}-byte budget\n`);
  process.exit(1);
}
process.stdout.write(`bundle: ${path.relative(process.cwd(), OUT) || OUT} (${(size / 1024 / 1024).toFixed(2)} MB)\n`);
