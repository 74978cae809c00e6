#!/usr/bin/env node
/**
 * The ai-gateway-mcp executable (copied to dist/cli.cjs by scripts/build-bin.mjs): runs the bundled server,
 * bin/server.cjs, with its compiled code cached between starts.
 *
 * Why: agents spawn this process for every session, and most of its start-up is V8 compiling the MCP SDK and
 * zod. So the bundle is compiled with vm.Script and its cached data kept beside it (or in the temp folder when the
 * package folder is read-only). The cache file is named after the build id the build writes into this file, the
 * Node version and the architecture: nothing is hashed at start. It only accelerates: V8 rejects data from another
 * Node or another V8, and without usable data the script compiles from source as usual (the file is rewritten when
 * the process ends).
 * CommonJS, not an ES module: an ES-module entry starts Node's module loader first, ~20 ms of a ~200 ms start.
 * Node 22's module.enableCompileCache() is not used: it caches only what was compiled before the module ran, a
 * third of what this cache holds (written at exit), and measured slower (README "Performance").
 */
'use strict';
const { readFileSync, renameSync, unlinkSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { tmpdir } = require('node:os');
const path = require('node:path');
const vm = require('node:vm');

/** Written by scripts/build-bin.mjs: a digest of bin/server.cjs, so a rebuilt bundle never meets an old cache. */
const BUILD_ID = 'development';

const bundle = path.join(__dirname, 'bin', 'server.cjs');

const name = `${BUILD_ID}-${process.version}-${process.arch}`;
const cacheFiles = [path.join(path.dirname(bundle), `.v8-cache-${name}`), path.join(tmpdir(), `ai-gateway-mcp-v8-cache-${name}`)];

let cachedData;
for (const file of cacheFiles) {
  try {
    cachedData = readFileSync(file);
    break;
  } catch {
    // No cache there yet.
  }
}

// The build keeps the bundle ASCII (esbuild escapes the rest, and build-bin checks), so latin1 reads the same
// string as UTF-8 while skipping the decoder: a plain copy instead of ~5 ms of transcoding 1.4 MB. The build also
// turned its shebang line into a comment, so it compiles as a function body as it is.
const source = readFileSync(bundle, 'latin1');
// The bundle holds no import(): what it loads lazily it require()s (see scripts/build-bin.mjs).
const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });

if (cachedData === undefined || script.cachedDataRejected) {
  // Written when the process ends, so every function compiled while it served is in the cache too.
  process.once('exit', () => saveCache(script.createCachedData()));
}

const bundleModule = { exports: {}, filename: bundle, id: bundle, loaded: false };
script.runInThisContext()(bundleModule.exports, Module.createRequire(bundle), bundleModule, bundle, path.dirname(bundle));

/** Writes atomically (temp file, then rename) to the first writable place; never fails the server. */
function saveCache(data) {
  for (const file of cacheFiles) {
    const temp = `${file}.${process.pid}.tmp`;
    try {
      writeFileSync(temp, data);
      renameSync(temp, file);
      return;
    } catch {
      try {
        unlinkSync(temp);
      } catch {
        // Nothing was left there.
      }
    }
  }
}
