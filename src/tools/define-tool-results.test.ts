/**
 * What the seam sends back, to the character: an unexpected failure's and an oversized result's error (code, what,
 * why, next and the text copy), the budget's exact edge, the annotations each operation kind gets, and which
 * known secrets are scrubbed.
 */
import { Client } from '@modelcontextprotocol/client';
import { InMemoryTransport, McpServer } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Runtime } from '../runtime/process-runtime.js';
import { annotationsOf, defineTool, registerTools, type AnyToolSpec } from './define-tool.js';
import { RESULT_CHAR_BUDGET } from './result-budget.js';

const SECRET = 'dapi-known-secret-value-1234';

const echo = defineTool({
  name: 'echo',
  title: 'Echo',
  description: 'Echoes its input, for tests of the seam.',
  kind: 'read',
  idempotent: true,
  openWorld: false,
  input: z.object({ text: z.string(), size: z.number().int().default(0) }),
  output: z.object({ text: z.string() }),
  async run(args) {
    if (args.text === 'crash') throw new TypeError(`cannot read properties of undefined near ${SECRET}`);
    // A result whose text copy plus JSON is exactly `size` characters (even): "t" + n, and {"text":"…"} around n.
    if (args.size > 0) return { text: 'x'.repeat((args.size - 12) / 2) };
    return { text: args.text };
  },
  text: (result) => `t${result.text}`,
});

async function connect(runtime: Runtime) {
  const server = new McpServer({ name: 't', version: '1' }, { capabilities: { logging: {} } });
  registerTools(server, runtime, [echo]);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 't', version: '1' });
  await client.connect(clientSide);
  return client;
}

describe('results the seam sends', () => {
  it('reports an unexpected failure with its own code and a next step, scrubbed', async () => {
    const stderr = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      const result = await (await connect(new Runtime({ workspace: { token: SECRET } }))).callTool({ name: 'echo', arguments: { text: 'crash' } });
      expect(result).toMatchObject({
        isError: true,
        content: [{ type: 'text', text: 'echo failed unexpectedly: cannot read properties of undefined near [REDACTED]. Retry once; if it fails again, report it with the arguments you used.' }],
        structuredContent: {
          error: { code: 'UNEXPECTED', what: 'echo failed unexpectedly', why: 'cannot read properties of undefined near [REDACTED]', next: 'Retry once; if it fails again, report it with the arguments you used' },
        },
      });
    } finally {
      process.stderr.write = stderr;
    }
  });

  it('sends a result of exactly the budget, and refuses a larger one, saying how to narrow it', async () => {
    const client = await connect(new Runtime());
    const fits = await client.callTool({ name: 'echo', arguments: { text: '', size: RESULT_CHAR_BUDGET } });
    expect(fits.isError).toBeFalsy();
    const over = await client.callTool({ name: 'echo', arguments: { text: '', size: RESULT_CHAR_BUDGET + 2 } });
    expect(over).toMatchObject({
      isError: true,
      structuredContent: {
        error: {
          code: 'RESULT_TOO_LARGE',
          what: `The echo result is too large to return (${RESULT_CHAR_BUDGET + 2} characters)`,
          why: "results are capped at about 25,000 tokens so they fit an agent's context",
          next: 'Narrow the request: a shorter time window, more filters, or a smaller limit',
        },
      },
    });
    expect((over.content as Array<{ text: string }>)[0]?.text).toBe(
      `The echo result is too large to return (${RESULT_CHAR_BUDGET + 2} characters): results are capped at about 25,000 tokens so they fit an agent's context. Narrow the request: a shorter time window, more filters, or a smaller limit`,
    );
  });

  it('sends the text copy and the structured result of a call that succeeds', async () => {
    expect(await (await connect(new Runtime())).callTool({ name: 'echo', arguments: { text: 'hello' } })).toMatchObject({
      content: [{ type: 'text', text: 'thello' }],
      structuredContent: { text: 'hello' },
    });
  });

  it('scrubs known secrets of six characters or more, and leaves shorter values', async () => {
    const short = await (await connect(new Runtime({ workspace: { token: 'abcde' } }))).callTool({ name: 'echo', arguments: { text: 'abcde' } });
    expect(short).toMatchObject({ content: [{ text: 'tabcde' }], structuredContent: { text: 'abcde' } });
    const six = await (await connect(new Runtime({ workspace: { token: 'abcdef' } }))).callTool({ name: 'echo', arguments: { text: 'x abcdef y' } });
    expect(six).toMatchObject({ content: [{ text: 'tx [REDACTED] y' }], structuredContent: { text: 'x [REDACTED] y' } });
  });
});

// The title is the tool's own and appears once in tools/list (issue 22): annotations carry only the hints.
describe('annotationsOf', () => {
  const spec = (over: Partial<AnyToolSpec>) => ({ ...echo, ...over }) as AnyToolSpec;

  it('marks a read tool read-only and never destructive', () => {
    expect(annotationsOf(spec({ kind: 'read', destructive: true }))).toEqual({ readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false });
  });

  it('marks a write tool destructive only when it says so', () => {
    expect(annotationsOf(spec({ kind: 'write', idempotent: false, openWorld: true }))).toEqual({ readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true });
    expect(annotationsOf(spec({ kind: 'write', destructive: true })).destructiveHint).toBe(true);
  });
});
