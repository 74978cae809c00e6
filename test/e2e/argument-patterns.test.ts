/**
 * Every tool argument with a pattern refuses a value that breaks it, through the MCP client, with the SDK's
 * invalid-arguments answer. The list is pinned: deleting a pattern (e.g. validate_config's endpoint-name check)
 * fails here, not only in a schema snapshot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argumentsWith, expectInvalidArguments, patternArguments, violating, type PatternArgument } from '../support/invalid-arguments.js';
import { connect, type Connected } from '../support/mcp.js';

const PINNED = [
  'read_audit roles.*',
  'validate_config endpoint',
  'validate_config alert_id',
  'create_gateway name',
  'create_gateway mcp_services.*.name',
  'create_gateway mcp_services.*.connection',
  'create_gateway token_secret',
  'create_gateway roles.*',
  'create_gateway catalog',
  'create_gateway schema',
  'create_gateway table_name_prefix',
  'create_gateway alert.warehouse_id',
  'query_usage endpoint',
  'query_usage model_service',
  'query_usage usage_context_key',
  'tail_inference endpoint',
  'tail_inference model_service',
];

let server: Connected;
let found: PatternArgument[];
beforeAll(async () => {
  server = await connect();
  found = await patternArguments(server.client);
});
afterAll(async () => server?.close());

describe('arguments with a pattern', () => {
  it('are the pinned list, tool by tool', () => {
    expect(found.map((a) => `${a.tool} ${a.path}`)).toEqual(PINNED);
  });

  it.each(PINNED)('%s refuses a value that breaks its pattern', async (entry) => {
    const argument = found.find((a) => `${a.tool} ${a.path}` === entry);
    expect(argument, entry).toBeDefined();
    const value = violating(argument!);
    await expectInvalidArguments(server.client, argument!.tool, argumentsWith(argument!.path, value), argument!.path);
  });

  // The e-mail format's regex is not advertised (tools/list stays within its budget), but it is still enforced.
  it('create_gateway alert.subscribers.* still refuses what is not an e-mail address', async () => {
    await expectInvalidArguments(server.client, 'create_gateway', argumentsWith('alert.subscribers.*', 'not an e-mail'), 'alert.subscribers.*');
  });

  it("names the rule in validate_config's endpoint message", async () => {
    const text = await expectInvalidArguments(server.client, 'validate_config', { endpoint: 'bad name!' }, 'endpoint');
    expect(text).toMatch(/endpoint: an endpoint name is 1-63 letters, digits, "-" or "_"/);
  });
});
