import { Client } from '@modelcontextprotocol/client';
import { InMemoryTransport, McpServer } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ToolError } from '../errors.js';
import { Runtime } from '../runtime.js';
import { RESULT_CHAR_BUDGET } from '../use-cases/result-budget.js';
import { defineTool, registerTools, type AnyToolSpec } from './define.js';

const SECRET = 'dapi-known-secret-value-1234';

const echo = defineTool({
  name: 'echo',
  title: 'Echo',
  description: 'Echoes its input, for tests of the seam.',
  kind: 'read',
  idempotent: true,
  openWorld: false,
  input: z.object({ text: z.string(), fail: z.boolean().default(false), repeat: z.number().int().default(1) }),
  output: z.object({ text: z.string() }),
  async run(args) {
    if (args.fail) throw new ToolError('Echo failed', `it was asked to, holding ${SECRET}`, 'Call it without fail', 'TEST');
    return { text: args.text.repeat(args.repeat) };
  },
  text: (result) => `echo: ${result.text}`,
});

const write = defineTool({ ...echo, name: 'write', kind: 'write', run: echo.run, text: echo.text } as AnyToolSpec);

async function connectTo(runtime: Runtime) {
  const server = new McpServer({ name: 't', version: '1' });
  registerTools(server, runtime, [echo, write]);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 't', version: '1' });
  await client.connect(clientSide);
  return client;
}

describe('the tool seam', () => {
  it('keeps the server’s own secrets out of the text and the structured content', async () => {
    const client = await connectTo(new Runtime({ workspace: { token: SECRET } }));
    const result = await client.callTool({ name: 'echo', arguments: { text: `token ${SECRET} here` } });
    expect(JSON.stringify(result)).not.toContain(SECRET);
    expect(result.structuredContent).toEqual({ text: 'token [REDACTED] here' });
  });

  it('turns a ToolError into an isError result without the secret', async () => {
    const client = await connectTo(new Runtime({ workspace: { token: SECRET } }));
    const result = await client.callTool({ name: 'echo', arguments: { text: 'x', fail: true } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/Echo failed: it was asked to, holding \[REDACTED\]\. Call it without fail/);
  });

  it('refuses a result over the size budget with a way to narrow it', async () => {
    const client = await connectTo(new Runtime());
    const result = await client.callTool({ name: 'echo', arguments: { text: 'x', repeat: RESULT_CHAR_BUDGET } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/too large.*Narrow the request/);
  });

  it('derives annotations from the operation kind and never registers write tools in read-only mode', async () => {
    const tools = (await (await connectTo(new Runtime())).listTools()).tools;
    expect(tools.find((t) => t.name === 'echo')?.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false });
    expect(tools.find((t) => t.name === 'write')?.annotations?.readOnlyHint).toBe(false);
    const readOnly = (await (await connectTo(new Runtime({ readOnly: true }))).listTools()).tools;
    expect(readOnly.map((t) => t.name)).toEqual(['echo']);
  });
});
