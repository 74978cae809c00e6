/**
 * The Claude Desktop bundle: the manifest validates and agrees with what the server registers; the packed
 * bundle, unpacked into an empty folder, answers tools/list over stdio with nothing else present, and its
 * bundled SQL driver really queries a warehouse (the sandbox's, over TLS with its own CA).
 */
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, REPO, connect, textOf } from '../support/mcp.js';
import { tempDir } from '../support/states.js';

const MCPB = path.join(REPO, 'node_modules', '@anthropic-ai', 'mcpb', 'dist', 'cli', 'cli.js');
const manifest = JSON.parse(readFileSync(path.join(REPO, 'manifest.json'), 'utf8'));

let bundleFile: string;
let unpacked: string;

beforeAll(() => {
  const out = tempDir('aigw-bundle-');
  bundleFile = path.join(out, 'ai-gateway-mcp.mcpb');
  execFileSync(process.execPath, [path.join(REPO, 'scripts', 'bundle.mjs'), bundleFile], { cwd: REPO, stdio: 'pipe' });
  unpacked = tempDir('aigw-unpacked-');
  execFileSync(process.execPath, [MCPB, 'unpack', bundleFile, unpacked], { stdio: 'pipe' });
}, 120_000);

/** Connects to the unpacked bundle the way Claude Desktop launches it: node <dir>/server/cli.js, env only. */
async function connectBundle(env: Record<string, string> = {}) {
  const entry = manifest.server.mcp_config.args[0].replace('${__dirname}', unpacked);
  const client = new Client({ name: 'bundle-e2e', version: '1' });
  const transport = new StdioClientTransport({ command: process.execPath, args: [entry], cwd: unpacked, env: { PATH: process.env.PATH ?? '', HOME: unpacked, ...env }, stderr: 'pipe' });
  await client.connect(transport);
  return client;
}

describe('manifest', () => {
  it('passes mcpb validate', () => {
    const output = execFileSync(process.execPath, [MCPB, 'validate', path.join(REPO, 'manifest.json')], { encoding: 'utf8' });
    expect(output).toMatch(/Manifest schema validation passes!/);
  });

  it('declares exactly the tools and prompts the server registers, with the same prompt arguments', async () => {
    const server = await connect();
    const tools = (await server.client.listTools()).tools.map((t) => t.name).sort();
    const prompts = (await server.client.listPrompts()).prompts.map((p) => ({ name: p.name, arguments: (p.arguments ?? []).map((a) => a.name).sort() }));
    await server.close();
    expect(manifest.tools.map((t: { name: string }) => t.name).sort()).toEqual(tools);
    expect(manifest.prompts.map((p: { name: string; arguments: string[] }) => ({ name: p.name, arguments: [...p.arguments].sort() }))).toEqual(
      expect.arrayContaining(prompts),
    );
    expect(manifest.prompts).toHaveLength(prompts.length);
  });

  it('passes every user setting through env, each one used, secrets marked sensitive', () => {
    const env = manifest.server.mcp_config.env as Record<string, string>;
    const used = Object.values(env).map((v) => /^\$\{user_config\.(\w+)\}$/.exec(v)?.[1]);
    expect(used.sort()).toEqual(Object.keys(manifest.user_config).sort());
    expect(manifest.server.mcp_config.args).toEqual(['${__dirname}/server/cli.js']);
    for (const key of ['token', 'client_secret']) expect(manifest.user_config[key].sensitive).toBe(true);
    expect(manifest.user_config.state_file.type).toBe('file');
    const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    expect(manifest.version).toBe(pkg.version);
    // The Node versions CI's smoke runs on (.ci/run), stated alike to npm and to Claude Desktop.
    expect(manifest.compatibility.runtimes.node).toBe(pkg.engines.node);
  });
});

describe('packed bundle', () => {
  it('is under 10 MB and holds no node_modules, sandbox or DuckDB', () => {
    expect(statSync(bundleFile).size).toBeLessThan(10 * 1024 * 1024);
    const files = readdirSync(unpacked, { recursive: true }).map(String);
    expect(files).toContain(path.join('server', 'cli.js'));
    expect(files.filter((f) => /node_modules|duckdb/i.test(f))).toEqual([]);
  });

  it('unpacked into an empty folder, answers tools/list over stdio with nothing else present', async () => {
    const client = await connectBundle();
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(manifest.tools.map((t: { name: string }) => t.name).sort());
    await client.close();
  });

  it('says where to get the sandbox it leaves out: the npm package built with npm pack', () => {
    const entry = path.join(unpacked, 'server', 'cli.js');
    const run = spawnSync(process.execPath, [entry, '--sandbox'], { cwd: unpacked, env: { PATH: process.env.PATH ?? '', HOME: unpacked }, input: '', encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/not part of the Claude Desktop bundle nor the Databricks App: build the npm package .*npm pack.*npm i -g \.\/ai-gateway-mcp-[\d.]+\.tgz, then run ai-gateway-mcp --sandbox/);
    expect(run.stderr).not.toMatch(/npx ai-gateway-mcp/);
  });

  describe('against the sandbox workspace', () => {
    let sandbox: ChildProcess;
    let settings: { host: string; token: string; warehouse_path: string; ca_cert: string };

    beforeAll(async () => {
      sandbox = spawn(process.execPath, [CLI, 'sandbox', '--port', '0'], { env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
      settings = await new Promise((resolve, reject) => {
        let out = '';
        sandbox.stdout?.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const line = out.split('\n').find((l) => l.startsWith('{'));
          if (line && out.includes('\n')) resolve(JSON.parse(line));
        });
        sandbox.once('exit', (code) => reject(new Error(`the sandbox exited with ${code}`)));
      });
    }, 60_000);

    afterAll(() => {
      sandbox?.kill('SIGTERM');
    });

    it("the bundled SQL driver runs query_usage on the warehouse, configured only through the manifest's env", async () => {
      const client = await connectBundle({
        DATABRICKS_HOST: settings.host,
        DATABRICKS_TOKEN: settings.token,
        DATABRICKS_WAREHOUSE_ID: settings.warehouse_path.split('/').pop() ?? '',
        NODE_EXTRA_CA_CERTS: settings.ca_cert,
      });
      const result = await client.callTool({ name: 'query_usage', arguments: { report: 'summary' } });
      expect(result.isError, textOf(result)).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ report: 'summary', rows: [expect.objectContaining({ requests: expect.any(Number) })] });
      await client.close();
    });
  });
});
