/**
 * The SQL driver's own logging on the built server's stderr: its info lines ("Created DBSQLClient", one per
 * client) appear only when AIGW_DEBUG=1 asks for them, and never on stdout, the MCP channel (the client would
 * fail on a line that is not JSON-RPC).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callOk, connect, type Connected } from '../support/mcp.js';
import { tempDir } from '../support/states.js';

describe('SQL driver logging', () => {
  let quiet: Connected;
  let debug: Connected;

  beforeAll(async () => {
    [quiet, debug] = await Promise.all([
      connect({ args: ['--sandbox'], cwd: tempDir('aigw-sqllog-') }),
      connect({ args: ['--sandbox'], cwd: tempDir('aigw-sqllog-debug-'), env: { AIGW_DEBUG: '1' } }),
    ]);
    // Each runs a statement, so each creates its driver client.
    await Promise.all([quiet, debug].map((server) => callOk(server.client, 'query_usage', { report: 'summary' })));
  });

  afterAll(async () => {
    await Promise.all([quiet?.close(), debug?.close()]);
  });

  it('prints none of its info lines by default', () => {
    expect(quiet.stderr()).not.toMatch(/@databricks\/sql info|Created DBSQLClient/);
  });

  it('prints them on stderr with AIGW_DEBUG=1', () => {
    expect(debug.stderr()).toMatch(/@databricks\/sql info: Created DBSQLClient/);
  });
});
