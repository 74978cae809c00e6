/**
 * Read-only mode: create_gateway is never registered — not merely hinted — on stdio, over HTTP and in the
 * Claude Desktop bundle's settings; and settings that arrive unsubstituted or still encrypted are reported by
 * name (never by value) and kept out of use.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, REPO, connect, textOf } from '../support/mcp.js';
import { tempDir } from '../support/states.js';

const READ_TOOLS = ['query_usage', 'read_audit', 'tail_inference', 'validate_config'];

async function stdioTools(args: string[], env: Record<string, string> = {}) {
  const server = await connect({ args, env, cwd: tempDir('aigw-ro-') });
  const tools = (await server.client.listTools()).tools.map((t) => t.name).sort();
  const prompts = (await server.client.listPrompts()).prompts.map((p) => p.name).sort();
  const stderr = server.stderr();
  await server.close();
  return { tools, prompts, stderr };
}

describe('read-only mode names no tool it hides', () => {
  it('the server instructions and every prompt (description and text) never mention create_gateway', async () => {
    const server = await connect({ args: ['--read-only'], cwd: tempDir('aigw-ro-') });
    const instructions = server.client.getInstructions() ?? '';
    expect(instructions).toMatch(/read_audit/);
    const prompts = (await server.client.listPrompts()).prompts;
    const texts = await Promise.all(
      prompts.map(async (p) => {
        const args = Object.fromEntries((p.arguments ?? []).filter((a) => a.required).map((a) => [a.name, 'x']));
        const got = await server.client.getPrompt({ name: p.name, arguments: args });
        return `${p.description ?? ''}\n${got.messages.map((m) => (m.content.type === 'text' ? m.content.text : '')).join('\n')}`;
      }),
    );
    const tools = (await server.client.listTools()).tools;
    await server.close();
    for (const [where, text] of [['instructions', instructions], ...prompts.map((p, i) => [`prompt ${p.name}`, texts[i]]), ...tools.map((t) => [`tool ${t.name}`, t.description ?? ''])]) {
      expect(text, where).not.toMatch(/create_gateway/);
    }
  });

  it('with every tool, the instructions give the whole order, create_gateway included', async () => {
    const server = await connect({ cwd: tempDir('aigw-ro-') });
    expect(server.client.getInstructions()).toMatch(/read_audit → validate_config → create_gateway with mode "plan"/);
    await server.close();
  });
});

describe('read-only mode lists four tools', () => {
  it('by default all five tools are listed', async () => {
    expect((await stdioTools([])).tools).toEqual([...READ_TOOLS, 'create_gateway'].sort());
  });

  it('--read-only and AIGW_READ_ONLY=1 on stdio, in either era', async () => {
    expect((await stdioTools(['--read-only'])).tools).toEqual(READ_TOOLS);
    const fromEnv = await stdioTools([], { AIGW_READ_ONLY: '1' });
    expect(fromEnv.tools).toEqual(READ_TOOLS);
    expect(fromEnv.prompts).toEqual(['weekly_chargeback', 'wire_consumer']);
    const modern = await connect({ args: ['--read-only'], era: 'modern', cwd: tempDir('aigw-ro-') });
    expect((await modern.client.listTools()).tools.map((t) => t.name).sort()).toEqual(READ_TOOLS);
    const refused = await modern.client.callTool({ name: 'create_gateway', arguments: { name: 'x' } }).then(
      (result) => textOf(result),
      (error: Error) => error.message,
    );
    expect(refused).toMatch(/create_gateway not found/i);
    await modern.close();
  });

  it('--read-only over HTTP', async () => {
    const cwd = tempDir('aigw-ro-http-');
    const child = spawn(process.execPath, [CLI, '--http', '--port', '0', '--read-only'], { cwd, env: { PATH: process.env.PATH ?? '' } });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          const found = /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
          if (found) resolve(found);
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
      });
      for (const options of [{}, { versionNegotiation: { mode: { pin: '2026-07-28' as const } } }]) {
        const client = new Client({ name: 'ro', version: '1' }, options);
        await client.connect(new StreamableHTTPClientTransport(new URL(url)));
        expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(READ_TOOLS);
        await client.close();
      }
    } finally {
      child.kill('SIGTERM');
    }
  });

  it("the bundle's read_only setting reaches the server as AIGW_READ_ONLY", () => {
    const manifest = JSON.parse(readFileSync(path.join(REPO, 'manifest.json'), 'utf8'));
    expect(manifest.user_config.read_only).toMatchObject({ type: 'boolean', default: false });
    expect(manifest.server.mcp_config.env.AIGW_READ_ONLY).toBe('${user_config.read_only}');
    expect(JSON.stringify(manifest.server.mcp_config.args)).not.toMatch(/user_config/);
  });

  it('a read_only setting that arrived unsubstituted means read-only, and says so', async () => {
    const result = await stdioTools([], { AIGW_READ_ONLY: '${user_config.read_only}' });
    expect(result.tools).toEqual(READ_TOOLS);
    expect(result.stderr).toMatch(/AIGW_READ_ONLY arrived as the literal text \$\{user_config\.read_only\}.*read-only mode is ON/);
  });
});

describe('settings that arrived broken', () => {
  it('names an encrypted or unsubstituted secret on stderr and in the workspace tool error, never its value', async () => {
    const secret = '__encrypted__:djEwAAAAc2VjcmV0LWNpcGhlcnRleHQ';
    const server = await connect({
      cwd: tempDir('aigw-settings-'),
      env: { DATABRICKS_HOST: 'https://dbc-1234.cloud.databricks.com', DATABRICKS_TOKEN: secret, DATABRICKS_CLIENT_ID: '${user_config.client_id}' },
    });
    const result = await server.client.callTool({ name: 'query_usage', arguments: { report: 'summary' } });
    expect(result.isError).toBe(true);
    const text = textOf(result);
    expect(text).toMatch(/DATABRICKS_TOKEN could not be read: DATABRICKS_TOKEN arrived still encrypted/);
    const stderr = server.stderr();
    expect(stderr).toMatch(/DATABRICKS_TOKEN arrived still encrypted/);
    expect(stderr).toMatch(/DATABRICKS_CLIENT_ID arrived as the literal text \$\{user_config\.client_id\}: .*treated as unset/);
    for (const output of [text, stderr]) expect(output).not.toContain('djEwAAAAc2VjcmV0');
    await server.close();
  });
});
