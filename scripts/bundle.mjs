#!/usr/bin/env node
/**
 * `npm run bundle`: builds ai-gateway-mcp.mcpb for Claude Desktop. The server is bundled by esbuild into a
 * few ESM files (code splitting keeps the SQL driver and the HTTP transport loading only when used, as in
 * dist/), so the bundle needs no node_modules. The sandbox, its DuckDB binary and the demo (which needs the
 * MCP client) stay out; the SQL driver's optional native add-ons (lz4-napi, the kernel) stay out too — it
 * falls back to its pure-JS paths without them.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STAGE = path.join(REPO, 'build', 'mcpb');
const OUT = path.resolve(REPO, process.argv[2] ?? 'ai-gateway-mcp.mcpb');
const MAX_BYTES = 10 * 1024 * 1024;

/** Modules that must not be in the bundle: each is replaced by one that says so when it is loaded. */
const LEFT_OUT = /(^|\/)(sandbox\/index|commands\/sandbox|commands\/demo)\.js$/;
const NATIVE_OPTIONAL = /^lz4-napi$|native\/kernel/;

const leaveOut = {
  name: 'leave-out',
  setup(b) {
    b.onResolve({ filter: LEFT_OUT }, (args) => ({ path: args.path, namespace: 'left-out' }));
    b.onLoad({ filter: /.*/, namespace: 'left-out' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(
        `${args.path.includes('demo') ? 'the demo' : 'the sandbox'} is not part of the Claude Desktop bundle: run it from the npm package (npx ai-gateway-mcp ...)`,
      )});`,
      loader: 'js',
    }));
    b.onResolve({ filter: NATIVE_OPTIONAL }, (args) => ({ path: args.path, external: true }));
  },
};

rmSync(STAGE, { recursive: true, force: true });
mkdirSync(path.join(STAGE, 'server'), { recursive: true });
await build({
  entryPoints: { cli: path.join(REPO, 'src', 'cli.ts') },
  outdir: path.join(STAGE, 'server'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  plugins: [leaveOut],
  // The SQL driver and its dependencies are CommonJS: they call require() and read __dirname at run time.
  banner: {
    js: [
      "import { createRequire as __aigwCreateRequire } from 'node:module';",
      "import { fileURLToPath as __aigwFileURLToPath } from 'node:url';",
      'const require = __aigwCreateRequire(import.meta.url);',
      'const __filename = __aigwFileURLToPath(import.meta.url);',
      "const __dirname = __aigwFileURLToPath(new URL('.', import.meta.url));",
    ].join(' '),
  },
  logLevel: 'warning',
});
writeFileSync(path.join(STAGE, 'server', 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
copyFileSync(path.join(REPO, 'manifest.json'), path.join(STAGE, 'manifest.json'));

rmSync(OUT, { force: true });
execFileSync(process.execPath, [path.join(REPO, 'node_modules', '@anthropic-ai', 'mcpb', 'dist', 'cli', 'cli.js'), 'pack', STAGE, OUT], { stdio: ['ignore', 'inherit', 'inherit'] });
const size = statSync(OUT).size;
if (size > MAX_BYTES) {
  process.stderr.write(`bundle: ${path.basename(OUT)} is ${size} bytes, over the ${MAX_BYTES}-byte budget\n`);
  process.exit(1);
}
process.stdout.write(`bundle: ${path.relative(process.cwd(), OUT) || OUT} (${(size / 1024 / 1024).toFixed(2)} MB)\n`);
