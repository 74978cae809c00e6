#!/usr/bin/env node
/**
 * The ai-gateway-mcp executable (copied to dist/cli.js by scripts/build-bin.mjs): runs the bundled server,
 * dist/bin/server.cjs, through V8's code cache.
 *
 * Why: agents spawn this process for every session, and most of its start-up is V8 compiling the MCP SDK and
 * zod. Node 20 has no built-in module compile cache (that arrived in Node 22), so the bundle is one CommonJS
 * script compiled with vm.Script and its cached data kept beside it (or in the temp folder when the package
 * folder is read-only). The cache only accelerates: V8 rejects data from another Node or another bundle (the
 * file name also carries a hash of both), and without usable data the script compiles from source as usual.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const bundle = fileURLToPath(new URL('./bin/server.cjs', import.meta.url));
// The bundle keeps cli.ts's shebang line; as a function body it must go (blanked, so line numbers stay).
const source = readFileSync(bundle, 'utf8').replace(/^#!.*/, '');
const key = createHash('sha256').update(process.version).update(process.arch).update(source).digest('hex').slice(0, 16);
const cacheFiles = [path.join(path.dirname(bundle), `.v8-cache-${key}`), path.join(tmpdir(), `ai-gateway-mcp-v8-cache-${key}`)];

let cachedData;
for (const file of cacheFiles) {
  try {
    cachedData = readFileSync(file);
    break;
  } catch {
    // No cache there yet.
  }
}

// The bundle holds no import(): what it loads lazily it require()s (see scripts/build-bin.mjs).
const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });

if (cachedData === undefined || script.cachedDataRejected) {
  // Written when the process ends, so every function compiled while it served is in the cache too.
  process.once('exit', () => saveCache(script.createCachedData()));
}

const module = { exports: {}, filename: bundle, id: bundle, loaded: false };
script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, path.dirname(bundle));

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
