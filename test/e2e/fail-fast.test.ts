/**
 * A workspace that cannot be reached fails every workspace tool at once, naming the host: a name that does not
 * resolve, a port nobody listens on, a certificate nobody trusts. None of them changes on retry, and the SQL
 * driver alone would retry each for about 30 s (its HttpRetryPolicy: five attempts, 2–16 s apart).
 * How it is proved without a clock: for the untrusted certificate a loopback TLS server counts the connections
 * each call makes (one REST attempt and one handshake before the SQL driver, never a retry loop); for the other
 * two, each call is bounded by a test timeout far below the driver's 30 s (generous for this shared machine).
 * read_audit is left out: it reads only the state file.
 */
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, textOf, type Connected } from '../support/mcp.js';
import { SCENARIOS, tempDir, writeYamlState } from '../support/states.js';
import { createCertificates } from '../../dist/sandbox/certs.js';

const CALL_BOUND_MS = 10_000;
const dir = tempDir('aigw-fail-fast-');
const stateFile = writeYamlState(dir, 'state', SCENARIOS.passing);

/** One call per workspace tool, each reaching the workspace first thing. */
const CALLS: Array<[string, Record<string, unknown>]> = [
  ['validate_config', { endpoint: 'skyloyalty-ai-gateway' }],
  ['create_gateway', { mode: 'plan', name: 'gw-unreachable', catalog: 'workshop', schema: 'gw', state_file: stateFile }],
  ['query_usage', { report: 'summary' }],
  ['tail_inference', { endpoint: 'skyloyalty-ai-gateway' }],
];

function env(host: string): Record<string, string> {
  return { DATABRICKS_HOST: host, DATABRICKS_TOKEN: 'dapi-fail-fast', DATABRICKS_WAREHOUSE_ID: 'abcdef0123456789' };
}

async function failureOf(server: Connected, tool: string, args: Record<string, unknown>): Promise<string> {
  const result = await server.client.callTool({ name: tool, arguments: args });
  expect(result.isError, `${tool}: ${textOf(result)}`).toBe(true);
  return textOf(result);
}

describe('a host name that does not resolve', () => {
  // RFC 6761: .invalid never resolves.
  const host = 'https://dbc-typo.invalid';
  let server: Connected;
  beforeAll(async () => {
    server = await connect({ env: env(host), cwd: dir });
  }, 30_000);
  afterAll(() => server?.close());

  for (const [tool, args] of CALLS) {
    it(`${tool} fails naming the host`, { timeout: CALL_BOUND_MS }, async () => {
      const text = await failureOf(server, tool, args);
      expect(text).toContain('dbc-typo.invalid');
      expect(text).toMatch(/ENOTFOUND|EAI_AGAIN/);
    });
  }
});

describe('a port nobody listens on', () => {
  let server: Connected;
  let host: string;
  beforeAll(async () => {
    // A port that was just free: bound, then closed.
    const probe = createTcpServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    host = `https://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise((resolve) => probe.close(resolve));
    server = await connect({ env: env(host), cwd: dir });
  }, 30_000);
  afterAll(() => server?.close());

  for (const [tool, args] of CALLS) {
    it(`${tool} fails naming the host`, { timeout: CALL_BOUND_MS }, async () => {
      const text = await failureOf(server, tool, args);
      expect(text).toContain(host.replace('https://', ''));
      expect(text).toMatch(/ECONNREFUSED/);
    });
  }
});

describe('a certificate nobody trusts', () => {
  let tlsServer: Server;
  let connections = 0;
  let server: Connected;
  let host: string;
  beforeAll(async () => {
    // A certificate from a CA the server was not told about (no NODE_EXTRA_CA_CERTS).
    const certs = await createCertificates(tempDir('aigw-untrusted-'));
    tlsServer = createTlsServer({ key: certs.serverKey, cert: certs.serverCert }, (socket) => socket.destroy());
    tlsServer.on('connection', () => (connections += 1));
    tlsServer.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    host = `https://127.0.0.1:${(tlsServer.address() as AddressInfo).port}`;
    server = await connect({ env: env(host), cwd: dir });
  }, 30_000);
  afterAll(async () => {
    await server?.close();
    tlsServer?.close();
  });

  for (const [tool, args] of CALLS) {
    it(`${tool} fails naming the host and the certificate, after at most one connection per client`, { timeout: CALL_BOUND_MS }, async () => {
      const before = connections;
      const text = await failureOf(server, tool, args);
      expect(text).toContain(host.replace('https://', ''));
      expect(text).toMatch(/certificate|CERT/i);
      expect(text).toMatch(/NODE_EXTRA_CA_CERTS/);
      // REST and SQL each try once; the SQL driver's retry loop would add four more.
      expect(connections - before).toBeLessThanOrEqual(2);
    });
  }
});
