/**
 * Resources that do not exist, through the MCP client against the built server: a state view whose state
 * file, section or role is missing answers "resource not found" — the SDK's ResourceNotFoundError, -32602
 * with the URI as data (the 2026-07-28 code, SEP-2164, which the SDK sends on both eras) — never -32603, the
 * code of a server fault.
 */
import { ProtocolError } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Connected } from '../support/mcp.js';
import { SCENARIOS, tempDir, writeYamlState } from '../support/states.js';

const MISSING = [
  ['no state file at all', 'state://endpoint_guardrail_audit', 'bare'],
  ['a section the state file lacks', 'state://Foundation.f4_gateway', 'withState'],
  ['a role the state file does not bind', 'state://llm_role_endpoints/ghost', 'withState'],
  // Names every object inherits: the state file binds no such role, so they are as absent as any other.
  ['the inherited name constructor', 'state://llm_role_endpoints/constructor', 'withState'],
  ['the inherited name toString', 'state://llm_role_endpoints/toString', 'withState'],
  ['the inherited name hasOwnProperty', 'state://llm_role_endpoints/hasOwnProperty', 'withState'],
  ['the inherited name __proto__', 'state://llm_role_endpoints/__proto__', 'withState'],
] as const;

/** Role names whose percent-escapes do not decode: they name no role. */
const MALFORMED = ['state://llm_role_endpoints/%E0%A4%A', 'state://llm_role_endpoints/%zz', 'state://llm_role_endpoints/agent%'] as const;

async function readError(server: Connected, uri: string): Promise<ProtocolError> {
  const error = await server.client.readResource({ uri }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `${uri} should not be readable`).toBeInstanceOf(ProtocolError);
  return error as ProtocolError;
}

const RESOURCE_NOT_FOUND = -32602;

for (const era of ['legacy', 'modern'] as const) {

  describe(`resources that do not exist (${era} era)`, () => {
    const servers: Record<'bare' | 'withState', Connected | undefined> = { bare: undefined, withState: undefined };

    beforeAll(async () => {
      const stateDir = tempDir('aigw-resources-');
      // SCENARIOS.passing records F2 under Foundation but not F4.
      writeYamlState(stateDir, 'state', SCENARIOS.passing);
      [servers.bare, servers.withState] = await Promise.all([connect({ era, cwd: tempDir('aigw-resources-bare-') }), connect({ era, cwd: stateDir })]);
    });

    afterAll(async () => {
      await Promise.all(Object.values(servers).map((s) => s?.close()));
    });

    for (const [what, uri, server] of MISSING) {
      it(`answers "resource not found" for ${what}, naming the URI and saying what to do`, async () => {
        const error = await readError(servers[server] as Connected, uri);
        expect(error.code).toBe(RESOURCE_NOT_FOUND);
        expect(error.data).toEqual({ uri });
        expect(error.message).toMatch(/No state file found|is not in the state file/);
      });
    }

    for (const uri of MALFORMED) {
      it(`answers "resource not found", not an internal error, for the malformed escape in ${uri}`, async () => {
        const error = await readError(servers.withState as Connected, uri);
        expect(error.code).toBe(RESOURCE_NOT_FOUND);
        expect(error.message).toMatch(/malformed percent-escape/);
      });
    }

    it('still serves the views that exist', async () => {
      const read = await (servers.withState as Connected).client.readResource({ uri: 'state://llm_role_endpoints/agent_chat' });
      expect(JSON.parse(read.contents[0]?.text as string)).toMatchObject({ selected_after_probe: true });
    });
  });
}
