/**
 * The server as one folder that needs no node_modules: `cli.js` (the launcher) runs `bin/server.cjs`, which
 * holds everything, the SQL driver included. The sandbox, its DuckDB binary and the demo (which needs the MCP
 * client) stay out; so do the SQL driver's optional native add-ons (lz4-napi, the kernel): it falls back to its
 * pure-JS paths without them. The Claude Desktop bundle (bundle.mjs) and the Databricks App (build-app.mjs) ship it.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { installLauncher, serverBundleOptions } from './build-bin.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Modules that must not be in the bundle: each is replaced by one that says so when it is loaded. */
const LEFT_OUT = /(^|\/)(sandbox\/start-sandbox|commands\/sandbox-command|commands\/demo-command)\.js$/;
const NATIVE_OPTIONAL = /^lz4-napi$|native\/kernel/;

const { version } = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8'));

/** Where to get what the bundle leaves out: the npm package, built from the repository (it is not published). */
function leftOutMessage(modulePath) {
  const [what, command] = modulePath.includes('demo') ? ['the demo', 'ai-gateway-mcp demo'] : ['the sandbox', 'ai-gateway-mcp --sandbox'];
  return (
    `${what} is not part of the Claude Desktop bundle nor the Databricks App: build the npm package from the repository ` +
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

/** Writes the server into `dir` (made fresh), warms it once as a smoke test, and leaves no machine-specific code cache. */
export async function buildSelfContainedServer(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'bin'), { recursive: true });
  await build(serverBundleOptions({ outfile: path.join(dir, 'bin', 'server.cjs'), external: [], plugins: [leaveOut] }));
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
  // The warm-up run doubles as a smoke test of the staged server. Its code cache is specific to this machine's
  // Node, so it stays out: the Node that runs the server writes its own when the server first exits.
  await installLauncher(path.join(dir, 'cli.js'));
  for (const file of readdirSync(path.join(dir, 'bin'))) {
    if (file.startsWith('.v8-cache-')) rmSync(path.join(dir, 'bin', file));
  }
}
