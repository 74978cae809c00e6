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
      expect(tool.annotations?.readOnlyHint, tool.name).toBe(tool.name !== 'create_gateway');
    }
    expect(tools.find((t) => t.name === 'create_gateway')?.annotations).toMatchObject({ destructiveHint: true, readOnlyHint: false });
  });

  it.each(EXPECTED)('%s matches its snapshot', async (name) => {
    const { tools } = await server.client.listTools();
    const tool = tools.find((t) => t.name === name);
    await expect(`${JSON.stringify(tool, null, 2)}\n`).toMatchFileSnapshot(path.join(REPO, 'test', '__toolsnaps__', `${name}.json`));
  });

  it('reports the package version', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
    expect(server.client.getServerVersion()?.version).toBe(pkg.version);
  });
});
