/**
 * The shipped executable runs the bundled server through V8's code cache (scripts/launcher.cjs, built to dist/cli.cjs). The cache may
 * only ever speed things up: a corrupt or foreign cache file must not stop the server, and is replaced.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { connect, REPO } from '../support/mcp.js';
import { tempDir } from '../support/states.js';

describe('the launcher and its code cache', () => {
  it('serves with a corrupt cache file and writes a good one when it exits', async () => {
    const dir = tempDir('aigw-launcher-');
    mkdirSync(path.join(dir, 'bin'));
    copyFileSync(path.join(REPO, 'dist', 'cli.cjs'), path.join(dir, 'cli.cjs'));
    copyFileSync(path.join(REPO, 'dist', 'bin', 'server.cjs'), path.join(dir, 'bin', 'server.cjs'));
    const cacheName = readdirSync(path.join(REPO, 'dist', 'bin')).find((f) => f.startsWith('.v8-cache-'));
    expect(cacheName, 'npm run build warms the cache').toBeDefined();
    const cacheFile = path.join(dir, 'bin', cacheName as string);
    writeFileSync(cacheFile, 'not a V8 code cache');

    const server = await connect({ cwd: dir, cli: path.join(dir, 'cli.cjs') });
    const { tools } = await server.client.listTools();
    expect(tools).toHaveLength(5);
    await server.close();

    await expect.poll(() => readFileSync(cacheFile).length, { timeout: 10_000 }).toBeGreaterThan(100_000);
  });

  it('dist/cli.js, kept for older client configurations, runs the same server', async () => {
    const server = await connect({ cwd: tempDir('aigw-legacy-entry-'), cli: path.join(REPO, 'dist', 'cli.js') });
    const { tools } = await server.client.listTools();
    expect(tools.map((tool) => tool.name)).toContain('create_gateway');
    await server.close();
  });
});
