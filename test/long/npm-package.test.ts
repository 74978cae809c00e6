/**
 * The npm package as `npm pack` writes it: what the README and the Claude Desktop bundle tell users to install
 * for the sandbox and the demo, since the package is not on the registry. A real `npm i -g <tgz>` fetches the
 * dependencies from the registry, which tests cannot reach; so the test lays the tarball out as that install
 * would (<prefix>/lib/node_modules/ai-gateway-mcp, with <prefix>/bin/ai-gateway-mcp linked to the bin the
 * package declares) and lets it find its dependencies in this checkout's node_modules through NODE_PATH.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { callOk, connect, REPO } from '../support/mcp.js';
import { tempDir } from '../support/states.js';

const NODE_PATH = path.join(REPO, 'node_modules');

let entries: string[];
let bin: string;

beforeAll(() => {
  const out = tempDir('aigw-pack-');
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', out], { cwd: REPO, encoding: 'utf8' })) as Array<{ filename: string }>;
  const tarball = path.join(out, (packed as { filename: string }).filename);
  entries = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);

  const prefix = tempDir('aigw-prefix-');
  const installed = path.join(prefix, 'lib', 'node_modules', 'ai-gateway-mcp');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  const manifest = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  mkdirSync(path.join(prefix, 'bin'));
  bin = path.join(prefix, 'bin', 'ai-gateway-mcp');
  symlinkSync(path.join(installed, manifest.bin['ai-gateway-mcp'] as string), bin);
}, 60_000);

describe('the npm package', () => {
  it('holds the launcher and the bundled server, but no code cache made on this machine', () => {
    expect(entries).toEqual(expect.arrayContaining(['package/package.json', 'package/dist/cli.cjs', 'package/dist/cli.js', 'package/dist/bin/server.cjs']));
    expect(entries.filter((e) => e.includes('.v8-cache-'))).toEqual([]);
  });

  it('installed, its bin serves the five tools over stdio', async () => {
    const server = await connect({ cli: bin, cwd: tempDir('aigw-packed-'), env: { NODE_PATH } });
    expect((await server.client.listTools()).tools).toHaveLength(5);
    await server.close();
  });

  it("its production dependency tree holds none of the sandbox's packages: npm i -g installs no DuckDB", () => {
    const tree = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: REPO, encoding: 'utf8' });
    expect(tree).toMatch(/node_modules\/@databricks\/sql$/m);
    expect(tree).not.toMatch(/@duckdb|node_modules\/selfsigned$/m);
  });

  it('installed without the packages only the sandbox needs, --sandbox and demo say in one line what to install', () => {
    // What `npm i -g` puts beside the package: everything in this checkout's node_modules but DuckDB and selfsigned
    // (Arrow, Thrift and node-int64 arrive anyway, as the SQL driver's own dependencies).
    const lean = tempDir('aigw-lean-modules-');
    for (const entry of readdirSync(NODE_PATH)) {
      if (entry === '@duckdb' || entry === 'selfsigned' || entry.startsWith('.')) continue;
      symlinkSync(path.join(NODE_PATH, entry), path.join(lean, entry));
    }
    const line =
      'the sandbox needs packages the npm package does not install (DuckDB is ~70 MB): run npm i -g @duckdb/node-api@^1.5.6-r.1 selfsigned@^5.5.0 (in a checkout of the repository: npm ci)';
    const run = (args: string[]) => spawnSync(bin, args, { cwd: tempDir('aigw-packed-'), env: { PATH: process.env.PATH ?? '', NODE_PATH: lean }, input: '', encoding: 'utf8' });
    for (const args of [['--sandbox'], ['demo']]) {
      const result = run(args);
      expect(result.status, args[0]).toBe(2);
      expect(result.stderr.split('\n')[0], args[0]).toBe(`ai-gateway-mcp: ${line}`);
    }
    const command = run(['sandbox']);
    expect(command.status).toBe(1);
    expect(command.stderr).toBe(`sandbox: failed to start: ${line}\n`);
  });

  it('installed, it runs the sandbox the Claude Desktop bundle leaves out: query_usage on --sandbox', async () => {
    const server = await connect({ cli: bin, args: ['--sandbox'], cwd: tempDir('aigw-packed-'), env: { NODE_PATH } });
    const usage = await callOk<{ workspace: string; rows: unknown[] }>(server.client, 'query_usage', { report: 'summary' });
    expect(usage.workspace).toBe('sandbox');
    expect(usage.rows.length).toBeGreaterThan(0);
    await server.close();
  });
});
