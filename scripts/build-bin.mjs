#!/usr/bin/env node
/**
 * Builds the executable the package ships, after tsc: `dist/cli.cjs` is the launcher (scripts/launcher.cjs)
 * and `dist/bin/server.cjs` the whole server bundled by esbuild into one CommonJS script, which the launcher
 * runs through V8's code cache. Bundling the SDK and zod removes module resolution from start-up; the code
 * cache removes most compilation. Heavy or optional packages stay outside and load on first use: the SQL
 * driver, undici, DuckDB and the sandbox's Thrift/Arrow libraries, the demo's MCP client.
 * Finally one short MCP session warms the cache, so the first real start is already fast.
 * The Claude Desktop bundle (scripts/bundle.mjs) reuses these options and the launcher.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { buildUsageView } from './build-view.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(REPO, 'dist');

export const LAUNCHER = path.join(REPO, 'scripts', 'launcher.cjs');

/**
 * dist/cli.js, tsc's ES-module entry, becomes a shim that runs the launcher: configurations written before the
 * executable moved to dist/cli.cjs keep working, ~20 ms slower to start (Node's ES-module loader starts first).
 */
const LEGACY_ENTRY = `#!/usr/bin/env node
// Kept for configurations that name dist/cli.js; the executable is dist/cli.cjs (package.json "bin"), which
// starts sooner because Node need not start its ES-module loader for it.
import { createRequire } from 'node:module';

createRequire(import.meta.url)('./cli.cjs');
`;

/** Loaded on first use from node_modules, never at start-up. */
export const EXTERNAL_PACKAGES = [
  '@databricks/sql',
  '@duckdb/node-api',
  '@modelcontextprotocol/client',
  'apache-arrow',
  'node-int64',
  'proper-lockfile',
  'selfsigned',
  'thrift',
  'undici',
];

/**
 * What tools/list says of each tool (src/tools/tool-listing.ts), computed by running the tool modules once here,
 * so the bundle answers tools/list without loading them.
 */
export async function toolListings() {
  const out = path.join(REPO, 'build', 'tool-listings.mjs');
  await build({
    stdin: { contents: "import { toolEntries } from './src/tools/tool-list.ts'; export const listings = (await toolEntries()).map((entry) => entry.listing);", resolveDir: REPO, loader: 'ts' },
    outfile: out,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  const { listings } = await import(`${pathToFileURL(out).href}?${Date.now()}`);
  return listings;
}

/**
 * One CommonJS script with no import() in it, for the launcher to run through V8's code cache. `listings` from
 * toolListings().
 */
export function serverBundleOptions({ outfile, listings, external = EXTERNAL_PACKAGES, plugins = [] }) {
  if (!Array.isArray(listings)) throw new Error('serverBundleOptions needs the tool listings (toolListings())');
  return {
    entryPoints: [path.join(REPO, 'src', 'cli.ts')],
    outfile,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minify: true,
    // ASCII only (esbuild escapes the rest): the launcher reads the file as latin1, which is then the same string.
    charset: 'ascii',
    legalComments: 'none',
    external,
    plugins,
    // The query_usage view (an MCP App) is embedded as one HTML string: the executable needs no file beside it.
    // The tools' listings, so tools/list loads no tool module (src/tools/tool-list.ts).
    define: { USAGE_VIEW_HTML: JSON.stringify(buildUsageView()), BUILT_TOOL_LISTINGS: JSON.stringify(listings) },
    // No import() in the bundle: code deserialized from V8's cache loses vm.Script's dynamic-import callback
    // (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING). Lazily loaded parts become lazy require()s instead; every
    // external package ships CommonJS, and our own modules (the sandbox, the demo) are inside the bundle.
    supported: { 'dynamic-import': false },
    // thrift.ts falls back to __filename where import.meta is empty, which is exactly this bundle.
    logOverride: { 'empty-import-meta': 'silent' },
    logLevel: 'warning',
  };
}

/**
 * Writes the launcher beside `bin/server.cjs`, naming its code cache after a digest of the bundle taken here, so
 * the launcher hashes nothing at start; then warms the cache with one short MCP session. The bundle's shebang
 * line becomes a comment (same line count, so the source map still holds): the launcher compiles the file as a
 * function body without copying megabytes to strip it.
 */
export async function installLauncher(launcherPath) {
  const bundle = path.join(path.dirname(launcherPath), 'bin', 'server.cjs');
  const source = readFileSync(bundle, 'utf8').replace(/^#!/, '//');
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(source)) throw new Error(`${bundle} holds non-ASCII characters: the launcher reads it as latin1`);
  writeFileSync(bundle, source);
  const buildId = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const launcher = readFileSync(LAUNCHER, 'utf8');
  const placeholder = "const BUILD_ID = 'development';";
  if (!launcher.includes(placeholder)) throw new Error(`scripts/launcher.cjs no longer holds ${placeholder}`);
  writeFileSync(launcherPath, launcher.replace(placeholder, `const BUILD_ID = '${buildId}';`));
  chmodSync(launcherPath, 0o755);
  await warmCodeCache(launcherPath);
}

/** initialize → tools/list → end of input: the server exits and the launcher writes the code cache. */
function warmCodeCache(entry) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry], { stdio: ['pipe', 'pipe', 'inherit'], env: { PATH: process.env.PATH ?? '' } });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      if (buffer.includes('"id":2')) child.stdin.end();
      else if (buffer.includes('"id":1')) child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n${JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' })}\n`);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`the built server failed its warm-up run (exit ${code})`));
    });
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'build', version: '1' } } })}\n`);
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  rmSync(path.join(DIST, 'bin'), { recursive: true, force: true });
  mkdirSync(path.join(DIST, 'bin'), { recursive: true });
  await build({ ...serverBundleOptions({ outfile: path.join(DIST, 'bin', 'server.cjs'), listings: await toolListings() }), sourcemap: 'linked' });
  mkdirSync(path.join(DIST, 'ui'), { recursive: true });
  writeFileSync(path.join(DIST, 'ui', 'usage-view.html'), buildUsageView());
  await installLauncher(path.join(DIST, 'cli.cjs'));
  writeFileSync(path.join(DIST, 'cli.js'), LEGACY_ENTRY);
  rmSync(path.join(DIST, 'cli.js.map'), { force: true });
  chmodSync(path.join(DIST, 'cli.js'), 0o755);
}
