/**
 * The seam's paths the other seam tests do not take: a call over HTTP made by a known caller (run on the
 * caller's view of the runtime, its clients closed with the call, its token scrubbed, the call audited), and
 * failures thrown as something other than an Error (drivers throw plain objects).
 */
import { Client } from '@modelcontextprotocol/client';
import { InMemoryTransport, McpServer } from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { Caller } from '../runtime/caller.js';
import { Runtime } from '../runtime/process-runtime.js';
import { ToolError } from '../shared/tool-error.js';
import { defineTool, registerTools } from './define-tool.js';

const CALLER_TOKEN = 'dapi-token-of-the-caller-5678';
const closed: string[] = [];

const whoami = defineTool({
  name: 'whoami',
  title: 'Who am I',
  description: 'Says whose view of the runtime it ran on, for tests of the seam.',
  kind: 'read',
  idempotent: true,
  openWorld: false,
  input: z.object({ note: z.string(), fail: z.boolean().default(false) }),
  output: z.object({ user: z.string().nullable(), note: z.string() }),
  async run(args, call) {
    // A client made with the caller's token lives for this call only: the seam must close it.
    call.runtime.scopedService('client', (onEnd) => onEnd(() => void closed.push(args.note)));
    if (args.fail) throw new ToolError('Whoami failed', 'it was asked to', 'Call it without fail', 'INVALID_INPUT');
    return { user: call.runtime.caller?.user ?? null, note: args.note };
  },
  text: (result) => `${result.user}: ${result.note}`,
});

/** Throws whatever `throwing` names: a plain object with a message, one without, a string. */
const thrower = defineTool({
  name: 'thrower',
  title: 'Thrower',
  description: 'Throws a non-Error value, for tests of the seam.',
  kind: 'read',
  idempotent: true,
  openWorld: false,
  input: z.object({ throwing: z.enum(['object', 'bare-object', 'string']) }),
  output: z.object({ never: z.string() }),
  async run(args) {
    if (args.throwing === 'object') throw { message: `driver refused ${CALLER_TOKEN}`, code: 42 };
    if (args.throwing === 'bare-object') throw { status: 'odd' };
    throw 'a plain string';
  },
  text: () => 'never',
});

async function connectAs(runtime: Runtime, caller?: Caller) {
  const server = new McpServer({ name: 't', version: '1' }, { capabilities: { logging: {} } });
  registerTools(server, runtime, [whoami, thrower], caller);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 't', version: '1' });
  await client.connect(clientSide);
  return client;
}

const ana: Caller = { via: 'databricks-apps', user: 'ana@example.com', requestId: 'req-1', workspaceToken: () => CALLER_TOKEN };

/** The audit records the seam wrote to stderr during `action`. */
async function audited(action: () => Promise<unknown>): Promise<Array<Record<string, unknown>>> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
  try {
    await action();
  } finally {
    spy.mockRestore();
  }
  return lines.flatMap((line) => line.split('\n')).filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>).filter((r) => r.event === 'tool_call');
}

afterEach(() => {
  closed.length = 0;
});

describe('a call made by a known HTTP caller', () => {
  it("runs on the caller's view, closes the call's own clients, scrubs the caller's token and audits the call", async () => {
    const client = await connectAs(new Runtime(), ana);
    let result: Awaited<ReturnType<Client['callTool']>> | undefined;
    const records = await audited(async () => {
      result = await client.callTool({ name: 'whoami', arguments: { note: `holding ${CALLER_TOKEN}` } });
    });
    expect(result?.structuredContent).toEqual({ user: 'ana@example.com', note: 'holding [REDACTED]' });
    expect(JSON.stringify(result)).not.toContain(CALLER_TOKEN);
    expect(closed).toEqual([`holding ${CALLER_TOKEN}`]);
    expect(records).toEqual([
      expect.objectContaining({ tool: 'whoami', caller: 'ana@example.com', via: 'databricks-apps', request_id: 'req-1', acting_as: 'caller', status: 'ok', arguments: { note: 'holding [REDACTED]', fail: false } }),
    ]);
    expect(records[0]).not.toHaveProperty('error_code');
  });

  it('audits a failed call with its error code, and still closes what the call opened', async () => {
    const client = await connectAs(new Runtime(), ana);
    const records = await audited(() => client.callTool({ name: 'whoami', arguments: { note: 'x', fail: true } }));
    expect(records).toEqual([expect.objectContaining({ tool: 'whoami', status: 'error', error_code: 'INVALID_INPUT' })]);
    expect(closed).toEqual(['x']);
  });

  it('audits an unexpected failure as an error without a code', async () => {
    const client = await connectAs(new Runtime(), { via: 'bearer-token' });
    const records = await audited(() => client.callTool({ name: 'thrower', arguments: { throwing: 'string' } }));
    expect(records).toEqual([expect.objectContaining({ tool: 'thrower', caller: null, via: 'bearer-token', acting_as: 'server', status: 'error', error_code: 'UNEXPECTED' })]);
  });

  it('writes no audit record for a call over stdio (no caller)', async () => {
    const client = await connectAs(new Runtime());
    const records = await audited(() => client.callTool({ name: 'whoami', arguments: { note: 'stdio' } }));
    expect(records).toEqual([]);
  });
});

describe('a failure thrown as something other than an Error', () => {
  const unexpected = async (throwing: string) => {
    const client = await connectAs(new Runtime({ workspace: { token: CALLER_TOKEN } }));
    let result: Awaited<ReturnType<Client['callTool']>> | undefined;
    await audited(async () => {
      result = await client.callTool({ name: 'thrower', arguments: { throwing } });
    });
    expect(result?.isError).toBe(true);
    return (result?.structuredContent as { error: Record<string, string> }).error;
  };

  it("keeps a plain object's message only, scrubbed", async () => {
    expect(await unexpected('object')).toEqual({
      code: 'UNEXPECTED',
      what: 'thrower failed unexpectedly',
      why: 'driver refused [REDACTED]',
      next: 'Retry once; if it fails again, report it with the arguments you used',
    });
  });

  it('says what an object without a message and a thrown string were', async () => {
    expect((await unexpected('bare-object')).why).toBe('[object Object]');
    expect((await unexpected('string')).why).toBe('a plain string');
  });
});
