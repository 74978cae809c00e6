/**
 * The server as one folder that needs no node_modules: `cli.js` (the launcher) runs `bin/server.cjs` with its
 * code cache, so it starts as fast as the npm package. What the npm package loads from node_modules on first use
 * (the SQL driver, undici) is bundled into one file per package under `bin/vendor/`, loaded on first use just the
 * same: start-up reads and compiles only server.cjs. The sandbox, its DuckDB binary and the demo (which needs the MCP
 * client) stay out; so do the SQL driver's optional native add-ons (lz4-napi, the kernel): it falls back to its
 * pure-JS paths without them. The Claude Desktop bundle (bundle.mjs) and the Databricks App (build-app.mjs) ship it.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { installLauncher, serverBundleOptions, toolListings } from './build-bin.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Modules that must not be in the bundle: each is replaced by one that says so when it is loaded. */
const LEFT_OUT = /(^|\/)(sandbox\/start-sandbox|commands\/sandbox-command|commands\/demo-command)\.js$/;
const NATIVE_OPTIONAL = /^lz4-napi$|native\/kernel/;
/** Heavy packages the server loads on first use: each becomes bin/vendor/<file>. */
const VENDORED = { '@databricks/sql': 'databricks-sql.cjs', undici: 'undici.cjs' };

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

/** Writes the server into `dir` (made fresh), warms it once as a smoke test, and leaves no machine-specific code cache. */
export async function buildSelfContainedServer(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'bin'), { recursive: true });
  await build(serverBundleOptions({ outfile: path.join(dir, 'bin', 'server.cjs'), listings: await toolListings(), external: [], plugins: [leaveOut, vendorImports] }));
  await buildVendor(path.join(dir, 'bin', 'vendor'));
  // CommonJS: cli.js is the launcher (scripts/launcher.cjs), which need not start Node's ES-module loader.
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
  // The warm-up run doubles as a smoke test of the staged server. Its code cache is specific to this machine's
  // Node, so it stays out: the Node that runs the server writes its own when the server first exits.
  await installLauncher(path.join(dir, 'cli.js'));
  for (const file of readdirSync(path.join(dir, 'bin'))) {
    if (file.startsWith('.v8-cache-')) rmSync(path.join(dir, 'bin', file));
  }
}
