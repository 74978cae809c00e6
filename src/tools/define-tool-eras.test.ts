/**
 * The seam's paths that depend on the protocol era and on Databricks Apps: a form answered on a 2026-era retry
 * (input_required, the answer and the form's state coming back), the audit statuses of such a call and of a
 * cancelled one, a form cancelled while the operator has it open, progress after a cancel, the Apps line in
 * workspace tools' descriptions, whose rights an error names, and the MCP Apps resource a tool declares.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createMcpHandler, InMemoryTransport, McpServer } from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { Caller } from '../runtime/caller.js';
import { Runtime } from '../runtime/process-runtime.js';
import { ToolError } from '../shared/tool-error.js';
import { defineTool, registerTools, type AnyToolSpec } from './define-tool.js';

/** What tools did after a point the test controls: the seam must stop a cancelled tool at its form. */
const events: string[] = [];
let started: () => void = () => undefined;

const confirm = z.object({ confirm: z.boolean() });

const asking = defineTool({
  name: 'ask',
  title: 'Ask',
  description: 'Asks the operator to confirm a plan, for tests of the seam.',
  kind: 'write',
  idempotent: false,
  openWorld: true,
  input: z.object({ state: z.string().optional() }),
  output: z.object({ outcome: z.string(), elicit: z.boolean() }),
  async run(args, call) {
    events.push(`run:${call.answered('confirm', confirm) ? 'retry' : 'first'}`);
    const form = await call.form('confirm', 'Apply the plan?', confirm, args.state);
    events.push(form.kind === 'failed' ? `after-form:failed:${form.reason}` : `after-form:${form.kind}`);
    if (form.kind === 'ask') return form.request;
    const outcome = form.kind === 'answer' ? `${form.action}:${JSON.stringify(form.content)}:${String(form.state)}` : form.kind === 'failed' ? `failed:${form.reason}` : form.kind;
    return { outcome, elicit: call.canElicit() };
  },
  text: (result) => result.outcome,
});

/** Waits for the caller to cancel, then tries to report progress. */
const waiting = defineTool({
  name: 'wait',
  title: 'Wait',
  description: 'Waits until cancelled, for tests of the seam.',
  kind: 'read',
  idempotent: true,
  openWorld: false,
  input: z.object({}),
  output: z.object({ done: z.boolean() }),
  async run(_args, call) {
    await new Promise<void>((resolve) => {
      call.signal.addEventListener('abort', () => resolve());
      started();
    });
    await call.progress(1, 1, 'after the cancel');
    events.push('progress-after-cancel');
    return { done: true };
  },
  text: () => 'done',
});

/** Reports progress once and returns. */
const reporting = defineTool({
  name: 'report',
  title: 'Report',
  description: 'Reports progress, for tests of the seam.',
  kind: 'read',
  idempotent: true,
  openWorld: false,
  input: z.object({}),
  output: z.object({ done: z.boolean() }),
  async run(_args, call) {
    await call.progress(1, 1, 'all done');
    return { done: true };
  },
  text: () => 'done',
});

const failing = defineTool({
  name: 'fail',
  title: 'Fail',
  description: 'Fails for want of a grant, for tests of the seam.',
  kind: 'read',
  idempotent: true,
  openWorld: true,
  input: z.object({}),
  output: z.object({ never: z.string() }),
  async run() {
    throw new ToolError('Reading the endpoint failed', 'the identity lacks CAN_QUERY', 'Ask for CAN_QUERY on the endpoint', 'PERMISSION_DENIED');
  },
  text: () => 'never',
});

const local = defineTool({ ...failing, name: 'local', openWorld: false } as AnyToolSpec);
const drawn = defineTool({ ...failing, name: 'drawn', ui: { resourceUri: 'ui://ai-gateway/plan.html' } } as AnyToolSpec);

const CALLER_TOKEN = 'dapi-token-of-the-caller-5678';
const ana: Caller = { via: 'databricks-apps', user: 'ana@example.com', requestId: 'req-1', workspaceToken: () => CALLER_TOKEN };
const HOST = 'https://adb-1234.5.azuredatabricks.net';
const inApps = () => new Runtime({ env: {}, workspace: { host: HOST, token: 'dapi-app-owner-token-0000' }, hosting: { appName: 'gateway', port: 0 } });

function serverWith(runtime: Runtime, specs: AnyToolSpec[], caller?: Caller) {
  const server = new McpServer({ name: 't', version: '1' }, { capabilities: { logging: {} } });
  registerTools(server, runtime, specs, caller);
  return server;
}

/**
 * A 2026-era client (server/discover, a capabilities envelope on each request) over in-process HTTP; with
 * `era: 'legacy'`, a 2025-era one, whose capabilities a stateless HTTP server never learns.
 */
async function modernClient(elicits: boolean, caller?: Caller, answer?: Record<string, unknown>, era: 'modern' | 'legacy' = 'modern') {
  const mcp = createMcpHandler(() => serverWith(new Runtime(), [asking], caller), { legacy: 'stateless' });
  const transport = new StreamableHTTPClientTransport(new URL('http://in-process/mcp'), { fetch: (url, init) => mcp.fetch(new Request(url, init)) });
  const negotiation = era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' as const } } } : {};
  const client = new Client({ name: 't', version: '1' }, { capabilities: elicits ? { elicitation: { form: {} } } : {}, ...negotiation });
  const asked: unknown[] = [];
  if (elicits) {
    client.setRequestHandler('elicitation/create', async (request) => {
      asked.push(request.params.message);
      return { action: 'accept', content: answer ?? { confirm: true } };
    });
  }
  await client.connect(transport);
  expect(client.getProtocolEra()).toBe(era);
  return { client, asked };
}

async function legacyClient(runtime: Runtime, specs: AnyToolSpec[], caller?: Caller, options: ConstructorParameters<typeof Client>[1] = {}) {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await serverWith(runtime, specs, caller).connect(serverSide);
  const client = new Client({ name: 't', version: '1' }, options);
  await client.connect(clientSide);
  return client;
}

/** Collects the audit records written to stderr until `until` holds for them. */
async function auditedUntil(action: () => Promise<unknown>, until: (records: Array<Record<string, unknown>>) => boolean) {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
  const records = () =>
    lines.flatMap((line) => line.split('\n')).filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>).filter((r) => r.event === 'tool_call');
  try {
    await action();
    await vi.waitFor(() => expect(until(records())).toBe(true));
  } finally {
    spy.mockRestore();
  }
  return { records: records(), stderr: lines.join('') };
}

afterEach(() => {
  events.length = 0;
});

describe('a form on the 2026 era', () => {
  it('returns input_required, and the retry carries the answer (schema fields only) and the form’s state', async () => {
    const { client, asked } = await modernClient(true, undefined, { confirm: true, extra: 'dropped' });
    const result = await client.callTool({ name: 'ask', arguments: { state: 'plan-1' } });
    expect(result.structuredContent).toEqual({ outcome: 'accept:{"confirm":true}:plan-1', elicit: true });
    expect(asked).toEqual(['Apply the plan?']);
    expect(events).toEqual(['run:first', 'after-form:ask', 'run:retry', 'after-form:answer']);
  });

  it('hands back an empty answer when the content does not fit the form', async () => {
    const { client } = await modernClient(true, undefined, { confirm: 'yes please' });
    const result = await client.callTool({ name: 'ask', arguments: {} });
    expect(result.structuredContent).toEqual({ outcome: 'accept:{}:undefined', elicit: true });
  });

  it('reads the client’s capabilities from the request: a client without forms gets none', async () => {
    const { client, asked } = await modernClient(false);
    const result = await client.callTool({ name: 'ask', arguments: { state: 'plan-1' } });
    expect(result.structuredContent).toEqual({ outcome: 'unavailable', elicit: false });
    expect(asked).toEqual([]);
  });

  it('on the 2025 era over stateless HTTP, where the client’s capabilities are unknown, offers no form', async () => {
    const { client, asked } = await modernClient(true, undefined, undefined, 'legacy');
    expect((await client.callTool({ name: 'ask', arguments: {} })).structuredContent).toEqual({ outcome: 'unavailable', elicit: false });
    expect(asked).toEqual([]);
  });

  it('audits the round that asked as input_required and the retry as ok', async () => {
    const { client } = await modernClient(true, { via: 'bearer-token' });
    const { records } = await auditedUntil(
      () => client.callTool({ name: 'ask', arguments: {} }),
      (r) => r.length === 2,
    );
    expect(records.map((r) => [r.tool, r.status])).toEqual([
      ['ask', 'input_required'],
      ['ask', 'ok'],
    ]);
  });
});

describe('a cancelled call', () => {
  it('is audited as cancelled, and sends no progress after the cancel', async () => {
    const client = await legacyClient(new Runtime(), [waiting], ana);
    const errors: unknown[] = [];
    client.onerror = (error) => void errors.push(error);
    const cancel = new AbortController();
    const running = new Promise<void>((resolve) => (started = resolve));
    const { records } = await auditedUntil(
      async () => {
        const call = client.callTool({ name: 'wait', arguments: {} }, { signal: cancel.signal, onprogress: () => undefined });
        await running;
        cancel.abort();
        await expect(call).rejects.toThrow();
      },
      (r) => r.length === 1,
    );
    expect(records).toEqual([expect.objectContaining({ tool: 'wait', status: 'cancelled' })]);
    expect(events).toEqual(['progress-after-cancel']);
    expect(errors).toEqual([]);
  });

  it('withdraws an open form from the client and stops the tool there', async () => {
    const withdrawn: string[] = [];
    const client = await legacyClient(new Runtime(), [asking], ana, { capabilities: { elicitation: { form: {} } } });
    const open = new Promise<void>((resolve) => (started = resolve));
    client.setRequestHandler('elicitation/create', (_request, ctx) => {
      started();
      return new Promise((resolve) =>
        ctx.mcpReq.signal.addEventListener('abort', () => {
          withdrawn.push('withdrawn');
          resolve({ action: 'cancel' });
        }),
      );
    });
    const cancel = new AbortController();
    const { records, stderr } = await auditedUntil(
      async () => {
        const call = client.callTool({ name: 'ask', arguments: {} }, { signal: cancel.signal });
        await open;
        cancel.abort();
        await expect(call).rejects.toThrow();
      },
      (r) => r.length === 1,
    );
    expect(withdrawn).toEqual(['withdrawn']);
    expect(events).toEqual(['run:first']);
    expect(records).toEqual([expect.objectContaining({ tool: 'ask', status: 'cancelled' })]);
    // A cancel is no bug: the operator's log gets no stack trace for it.
    expect(stderr).not.toContain('failed unexpectedly');
  });
});

describe('progress', () => {
  it('is not sent when the caller gave no progress token', async () => {
    const client = await legacyClient(new Runtime(), [reporting]);
    const errors: unknown[] = [];
    client.onerror = (error) => void errors.push(error);
    expect((await client.callTool({ name: 'report', arguments: {} })).structuredContent).toEqual({ done: true });
    // A notification sent anyway would reach the client before the result.
    expect(errors).toEqual([]);
  });

  it('a form the client failed to show reports why, without any known secret', async () => {
    const secret = 'plain-client-secret-value';
    const client = await legacyClient(new Runtime({ workspace: { clientSecret: secret } }), [asking], undefined, { capabilities: { elicitation: { form: {} } } });
    client.setRequestHandler('elicitation/create', async () => {
      throw new Error(`renderer crashed holding ${secret}`);
    });
    const result = await client.callTool({ name: 'ask', arguments: {} });
    expect((result.structuredContent as { outcome: string }).outcome).toMatch(/^failed:.*renderer crashed holding \[REDACTED\]/);
    expect(JSON.stringify(result)).not.toContain(secret);
    // The tool itself gets the reason scrubbed: it may write it somewhere the seam does not see.
    expect(events).toEqual(['run:first', expect.stringMatching(/^after-form:failed:.*renderer crashed holding \[REDACTED\]$/)]);
  });

  it('is not sent to a caller that asked for none', async () => {
    const client = await legacyClient(new Runtime(), [waiting]);
    const errors: unknown[] = [];
    client.onerror = (error) => void errors.push(error);
    const notified: unknown[] = [];
    client.fallbackNotificationHandler = async (notification) => void notified.push(notification);
    const cancel = new AbortController();
    const running = new Promise<void>((resolve) => (started = resolve));
    const call = client.callTool({ name: 'wait', arguments: {} }, { signal: cancel.signal });
    await running;
    cancel.abort();
    await expect(call).rejects.toThrow();
    await vi.waitFor(() => expect(events).toEqual(['progress-after-cancel']));
    expect(errors).toEqual([]);
    expect(notified).toEqual([]);
  });
});

describe('under Databricks Apps', () => {
  it('ends each workspace tool’s description with whose rights its calls use, and leaves local tools as they are', async () => {
    const { tools } = await (await legacyClient(inApps(), [failing, local], ana)).listTools();
    expect(tools.map((t) => [t.name, t.description])).toEqual([
      ['fail', `Fails for want of a grant, for tests of the seam.\nWorkspace: ${HOST}, as ana@example.com: calls run with your own Unity Catalog rights (the app forwards your token).`],
      ['local', 'Fails for want of a grant, for tests of the seam.'],
    ]);
    const stdio = await (await legacyClient(inApps(), [failing])).listTools();
    expect(stdio.tools[0]?.description).toBe('Fails for want of a grant, for tests of the seam.');
  });

  it('says in an error whose rights fell short', async () => {
    const client = await legacyClient(inApps(), [failing], ana);
    const { records } = await auditedUntil(async () => {
      const result = await client.callTool({ name: 'fail', arguments: {} });
      expect(result.content).toEqual([
        {
          type: 'text',
          text: 'Reading the endpoint failed: the identity lacks CAN_QUERY. Ask for CAN_QUERY on the endpoint. This call ran as ana@example.com, with that user\'s own rights.',
        },
      ]);
      expect(result.structuredContent).toEqual({
        error: {
          code: 'PERMISSION_DENIED',
          what: 'Reading the endpoint failed',
          why: 'the identity lacks CAN_QUERY',
          next: "Ask for CAN_QUERY on the endpoint. This call ran as ana@example.com, with that user's own rights",
        },
      });
    }, (r) => r.length === 1);
    expect(records).toEqual([expect.objectContaining({ status: 'error', error_code: 'PERMISSION_DENIED' })]);
  });
});

describe('an MCP Apps tool', () => {
  it('names its ui:// resource in tools/list (nested and in the older flat key); other tools name none', async () => {
    const { tools } = await (await legacyClient(new Runtime(), [drawn, failing])).listTools();
    expect(tools.map((t) => [t.name, t._meta])).toEqual([
      ['drawn', { ui: { resourceUri: 'ui://ai-gateway/plan.html' }, 'ui/resourceUri': 'ui://ai-gateway/plan.html' }],
      ['fail', undefined],
    ]);
  });
});
