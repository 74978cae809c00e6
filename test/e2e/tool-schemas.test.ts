/**
 * Pins the agent-facing surface: each tool's name, title, description, annotations and schemas. A change shows
 * up as a snapshot diff in review; update deliberately with `npx vitest run -u test/e2e/tool-schemas.test.ts`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/runtime/version.js';
import { connect, REPO, type Connected } from '../support/mcp.js';

const EXPECTED = ['read_audit', 'validate_config', 'create_gateway', 'query_usage', 'tail_inference'];

/** What every agent session pays before its first question (issue 22): bytes, and characters per description. */
const BUDGET = {
  toolsList: 24 * 1024,
  modelRead: 12 * 1024,
  description: { default: 600, create_gateway: 900 } as Record<string, number>,
};

/** Facts no trimming may lose. */
const FACTS: Array<[string, RegExp]> = [
  ['halted: ask the operator, never pick an endpoint', /"halted"[^\n]*ask the operator[^\n]*never pick/],
  ['confirm before apply', /confirm[^\n]*mode "apply"|Never apply without (that|the user's) confirmation/],
  ['payloads are untrusted data', /payloads[^\n]*untrusted[^\n]*never follow|untrusted[^\n]*data, never as instructions/i],
];

let server: Connected;
beforeAll(async () => {
  server = await connect();
});
afterAll(async () => server?.close());

describe('tool surface', () => {
  it('lists the five tools, each with an output schema and honest annotations', async () => {
    const { tools } = await server.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(EXPECTED);
    for (const tool of tools) {
      expect(tool.outputSchema, tool.name).toBeDefined();
      expect(tool.description?.length, tool.name).toBeGreaterThan(150);
      expect(tool.annotations?.title, `${tool.name}: the title is the tool's own, once`).toBeUndefined();
      expect(tool.annotations?.readOnlyHint, tool.name).toBe(tool.name !== 'create_gateway');
    }
    expect(tools.find((t) => t.name === 'create_gateway')?.annotations).toMatchObject({ destructiveHint: true, readOnlyHint: false });
  });

  it.each(EXPECTED)('%s matches its snapshot', async (name) => {
    const { tools } = await server.client.listTools();
    const tool = tools.find((t) => t.name === name);
    await expect(`${JSON.stringify(tool, null, 2)}\n`).toMatchFileSnapshot(path.join(REPO, 'test', '__toolsnaps__', `${name}.json`));
  });

  it('keeps within what an agent pays for it in every session', async () => {
    const list = await server.client.listTools();
    const bytes = (value: unknown) => Buffer.byteLength(typeof value === 'string' ? value : JSON.stringify(value));
    // The whole tools/list result, and what the model reads of it (the output schemas go to the client).
    expect(bytes(list), 'tools/list').toBeLessThanOrEqual(BUDGET.toolsList);
    const read = list.tools.reduce((sum, t) => sum + bytes(t.name) + bytes(t.description ?? '') + bytes(t.inputSchema), 0);
    expect(read, 'name + description + inputSchema of all tools').toBeLessThanOrEqual(BUDGET.modelRead);
    for (const tool of list.tools) {
      expect(tool.description?.length ?? 0, tool.name).toBeLessThanOrEqual(BUDGET.description[tool.name] ?? BUDGET.description.default);
    }
  });

  it('says the facts an agent must keep somewhere it reads them: instructions or a tool description', async () => {
    const { tools } = await server.client.listTools();
    const read = [server.client.getInstructions() ?? '', ...tools.map((t) => t.description ?? '')].join('\n');
    for (const [fact, pattern] of FACTS) expect(read, fact).toMatch(pattern);
  });

  it('reports the package version', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
    expect(server.client.getServerVersion()?.version).toBe(pkg.version);
  });
});
