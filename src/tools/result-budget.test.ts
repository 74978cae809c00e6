import { Client } from '@modelcontextprotocol/client';
import { InMemoryTransport, McpServer } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Runtime } from '../runtime/process-runtime.js';
import { defineTool, registerTools } from './define-tool.js';
import { largestFitting, RESULT_CHAR_BUDGET } from './result-budget.js';

const ROW = 'r'.repeat(1_000);

/** A tool whose text copy prints each row `echo` times: the seam must measure with this renderer, not the JSON alone. */
const rows = defineTool({
  name: 'rows',
  title: 'Rows',
  description: 'Returns rows, for tests of the result budget.',
  kind: 'read',
  idempotent: true,
  openWorld: false,
  input: z.object({ count: z.number().int(), echo: z.number().int().default(1), fit: z.boolean().default(true) }),
  output: z.object({ rows: z.array(z.string()), echo: z.number(), note: z.string().optional() }),
  async run(args) {
    return { rows: Array.from({ length: args.count }, (_, i) => `${i}:${ROW}`), echo: args.echo, fit: args.fit };
  },
  fit: (data, fits) =>
    data.fit
      ? largestFitting(data.rows.length, (keep) => ({ rows: data.rows.slice(0, keep), echo: data.echo, ...(keep < data.rows.length ? { note: `${keep} of ${data.rows.length} rows` } : {}) }), fits).result
      : { rows: data.rows, echo: data.echo },
  text: (result) => [...result.rows.flatMap((row) => Array.from({ length: result.echo }, () => row)), result.note ?? ''].join('\n'),
});

async function call(args: Record<string, unknown>) {
  const server = new McpServer({ name: 't', version: '1' });
  registerTools(server, new Runtime(), [rows]);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 't', version: '1' });
  await client.connect(clientSide);
  return client.callTool({ name: 'rows', arguments: args });
}

const sizeOf = (text: string, structured: unknown) => text.length + JSON.stringify(structured).length;

describe('the seam owns the result budget', () => {
  it('sends a result that fits as the tool made it, without calling for a cut', async () => {
    const result = await call({ count: 10 });
    expect((result.structuredContent as { rows: string[]; note?: string }).rows).toHaveLength(10);
    expect((result.structuredContent as { note?: string }).note).toBeUndefined();
  });

  it.each([1, 3])("shrinks through the tool's fit hook to the most rows that fit, measured with the tool's renderer (each row printed %i×)", async (echo) => {
    const result = await call({ count: 200, echo });
    const structured = result.structuredContent as { rows: string[]; note: string };
    const text = (result.content as Array<{ text: string }>)[0]!.text;
    const kept = structured.rows.length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(200);
    expect(structured.note).toBe(`${kept} of 200 rows`);
    expect(sizeOf(text, structured)).toBeLessThanOrEqual(RESULT_CHAR_BUDGET);
    // One more row would not have fit: the search kept the most it could.
    const more = { rows: [...structured.rows, `${kept}:${ROW}`], echo, note: `${kept + 1} of 200 rows` };
    expect(sizeOf(`${[...more.rows.flatMap((row) => Array.from({ length: echo }, () => row)), more.note].join('\n')}`, more)).toBeGreaterThan(RESULT_CHAR_BUDGET);
  });

  it('refuses a result the fit hook could not bring under the budget', async () => {
    const result = await call({ count: 200, fit: false });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toMatchObject({ error: { code: 'RESULT_TOO_LARGE' } });
  });
});

describe('largestFitting', () => {
  it('keeps everything when the whole fits, else the largest prefix that fits, else none', () => {
    const build = (keep: number) => keep;
    expect(largestFitting(10, build, (n) => n <= 10)).toEqual({ result: 10, kept: 10 });
    expect(largestFitting(10, build, (n) => n <= 7)).toEqual({ result: 7, kept: 7 });
    expect(largestFitting(10, build, (n) => n <= 9)).toEqual({ result: 9, kept: 9 });
    expect(largestFitting(10, build, () => false)).toEqual({ result: 0, kept: 0 });
    expect(largestFitting(0, build, () => false)).toEqual({ result: 0, kept: 0 });
  });
});
