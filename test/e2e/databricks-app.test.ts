/**
 * The built server as a Databricks App: the environment Databricks Apps sets, a local stand-in for the Apps
 * proxy in front (test/support/apps-proxy.ts), the sandbox behind. Checks who gets in (the proxy's identity
 * headers, the app's host), that each call acts as the caller when the proxy forwards their token — Unity
 * Catalog grants then decide what each user sees, and the sandbox's request log shows each user's own token on
 * REST and SQL — or as the app's service principal when it does not, that plans belong to their author and
 * survive a restart, and the audit trail. Headers sent straight to the app's port change nothing about who the
 * caller is: the forwarded token's owner (asked of the sandbox's SCIM Me), else the app itself.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { Agent, request as undiciRequest } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoggedRequest, Sandbox } from '../../src/sandbox/sandbox-contract.js';
import { startSandbox } from '../../src/sandbox/start-sandbox.js';
import { AGENT_SP, GATEWAY_ENDPOINTS, OPS_GROUP } from '../../src/sandbox/seed/seed-catalog.js';
import { startAppsProxy, type AppsProxy, type AppsProxyUser } from '../support/apps-proxy.js';
import { CLI, textOf } from '../support/mcp.js';
import { SCENARIOS, tempDir, writeYamlState } from '../support/states.js';

const APP_NAME = 'mcp-ai-gateway';
const WORKSPACE_ID = '1234567890123456';
const APP_HOST = `${APP_NAME}-${WORKSPACE_ID}.aws.databricksapps.com`;
const PLAN_SECRET = 'app-plan-secret-0123456789abcdef0123456789';
const DAY = 86_400_000;
const WINDOW = { since: new Date(Date.now() - 40 * DAY).toISOString(), until: new Date(Date.now() + DAY).toISOString() };
const GATEWAY = GATEWAY_ENDPOINTS[0]!;
const PAYLOAD_TABLE = 'workshop.skyloyalty_ops.gw_payload';
/** Who every caller is when the app has no user authorization. */
const APP_IDENTITY = `app:${APP_NAME}`;

interface Served {
  url: string;
  child: ChildProcess;
  stderr: () => string;
}

/** The stderr of every server the tests started: no token may ever appear in one. */
const logs: Array<() => string> = [];

/** Starts `dist/cli.cjs --http` and resolves with the URL it listens on (as reached over loopback). */
function serve(env: Record<string, string>, cwd: string, args: string[] = ['--host', '127.0.0.1']): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '--http', ...args], { cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env } });
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`the server did not listen within 20 s: ${stderr}`)), 20_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
      if (url) {
        clearTimeout(timer);
        logs.push(() => stderr);
        resolve({ url: url.replace('0.0.0.0', '127.0.0.1'), child, stderr: () => stderr });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}: ${stderr}`));
    });
  });
}

function stop(served: Served | undefined): Promise<void> {
  if (!served || served.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    served.child.once('exit', () => resolve());
    served.child.kill('SIGTERM');
  });
}

function post(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Headers anyone who reaches the app's port can type, naming `email` as if the proxy had. */
function direct(email: string): Record<string, string> {
  return { 'x-forwarded-user': `forged-${email}`, 'x-forwarded-email': email, 'x-request-id': `forged-${Date.now()}`, 'x-forwarded-host': APP_HOST };
}

/** An MCP client that skips the proxy and sends `headers` straight to the app's port. */
async function straightToPort(headers: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'forger', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(app.url), { requestInit: { headers } }));
  clients.push(client);
  return client;
}

/** The author a plan_id binds (its payload is readable; only its MAC is secret). */
function authorOf(planId: string): string | null {
  return (JSON.parse(Buffer.from(planId.split('.')[0]!, 'base64url').toString('utf8')) as unknown[])[5] as string | null;
}

const INITIALIZE = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
const LIST_TOOLS = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} });

let sandbox: Sandbox;
let dir: string;
let stateFile: string;
let app: Served;
let proxy: AppsProxy;
const users: Record<string, AppsProxyUser> = {};
const clients: Client[] = [];
/** Every result text the app returned, to check no token ever leaves in one. */
const returned: string[] = [];

function appEnv(extra: Record<string, string> = {}): Record<string, string> {
  // As Databricks Apps sets them (the port 0 lets the system pick a free one), plus the app.yaml env.
  return {
    DATABRICKS_APP_NAME: APP_NAME,
    DATABRICKS_APP_PORT: '0',
    DATABRICKS_WORKSPACE_ID: WORKSPACE_ID,
    DATABRICKS_HOST: sandbox.url,
    DATABRICKS_CLIENT_ID: sandbox.oauth.clientId,
    DATABRICKS_CLIENT_SECRET: sandbox.oauth.clientSecret,
    DATABRICKS_WAREHOUSE_ID: sandbox.warehouseId,
    AIGW_PLAN_SECRET: PLAN_SECRET,
    NODE_EXTRA_CA_CERTS: sandbox.caCertPath,
    ...extra,
  };
}

/** An MCP client signed in to the proxy as `login` (a key of `users`). */
async function signIn(url: string, login: string): Promise<Client> {
  const client = new Client({ name: 'genie-code-stand-in', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${login}` } } }));
  clients.push(client);
  return client;
}

interface Called {
  isError: boolean;
  text: string;
  structured: Record<string, any>;
  /** The sandbox requests made during the call. */
  requests: LoggedRequest[];
}

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<Called> {
  const before = sandbox.requests.length;
  const result = await client.callTool({ name, arguments: args });
  const text = textOf(result);
  returned.push(text, JSON.stringify(result.structuredContent ?? {}));
  return { isError: Boolean(result.isError), text, structured: (result.structuredContent ?? {}) as Record<string, any>, requests: sandbox.requests.slice(before) };
}

/** The requests that carried a bearer token (the OAuth token endpoint authenticates otherwise). */
const withToken = (requests: LoggedRequest[]) => requests.filter((r) => r.token !== undefined);

/** A team schema, made the way its owner would before F4 (the sandbox, like a workspace, never makes one on the fly). */
async function createSchema(catalog: string, name: string): Promise<void> {
  const dispatcher = new Agent({ connect: { ca: sandbox.caCert } });
  try {
    const answer = await undiciRequest(`${sandbox.url}/api/2.1/unity-catalog/schemas`, {
      method: 'POST',
      dispatcher,
      headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ catalog_name: catalog, name }),
    });
    expect(answer.statusCode).toBe(200);
    await answer.body.dump();
  } finally {
    await dispatcher.close();
  }
}

const SHARED_STATE = '/Workspace/Shared/ai-gateway/state.yaml';

async function importWorkspaceFile(file: string, text: string): Promise<void> {
  const dispatcher = new Agent({ connect: { ca: sandbox.caCert } });
  try {
    for (const [api, body] of [
      ['mkdirs', { path: path.posix.dirname(file) }],
      ['import', { path: file, content: Buffer.from(text).toString('base64'), format: 'AUTO', overwrite: true }],
    ] as const) {
      const answer = await undiciRequest(`${sandbox.url}/api/2.0/workspace/${api}`, { method: 'POST', dispatcher, headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(answer.statusCode).toBe(200);
      await answer.body.dump();
    }
  } finally {
    await dispatcher.close();
  }
}

async function grant(securable: string, fullName: string, principal: string, privileges: string[]): Promise<void> {
  const dispatcher = new Agent({ connect: { ca: sandbox.caCert } });
  try {
    const answer = await undiciRequest(`${sandbox.url}/api/2.1/unity-catalog/permissions/${securable}/${fullName}`, {
      method: 'PATCH',
      dispatcher,
      headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ changes: [{ principal, add: privileges }] }),
    });
    expect(answer.statusCode).toBe(200);
    await answer.body.dump();
  } finally {
    await dispatcher.close();
  }
}

function auditLines(stderr: string): Array<Record<string, any>> {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, any>)
    .filter((line) => line.event === 'tool_call');
}

beforeAll(async () => {
  sandbox = await startSandbox({});
  dir = tempDir('aigw-app-');
  stateFile = writeYamlState(dir, 'state', SCENARIOS.passing);
  // Under Apps a state file lives in the workspace (a local one is refused): the team's, in /Shared, where every user may write.
  await importWorkspaceFile(SHARED_STATE, readFileSync(stateFile, 'utf8'));
  for (const schema of ['gw_app', 'gw_app_restart']) await createSchema('workshop', schema);
  // Alice may read the usage system tables and the gateway's payload table; Bob has no grants at all.
  await grant('schema', 'system.serving', 'alice@example.com', ['USE_SCHEMA', 'SELECT']);
  await grant('catalog', 'workshop', 'alice@example.com', ['USE_CATALOG']);
  await grant('schema', 'workshop.skyloyalty_ops', 'alice@example.com', ['USE_SCHEMA']);
  await grant('table', PAYLOAD_TABLE, 'alice@example.com', ['SELECT']);
  users['login-alice'] = { email: 'alice@example.com', userId: '1001@1234567890123456', workspaceToken: sandbox.addToken('alice@example.com') };
  users['login-bob'] = { email: 'bob@example.com', userId: '1002@1234567890123456', workspaceToken: sandbox.addToken('bob@example.com') };
  users['login-admin'] = { email: 'admin@example.com', userId: '1000@1234567890123456', workspaceToken: sandbox.addToken('admin@example.com') };
  users['login-carol'] = { email: 'carol@example.com', userId: '1003@1234567890123456', workspaceToken: `dapi${'0'.repeat(32)}` };
  app = await serve(appEnv(), dir);
  proxy = await startAppsProxy(app.url, APP_HOST, users);
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await proxy?.close();
  await stop(app);
  const secrets = [...Object.values(users).map((u) => u.workspaceToken), sandbox.oauth.clientSecret, sandbox.token];
  expect(logs.length).toBeGreaterThan(3);
  for (const secret of secrets) {
    for (const log of logs) expect(log()).not.toContain(secret);
    for (const text of returned) expect(text).not.toContain(secret);
  }
  await sandbox?.close();
});

describe('who gets in', () => {
  const identity = { 'x-forwarded-user': '1001@1234567890123456', 'x-forwarded-email': 'alice@example.com', 'x-request-id': 'r-1', 'x-forwarded-host': APP_HOST };

  it('refuses with 401 a request without the proxy identity headers, naming what is missing', async () => {
    const bare = await post(app.url, {}, INITIALIZE);
    expect(bare.status).toBe(401);
    expect(bare.body).toMatch(/Databricks App.*x-forwarded-user and x-request-id/);
    const { 'x-request-id': _id, ...noRequestId } = identity;
    expect((await post(app.url, noRequestId, INITIALIZE)).body).toMatch(/lacks x-request-id/);
    // Its own bearer token means nothing here: the proxy is the authenticator.
    expect((await post(app.url, { authorization: 'Bearer anything-at-all-0123456789' }, INITIALIZE)).status).toBe(401);
  });

  it('checks the host the client addressed (X-Forwarded-Host): the app host passes, another is 403', async () => {
    expect((await post(app.url, identity, INITIALIZE)).status).toBe(200);
    const foreign = await post(app.url, { ...identity, 'x-forwarded-host': 'attacker.example' }, INITIALIZE);
    expect(foreign.status).toBe(403);
    expect(foreign.body).toMatch(/Host not allowed/);
    const otherApp = await post(app.url, { ...identity, 'x-forwarded-host': `mcp-other-${WORKSPACE_ID}.aws.databricksapps.com` }, INITIALIZE);
    expect(otherApp.status).toBe(403);
    expect((await post(app.url, { ...identity, origin: 'https://attacker.example' }, INITIALIZE)).status).toBe(403);
  });

  it('is stateless: no session id is issued, and a later request without one is served', async () => {
    const initialized = await post(app.url, identity, INITIALIZE);
    expect(initialized.headers['mcp-session-id']).toBeUndefined();
    const listed = await post(app.url, identity, LIST_TOOLS);
    expect(listed.status).toBe(200);
    expect(listed.body).toContain('query_usage');
  });

  it('listens on all interfaces, on DATABRICKS_APP_PORT, when no --host is given', async () => {
    const defaults = await serve(appEnv(), dir, []);
    try {
      expect(defaults.stderr()).toMatch(/listening on http:\/\/0\.0\.0\.0:\d+\/mcp \(Databricks App/);
    } finally {
      await stop(defaults);
    }
  });

  it('outside Apps mode, ignores forged forwarded headers: the call acts as the server', async () => {
    const plain = await serve({ DATABRICKS_HOST: sandbox.url, DATABRICKS_TOKEN: sandbox.token, DATABRICKS_WAREHOUSE_ID: sandbox.warehouseId, NODE_EXTRA_CA_CERTS: sandbox.caCertPath }, dir);
    const client = new Client({ name: 'forger', version: '1' });
    try {
      const forged = { 'x-forwarded-access-token': users['login-bob']!.workspaceToken, 'x-forwarded-email': 'bob@example.com', 'x-forwarded-user': '1002', 'x-request-id': 'r', 'x-forwarded-host': APP_HOST };
      await client.connect(new StreamableHTTPClientTransport(new URL(plain.url), { requestInit: { headers: forged } }));
      const result = await call(client, 'query_usage', { ...WINDOW, report: 'summary' });
      expect(result.isError).toBe(false);
      expect(result.structured.workspace).toBe(sandbox.url);
      expect(withToken(result.requests).length).toBeGreaterThan(0);
      for (const r of withToken(result.requests)) expect(r.principal).toBe('admin@example.com');
      const [line] = auditLines(plain.stderr());
      expect(line).toMatchObject({ tool: 'query_usage', caller: null, via: 'loopback', acting_as: 'server', status: 'ok' });
    } finally {
      await client.close();
      await stop(plain);
    }
  });
});

describe('acting as the caller (user authorization on)', () => {
  it('tells each user in tools/list that calls run with their own rights', async () => {
    const { tools } = await (await signIn(proxy.url, 'login-alice')).listTools();
    const usage = tools.find((t) => t.name === 'query_usage');
    expect(usage?.description).toContain(`\nWorkspace: ${sandbox.url}, as alice@example.com: calls run with your own Unity Catalog rights`);
  });

  it('query_usage: the user with grants gets the usage, the one without is refused naming the privilege', async () => {
    const alice = await call(await signIn(proxy.url, 'login-alice'), 'query_usage', { ...WINDOW, report: 'summary' });
    expect(alice.isError).toBe(false);
    expect(alice.structured.workspace).toBe(`${sandbox.url} (as alice@example.com)`);
    expect(alice.structured.rows[0].requests).toBeGreaterThan(1000);

    // Asked after Alice: "auto" must not reuse the source Alice could read.
    const bob = await call(await signIn(proxy.url, 'login-bob'), 'query_usage', { ...WINDOW, report: 'summary' });
    expect(bob.isError).toBe(true);
    expect(bob.text).toMatch(/No usage table is readable/);
    expect(bob.text).toMatch(/does not have USE SCHEMA on Schema 'system\.serving'.*This call ran as bob@example\.com, with that user's own rights/);

    for (const [who, result] of [['alice@example.com', alice], ['bob@example.com', bob]] as const) {
      const sql = withToken(result.requests).filter((r) => r.path.startsWith('/sql/'));
      expect(sql.length, who).toBeGreaterThan(0);
      for (const r of withToken(result.requests)) expect(r.principal, `${r.method} ${r.path}`).toBe(who);
    }
  });

  it('tail_inference: REST (the endpoint config) and SQL (the payload table) both run with the user token', async () => {
    const alice = await call(await signIn(proxy.url, 'login-alice'), 'tail_inference', { endpoint: GATEWAY.name, ...WINDOW, limit: 3 });
    expect(alice.isError, alice.text).toBe(false);
    expect(alice.structured.table).toBe(PAYLOAD_TABLE);
    expect(alice.structured.rows).toHaveLength(3);
    const aliceToken = users['login-alice']!.workspaceToken;
    expect(withToken(alice.requests).some((r) => r.path.startsWith('/api/'))).toBe(true);
    expect(withToken(alice.requests).some((r) => r.path.startsWith('/sql/'))).toBe(true);
    for (const r of withToken(alice.requests)) expect(r.token).toBe(aliceToken);

    const bob = await call(await signIn(proxy.url, 'login-bob'), 'tail_inference', { endpoint: GATEWAY.name, ...WINDOW, limit: 3 });
    expect(bob.isError).toBe(true);
    // Unity Catalog hides the table from Bob: not found, with what to check and whose rights were used.
    expect(bob.text).toMatch(/check USE CATALOG \/ USE SCHEMA \/ SELECT on the schema.*This call ran as bob@example\.com/);
    for (const r of withToken(bob.requests)) expect(r.token).toBe(users['login-bob']!.workspaceToken);
  });

  it('a user token the workspace refuses is 401 at the door, through the proxy or straight to the port', async () => {
    await expect(signIn(proxy.url, 'login-carol')).rejects.toThrow(/401/);
    const forged = { ...direct('alice@example.com'), 'x-forwarded-access-token': users['login-carol']!.workspaceToken };
    const refused = await post(app.url, forged, INITIALIZE);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatch(/user token the Databricks Apps proxy forwarded \(X-Forwarded-Access-Token\) was refused: asked who the token belongs to, the workspace .* answered HTTP 401.*Sign in to the app again/);
    expect(refused.headers['www-authenticate']).toMatch(/invalid_token/);
  });

  it('writes one audit line per call: time, caller, tool, arguments, status, duration', async () => {
    const lines = auditLines(app.stderr());
    const usage = lines.filter((l) => l.tool === 'query_usage');
    expect(usage).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ caller: 'alice@example.com', via: 'databricks-apps', acting_as: 'caller', status: 'ok', arguments: expect.objectContaining({ report: 'summary', since: WINDOW.since }) }),
        expect.objectContaining({ caller: 'bob@example.com', status: 'error', error_code: 'USAGE_NOT_READABLE' }),
      ]),
    );
    for (const line of lines) {
      expect(Date.parse(line.time)).not.toBeNaN();
      expect(line.duration_ms).toEqual(expect.any(Number));
      expect(line.request_id).toEqual(expect.any(String));
    }
  });
});

describe('acting as the app service principal (user authorization off)', () => {
  afterAll(() => {
    proxy.userAuthorization = true;
  });

  it('every caller acts as the service principal, and tools/list and results say so', async () => {
    proxy.userAuthorization = false;
    const bob = await signIn(proxy.url, 'login-bob');
    const { tools } = await bob.listTools();
    expect(tools.find((t) => t.name === 'tail_inference')?.description).toMatch(
      new RegExp(`as the app's service principal ${AGENT_SP}: the app has no user authorization, so every caller acts with that principal's rights`),
    );
    const usage = await call(bob, 'query_usage', { ...WINDOW, report: 'summary' });
    expect(usage.isError, usage.text).toBe(false);
    expect(usage.structured.workspace).toBe(`${sandbox.url} (as the app's service principal ${AGENT_SP})`);
    const tail = await call(bob, 'tail_inference', { endpoint: GATEWAY.name, ...WINDOW, limit: 2 });
    expect(tail.isError, tail.text).toBe(false);
    for (const r of withToken([...usage.requests, ...tail.requests])) expect(r.principal).toBe(AGENT_SP);
    // Recorded as the app, whose rights it used; the name the headers carried is kept, as a claim only.
    await expect.poll(() => auditLines(app.stderr()).at(-1)).toMatchObject({ tool: 'tail_inference', caller: APP_IDENTITY, claimed_user: 'bob@example.com', acting_as: 'server', status: 'ok' });
  });
});

describe('identity from what the proxy proves, not from headers', () => {
  const args = (extra: Record<string, unknown> = {}) => ({
    name: 'gw-app-forged',
    catalog: 'workshop',
    schema: 'gw_app',
    token_secret: 'ai-gateway/fmapi-token',
    grants: { agent_service_principal: AGENT_SP, ops_group: OPS_GROUP },
    state_file: SHARED_STATE,
    ...extra,
  });

  it('no token: a forged X-Forwarded-Email of a plan\'s author cannot apply their plan; the forger is the app, like every token-less caller', async () => {
    const planned = await call(await signIn(proxy.url, 'login-admin'), 'create_gateway', args());
    expect(planned.structured.status, planned.text).toBe('planned');
    expect(authorOf(planned.structured.plan_id)).toBe('admin@example.com');

    const forger = await straightToPort(direct('admin@example.com'));
    const stolen = await call(forger, 'create_gateway', args({ mode: 'apply', plan_id: planned.structured.plan_id }));
    expect(stolen.structured.error?.code, stolen.text).toBe('PLAN_ID_NOT_YOURS');
    expect(stolen.text).toMatch(new RegExp(`belongs to admin@example\\.com.*you are ${APP_IDENTITY}`));
    expect(withToken(stolen.requests)).toEqual([]);
    await expect.poll(() => auditLines(app.stderr()).at(-1)).toMatchObject({ tool: 'create_gateway', caller: APP_IDENTITY, claimed_user: 'admin@example.com', acting_as: 'server', error_code: 'PLAN_ID_NOT_YOURS' });

    // The forger is the app, exactly as Bob is through the proxy without user authorization: the same refusal, the same record.
    proxy.userAuthorization = false;
    try {
      const bob = await call(await signIn(proxy.url, 'login-bob'), 'create_gateway', args({ mode: 'apply', plan_id: planned.structured.plan_id }));
      expect(bob.structured.error?.code, bob.text).toBe('PLAN_ID_NOT_YOURS');
      expect(bob.text).toMatch(new RegExp(`you are ${APP_IDENTITY}`));
      await expect.poll(() => auditLines(app.stderr()).at(-1)).toMatchObject({ tool: 'create_gateway', caller: APP_IDENTITY, claimed_user: 'bob@example.com', acting_as: 'server' });
    } finally {
      proxy.userAuthorization = true;
    }
  });

  it('with Alice\'s token and Bob\'s name in the headers, the caller is Alice: her plan, and Bob\'s plan refused', async () => {
    const bobPlan = await call(await signIn(proxy.url, 'login-bob'), 'create_gateway', args());
    expect(authorOf(bobPlan.structured.plan_id)).toBe('bob@example.com');

    const mixed = await straightToPort({ ...direct('bob@example.com'), 'x-forwarded-access-token': users['login-alice']!.workspaceToken });
    const own = await call(mixed, 'create_gateway', args());
    expect(own.structured.status, own.text).toBe('planned');
    expect(authorOf(own.structured.plan_id)).toBe('alice@example.com');
    await expect.poll(() => auditLines(app.stderr()).at(-1)).toMatchObject({ tool: 'create_gateway', caller: 'alice@example.com', claimed_user: 'bob@example.com', acting_as: 'caller' });

    const stolen = await call(mixed, 'create_gateway', args({ mode: 'apply', plan_id: bobPlan.structured.plan_id }));
    expect(stolen.structured.error?.code, stolen.text).toBe('PLAN_ID_NOT_YOURS');
    expect(stolen.text).toMatch(/belongs to bob@example\.com.*you are alice@example\.com/);
  });
});

describe('plans belong to their author', () => {
  const args = (extra: Record<string, unknown> = {}) => ({
    name: 'gw-app',
    catalog: 'workshop',
    schema: 'gw_app',
    token_secret: 'ai-gateway/fmapi-token',
    grants: { agent_service_principal: AGENT_SP, ops_group: OPS_GROUP },
    state_file: SHARED_STATE,
    ...extra,
  });

  it('another user cannot apply a plan: refused naming its author, before any workspace call', async () => {
    const planned = await call(await signIn(proxy.url, 'login-alice'), 'create_gateway', args());
    expect(planned.structured.status, planned.text).toBe('planned');
    const stolen = await call(await signIn(proxy.url, 'login-bob'), 'create_gateway', args({ mode: 'apply', plan_id: planned.structured.plan_id }));
    expect(stolen.isError).toBe(true);
    expect(stolen.structured.error.code).toBe('PLAN_ID_NOT_YOURS');
    expect(stolen.text).toMatch(/belongs to alice@example\.com.*you are bob@example\.com.*Ask alice@example\.com to apply it/);
    expect(stolen.requests).toEqual([]);
  });

  it('the workspace decides what each user may change: an author without the right is refused, naming them', async () => {
    const alice = await signIn(proxy.url, 'login-alice');
    const planned = await call(alice, 'create_gateway', args({ name: 'gw-app-alice' }));
    const applied = await call(alice, 'create_gateway', args({ name: 'gw-app-alice', mode: 'apply', plan_id: planned.structured.plan_id }));
    expect(applied.isError).toBe(true);
    expect(applied.text).toMatch(/HTTP 403 \(PERMISSION_DENIED: 'alice@example\.com' is not allowed to create serving endpoints.*This call ran as alice@example\.com/);
    for (const r of withToken(applied.requests)) expect(r.principal).toBe('alice@example.com');
  });

  it('a plan survives a restart: a new app process with a fresh home applies it for its author, through AIGW_PLAN_SECRET', async () => {
    const planned = await call(await signIn(proxy.url, 'login-admin'), 'create_gateway', args({ name: 'gw-app-restart', schema: 'gw_app_restart' }));
    expect(planned.structured.status, planned.text).toBe('planned');
    await proxy.close();
    await stop(app);
    // Another container: a fresh home (no installation key file); only AIGW_PLAN_SECRET is shared.
    const replicaHome = tempDir('aigw-app-replica-');
    app = await serve({ ...appEnv(), HOME: replicaHome, AIGW_CONFIG_DIR: path.join(replicaHome, 'config') }, dir);
    proxy = await startAppsProxy(app.url, APP_HOST, users);
    const applied = await call(await signIn(proxy.url, 'login-admin'), 'create_gateway', args({ name: 'gw-app-restart', schema: 'gw_app_restart', mode: 'apply', plan_id: planned.structured.plan_id }));
    // The new process accepted the id and changed the workspace, as its author.
    expect(applied.structured.status, applied.text).toBe('applied');
    const writes = withToken(applied.requests).filter((r) => r.method !== 'GET');
    expect(writes.map((r) => `${r.method} ${r.path}`)).toContain('POST /api/2.0/serving-endpoints');
    for (const r of writes) expect(r.principal).toBe('admin@example.com');

    // Without the shared secret a new process cannot verify the id, and says so when it starts.
    const keyless = tempDir('aigw-app-keyless-');
    const { AIGW_PLAN_SECRET: _secret, ...withoutSecret } = appEnv();
    const lone = await serve({ ...withoutSecret, HOME: keyless }, dir);
    const loneProxy = await startAppsProxy(lone.url, APP_HOST, users);
    try {
      expect(lone.stderr()).toMatch(/AIGW_PLAN_SECRET is not set: plan ids will not survive a restart/);
      const refused = await call(await signIn(loneProxy.url, 'login-admin'), 'create_gateway', args({ name: 'gw-app-restart', schema: 'gw_app_restart', mode: 'apply', plan_id: planned.structured.plan_id }));
      expect(refused.structured.error?.code).toBe('PLAN_ID_UNKNOWN');
    } finally {
      await loneProxy.close();
      await stop(lone);
    }
  });
});
