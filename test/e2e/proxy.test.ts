/**
 * Behind a corporate proxy: HTTPS_PROXY (with credentials) carries both clients — REST over undici and SQL over
 * the driver — through CONNECT tunnels, TLS to the workspace inside them; NO_PROXY bypasses it. The workspace
 * is the sandbox under a name only the test proxy can resolve, so a call that skipped the proxy could not
 * reach it at all.
 */
import { createServer, type Server } from 'node:http';
import { connect as tcpConnect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox-contract.js';
import { startSandbox } from '../../src/sandbox/start-sandbox.js';
import { callOk, connect, textOf } from '../support/mcp.js';

const WORKSPACE_NAME = 'workspace.proxy.test';
const PROXY_USER = 'corp-user';
const PROXY_PASSWORD = 'p@ss word';

let sandbox: Sandbox;
let proxy: Server;
let proxyPort: number;
/** Each CONNECT the proxy accepted: target and whether the credentials were right. */
const tunnels: Array<{ target: string; authorized: boolean }> = [];

beforeAll(async () => {
  sandbox = await startSandbox({ hostnames: [WORKSPACE_NAME] });
  proxy = createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req, client, head) => {
    const expected = `Basic ${Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64')}`;
    const authorized = req.headers['proxy-authorization'] === expected;
    tunnels.push({ target: req.url ?? '', authorized });
    if (!authorized) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n');
      return;
    }
    // The proxy alone knows where the workspace name points. The SQL driver's proxy agent always asks for port
    // 443 (a real workspace's port) whatever port the host names, so both lead to the sandbox.
    if (req.url !== `${WORKSPACE_NAME}:${sandbox.port}` && req.url !== `${WORKSPACE_NAME}:443`) {
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      return;
    }
    const upstream = tcpConnect(sandbox.port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyPort = (proxy.address() as { port: number }).port;
});

afterAll(async () => {
  proxy?.closeAllConnections();
  await new Promise((resolve) => proxy?.close(resolve));
  await sandbox?.close();
});

const env = (extra: Record<string, string>) => ({
  DATABRICKS_HOST: `https://${WORKSPACE_NAME}:${sandbox.port}`,
  DATABRICKS_TOKEN: sandbox.token,
  DATABRICKS_WAREHOUSE_ID: sandbox.warehouseId,
  NODE_EXTRA_CA_CERTS: sandbox.caCertPath,
  ...extra,
});
const proxyUrl = () => `http://${encodeURIComponent(PROXY_USER)}:${encodeURIComponent(PROXY_PASSWORD)}@127.0.0.1:${proxyPort}`;

describe('HTTPS_PROXY', () => {
  it('carries REST and SQL through authenticated CONNECT tunnels', async () => {
    const server = await connect({ env: env({ HTTPS_PROXY: proxyUrl() }) });
    try {
      const live = await callOk<{ source: string; workspace: string }>(server.client, 'validate_config', { endpoint: 'skyloyalty-ai-gateway' });
      expect(live).toMatchObject({ source: 'live', workspace: `https://${WORKSPACE_NAME}:${sandbox.port}` });
      const usage = await callOk<{ rows: unknown[] }>(server.client, 'query_usage', { report: 'summary' });
      expect(usage.rows).toHaveLength(1);
      expect(tunnels.every((t) => t.authorized && t.target.startsWith(`${WORKSPACE_NAME}:`))).toBe(true);
      // Both clients went through it: undici for REST (the host's port), the SQL driver (443, see above).
      expect(new Set(tunnels.map((t) => t.target))).toEqual(new Set([`${WORKSPACE_NAME}:${sandbox.port}`, `${WORKSPACE_NAME}:443`]));
      expect(server.stderr()).not.toContain(PROXY_PASSWORD);
    } finally {
      await server.close();
    }
  });

  it('goes direct for a host in NO_PROXY (here: it then cannot resolve the name, and says so)', async () => {
    const before = tunnels.length;
    const server = await connect({ env: env({ HTTPS_PROXY: proxyUrl(), NO_PROXY: `.proxy.test` }) });
    try {
      const result = await server.client.callTool({ name: 'validate_config', arguments: { endpoint: 'skyloyalty-ai-gateway' } });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/could not reach .*ENOTFOUND|EAI_AGAIN/);
      expect(tunnels.length).toBe(before);
    } finally {
      await server.close();
    }
  });
});
