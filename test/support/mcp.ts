/**
 * Spawns the BUILT server (dist/cli.cjs: the launcher running the bundle, exactly what npm's bin runs) over stdio and connects the real MCP client to it, on either protocol
 * era. End-to-end tests go through here so they exercise exactly what a user runs.
 */
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = path.join(REPO, 'dist', 'cli.cjs');

export interface ElicitAnswer {
  action: 'accept' | 'decline' | 'cancel';
  content?: Record<string, unknown>;
}

export interface StartOptions {
  args?: string[];
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** `modern` pins 2026-07-28; `legacy` speaks 2025-11-25 (the v2 client's default). */
  era?: 'legacy' | 'modern';
  /** The executable to spawn (default the built dist/cli.cjs). */
  cli?: string;
  /** Declare elicitation and answer every form with this (recording the requests). */
  elicit?: (params: { message: string; requestedSchema: unknown }) => ElicitAnswer | Promise<ElicitAnswer>;
}

export interface Connected {
  client: Client;
  stderr: () => string;
  elicitations: Array<{ message: string; requestedSchema: unknown }>;
  close(): Promise<void>;
}

export async function connect(options: StartOptions = {}): Promise<Connected> {
  if (!existsSync(CLI)) throw new Error('dist/cli.cjs is missing: run `npm run build` first (npm test does)');
  const elicitations: Connected['elicitations'] = [];
  const client = new Client(
    { name: 'e2e', version: '1.0.0' },
    {
      capabilities: options.elicit ? { elicitation: { form: {} } } : {},
      ...(options.era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {}),
    },
  );
  if (options.elicit) {
    const answer = options.elicit;
    client.setRequestHandler('elicitation/create', async (request) => {
      const params = request.params as { message: string; requestedSchema: unknown };
      elicitations.push(params);
      return answer(params);
    });
  }
  // The stdio child gets only what we pass: keep PATH/HOME, never the developer's Databricks settings.
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: options.cwd ?? process.env.HOME ?? '' };
  for (const [key, value] of Object.entries(options.env ?? {})) if (value !== undefined) env[key] = value;
  const transport = new StdioClientTransport({ command: process.execPath, args: [options.cli ?? CLI, ...(options.args ?? [])], env, cwd: options.cwd ?? REPO, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await client.connect(transport);
  return { client, stderr: () => stderr, elicitations, close: () => client.close() };
}

/** The structured result of a tool call, failing the test with the text when the call errored. */
export async function callOk<T = Record<string, unknown>>(client: Client, name: string, args: Record<string, unknown>): Promise<T> {
  const result = await client.callTool({ name, arguments: args });
  if (result.isError) throw new Error(`${name} returned isError: ${textOf(result)}`);
  return result.structuredContent as T;
}

export async function callError(client: Client, name: string, args: Record<string, unknown>): Promise<string> {
  const result = await client.callTool({ name, arguments: args });
  if (!result.isError) throw new Error(`${name} was expected to fail but returned ${JSON.stringify(result.structuredContent)}`);
  return textOf(result);
}

export function textOf(result: { content?: unknown }): string {
  const content = (result.content ?? []) as Array<{ type: string; text?: string }>;
  return content.map((c) => c.text ?? '').join('\n');
}
