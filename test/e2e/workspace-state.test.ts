/**
 * State files in the workspace, for the built server as a Databricks App behind the stand-in Apps proxy: each
 * user's calls read and record the state file in their own workspace folder (AIGW_STATE_FILE with `{user}`)
 * or in a Unity Catalog volume, with their own token; another user's file is out of reach; a change made
 * between the writer's read and its write is refused with STATE_CHANGED and nothing is overwritten; a local
 * path is refused under Apps. Everything goes through the sandbox's Workspace API and Files API.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { dump, load } from 'js-yaml';
import { Agent, request as undiciRequest } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoggedRequest, Sandbox } from '../../src/sandbox/sandbox-contract.js';
import { startSandbox } from '../../src/sandbox/start-sandbox.js';
import { startAppsProxy, type AppsProxy, type AppsProxyUser } from '../support/apps-proxy.js';
import { CLI, textOf } from '../support/mcp.js';
import { SCENARIOS, tempDir } from '../support/states.js';

const APP_HOST = 'mcp-ai-gateway-1234567890123456.aws.databricksapps.com';
const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const homeState = (user: string) => `/Workspace/Users/${user}/ai-gateway/state.yaml`;
const VOLUME_STATE = '/Volumes/workshop/skyloyalty_ops/gateway_state/alice/state.yaml';
const EXPORT = '/api/2.0/workspace/export';

let sandbox: Sandbox;
let app: { url: string; child: ChildProcess; stderr: () => string };
let proxy: AppsProxy;
const users: Record<string, AppsProxyUser> = {};
const clients: Client[] = [];

interface Called {
  isError: boolean;
  text: string;
  structured: Record<string, any>;
  requests: LoggedRequest[];
}

function serve(env: Record<string, string>, cwd: string): Promise<typeof app> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '--http', '--host', '127.0.0.1'], { cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env } });
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`the server did not listen within 20 s: ${stderr}`)), 20_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url, child, stderr: () => stderr });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}: ${stderr}`));
    });
  });
}

function stop(served: typeof app | undefined): Promise<void> {
  if (!served || served.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    served.child.once('exit', () => resolve());
    served.child.kill('SIGTERM');
  });
}

function appEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABRICKS_APP_NAME: 'mcp-ai-gateway',
    DATABRICKS_APP_PORT: '0',
    DATABRICKS_WORKSPACE_ID: '1234567890123456',
    DATABRICKS_HOST: sandbox.url,
    DATABRICKS_CLIENT_ID: sandbox.oauth.clientId,
    DATABRICKS_CLIENT_SECRET: sandbox.oauth.clientSecret,
    DATABRICKS_WAREHOUSE_ID: sandbox.warehouseId,
    AIGW_PLAN_SECRET: 'workspace-state-plan-secret-0123456789abcdef',
    AIGW_STATE_FILE: '/Workspace/Users/{user}/ai-gateway/state.yaml',
    NODE_EXTRA_CA_CERTS: sandbox.caCertPath,
    ...extra,
  };
}

/** A REST call to the sandbox as `token`, the way a user's notebook or the CLI would make it. */
async function rest(token: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH', path: string, body?: unknown, raw?: string): Promise<{ status: number; text: string }> {
  const dispatcher = new Agent({ connect: { ca: sandbox.caCert } });
  try {
    const answer = await undiciRequest(`${sandbox.url}${path}`, {
      method,
      dispatcher,
      headers: { authorization: `Bearer ${token}`, 'content-type': raw === undefined ? 'application/json' : 'application/octet-stream' },
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    return { status: answer.statusCode, text: await answer.body.text() };
  } finally {
    await dispatcher.close();
  }
}

async function grant(securable: string, fullName: string, principal: string, privileges: string[]): Promise<void> {
  expect((await rest(sandbox.token, 'PATCH', `/api/2.1/unity-catalog/permissions/${securable}/${fullName}`, { changes: [{ principal, add: privileges }] })).status).toBe(200);
}

/** What a user reads back from their workspace file, with their own token. */
async function readWorkspaceFile(token: string, path: string): Promise<string> {
  const answer = await rest(token, 'GET', `${EXPORT}?path=${encodeURIComponent(path)}&format=AUTO`);
  expect(answer.status, answer.text).toBe(200);
  return Buffer.from((JSON.parse(answer.text) as { content: string }).content, 'base64').toString('utf8');
}

async function signIn(login: string): Promise<Client> {
  const client = new Client({ name: 'genie-code-stand-in', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(proxy.url), { requestInit: { headers: { authorization: `Bearer ${login}` } } }));
  clients.push(client);
  return client;
}

async function call(login: string, name: string, args: Record<string, unknown>): Promise<Called> {
  const before = sandbox.requests.length;
  const result = await (await signIn(login)).callTool({ name, arguments: args });
  return { isError: Boolean(result.isError), text: textOf(result), structured: (result.structuredContent ?? {}) as Record<string, any>, requests: sandbox.requests.slice(before) };
}

const gateway = (schema: string, extra: Record<string, unknown> = {}) => ({ name: 'agents', target: 'model_service', catalog: 'workshop', schema, grants: { opt_out_reason: 'test: no grants' }, ...extra });

/** Plans, runs `beforeApply` (a fault to arm), applies. */
async function planAndApply(login: string, args: Record<string, unknown>, beforeApply = () => {}): Promise<Called> {
  const planned = await call(login, 'create_gateway', args);
  expect(planned.structured.status, planned.text).toBe('planned');
  beforeApply();
  return call(login, 'create_gateway', { ...args, mode: 'apply', plan_id: planned.structured.plan_id });
}

/** How many times one apply reads its state file, measured on the first apply: the last two are the writer's read and re-read. */
let readsPerApply = 0;

beforeAll(async () => {
  sandbox = await startSandbox({});
  users['login-alice'] = { email: ALICE, userId: '1001@1', workspaceToken: sandbox.addToken(ALICE) };
  users['login-bob'] = { email: BOB, userId: '1002@1', workspaceToken: sandbox.addToken(BOB) };
  // Each user owns a team schema they may create a model service and its inference table in, nothing more.
  await grant('catalog', 'workshop', ALICE, ['USE_CATALOG']);
  await grant('catalog', 'workshop', BOB, ['USE_CATALOG']);
  for (const [user, schema] of [[ALICE, 'alice_gw'], [BOB, 'bob_gw']] as const) {
    expect((await rest(sandbox.token, 'POST', '/api/2.1/unity-catalog/schemas', { catalog_name: 'workshop', name: schema })).status).toBe(200);
    await grant('schema', `workshop.${schema}`, user, ['USE_SCHEMA', 'CREATE_SERVICE', 'CREATE_TABLE']);
  }
  // Alice may read and write the team volume; Bob may not.
  await grant('schema', 'workshop.skyloyalty_ops', ALICE, ['USE_SCHEMA']);
  await grant('volume', 'workshop.skyloyalty_ops.gateway_state', ALICE, ['READ_VOLUME', 'WRITE_VOLUME']);
  // Each user puts the workshop state file in their own folder, as they would from a notebook or the CLI.
  for (const user of [ALICE, BOB]) {
    const token = sandbox.addToken(user);
    expect((await rest(token, 'POST', '/api/2.0/workspace/mkdirs', { path: `/Workspace/Users/${user}/ai-gateway` })).status).toBe(200);
    const imported = await rest(token, 'POST', '/api/2.0/workspace/import', { path: homeState(user), content: Buffer.from(dump({ ...SCENARIOS.passing, owner: user })).toString('base64'), format: 'AUTO' });
    expect(imported.status, imported.text).toBe(200);
  }
  expect((await rest(users['login-alice'].workspaceToken, 'PUT', '/api/2.0/fs/directories/Volumes/workshop/skyloyalty_ops/gateway_state/alice')).status).toBe(200);
  expect((await rest(users['login-alice'].workspaceToken, 'PUT', `/api/2.0/fs/files${VOLUME_STATE}`, undefined, dump(SCENARIOS.passing))).status).toBe(204);
  app = await serve(appEnv(), tempDir('aigw-ws-state-'));
  proxy = await startAppsProxy(app.url, APP_HOST, users);
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await proxy?.close();
  await stop(app);
  await sandbox?.close();
});

describe('workspace state files under Databricks Apps', () => {
  it('each user reads their own state file ({user} in AIGW_STATE_FILE), with their own token', async () => {
    for (const [login, user] of [['login-alice', ALICE], ['login-bob', BOB]] as const) {
      const audit = await call(login, 'read_audit', {});
      expect(audit.structured.state_file, audit.text).toBe(homeState(user));
      expect(audit.structured.status).toBe('ok');
      const reads = audit.requests.filter((r) => r.path.startsWith('/api/2.0/workspace/'));
      expect(reads.length).toBeGreaterThan(0);
      for (const r of reads) expect(r.principal).toBe(user);
    }
  });

  it("neither reaches the other's file: the workspace refuses, and the answer names the path and the fix", async () => {
    const refused = await call('login-bob', 'read_audit', { state_file: homeState(ALICE) });
    expect(refused.isError).toBe(true);
    expect(refused.text).toMatch(/PERMISSION_DENIED/);
    expect(refused.text).toContain(homeState(ALICE));
    expect(refused.text).toMatch(/your own folder/);
    const back = await call('login-alice', 'read_audit', { state_file: homeState(BOB) });
    expect(back.structured.error?.code).toBe('DATABRICKS_PERMISSION_DENIED');
  });

  it('each user records their own gateway in their own file; a concurrent change is refused with STATE_CHANGED, then kept', async () => {
    const alice = await planAndApply('login-alice', gateway('alice_gw'));
    expect(alice.structured.status, alice.text).toBe('applied');
    expect(alice.structured.state_updates ?? alice.structured.state_update ?? alice.text).toBeTruthy();
    const aliceFile = load(await readWorkspaceFile(users['login-alice']!.workspaceToken, homeState(ALICE))) as Record<string, any>;
    expect(aliceFile.Foundation.f4_gateway).toMatchObject({ target: 'model_service', service_name: 'workshop.alice_gw.agents' });
    expect(aliceFile.owner).toBe(ALICE);
    // How many times one apply reads the state file: the last two are the writer's read and its re-read.
    readsPerApply = alice.requests.filter((r) => r.method === 'GET' && r.path === EXPORT).length;
    expect(readsPerApply).toBeGreaterThanOrEqual(2);

    // Bob's apply: someone edits his file right after the writer's read, before its write.
    const refused = await planAndApply('login-bob', gateway('bob_gw'), () => sandbox.faults.add({ kind: 'concurrent-write', path: homeState(BOB), skip: readsPerApply - 2 }));
    expect(refused.structured.status, refused.text).toBe('incomplete');
    expect(refused.structured.incomplete).toMatchObject({ failed_step: 'state file record' });
    expect(refused.structured.incomplete.error).toMatch(/^STATE_CHANGED: .*changed between this call reading it and writing it/);
    const untouched = await readWorkspaceFile(users['login-bob']!.workspaceToken, homeState(BOB));
    expect(untouched).toContain('# edited by another writer');
    expect((load(untouched) as Record<string, any>).Foundation.f4_gateway).toBeUndefined();

    // Planning again lists only the record; applying writes it and keeps the other writer's change.
    const again = await planAndApply('login-bob', gateway('bob_gw'));
    expect(again.structured.status, again.text).toBe('applied');
    const bobText = await readWorkspaceFile(users['login-bob']!.workspaceToken, homeState(BOB));
    expect(bobText).toContain('# edited by another writer');
    expect((load(bobText) as Record<string, any>).Foundation.f4_gateway).toMatchObject({ service_name: 'workshop.bob_gw.agents' });
    for (const r of again.requests.filter((q) => q.path.startsWith('/api/2.0/workspace/'))) expect(r.principal).toBe(BOB);
    // Alice's file was never touched by Bob's calls.
    expect(await readWorkspaceFile(users['login-alice']!.workspaceToken, homeState(ALICE))).not.toContain('bob_gw');
  });

  it('a volume path works the same: read and recorded with the caller token, refused to a user without the volume privileges', async () => {
    const audit = await call('login-alice', 'read_audit', { state_file: VOLUME_STATE });
    expect(audit.structured.status, audit.text).toBe('ok');
    expect(audit.structured.state_file).toBe(VOLUME_STATE);
    const noVolume = await call('login-alice', 'read_audit', { state_file: '/Volumes/workshop/skyloyalty_ops/nope/state.yaml' });
    expect(noVolume.structured.error?.code).toBe('FILE_UNREADABLE');
    expect(noVolume.text).toMatch(/no volume workshop\.skyloyalty_ops\.nope.*must exist/);
    const refused = await call('login-bob', 'read_audit', { state_file: VOLUME_STATE });
    expect(refused.isError).toBe(true);
    expect(refused.text).toMatch(/PERMISSION_DENIED.*bob@example\.com.*USE SCHEMA/);
    expect(refused.text).toMatch(/READ VOLUME and WRITE VOLUME/);

    // The service exists (Alice made it above); this file has no record yet, so the plan is the record alone.
    const changed = await planAndApply('login-alice', gateway('alice_gw', { state_file: VOLUME_STATE }), () =>
      sandbox.faults.add({ kind: 'concurrent-write', path: VOLUME_STATE, skip: readsPerApply - 2 }),
    );
    expect(changed.structured.incomplete?.error ?? changed.text).toMatch(/^STATE_CHANGED/);
    const recorded = await planAndApply('login-alice', gateway('alice_gw', { state_file: VOLUME_STATE }));
    expect(recorded.structured.status, recorded.text).toBe('applied');
    const file = await rest(users['login-alice']!.workspaceToken, 'GET', `/api/2.0/fs/files${VOLUME_STATE}`);
    expect(file.text).toContain('# edited by another writer');
    expect((load(file.text) as Record<string, any>).Foundation.f4_gateway).toMatchObject({ service_name: 'workshop.alice_gw.agents' });
  });

  it('a local path is refused under Apps, saying to use a workspace or volume path', async () => {
    const refused = await call('login-alice', 'read_audit', { state_file: 'state.yaml' });
    expect(refused.structured.error?.code).toBe('STATE_FILE_LOCAL_IN_APP');
    expect(refused.text).toMatch(/\/Workspace\/Users\/<you>.*\/Volumes\/<catalog>/);
    expect(refused.requests).toEqual([]);
  });

  it('GET / in a browser answers a small HTML page: what the server is, its MCP URL, how to add it in Genie Code', async () => {
    const page = await undiciRequest(proxy.url.replace(/\/mcp$/, '/'), { headers: { authorization: 'Bearer login-alice', accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const html = await page.body.text();
    expect(html).toContain(`https://${APP_HOST}/mcp`);
    expect(html).toMatch(/Genie Code/);
    expect(html).toMatch(/Agent/);
  });

  it('a local AIGW_STATE_FILE is one clear line in the app log at start', async () => {
    const local = await serve(appEnv({ AIGW_STATE_FILE: 'state/.vibecoding-state.md' }), tempDir('aigw-ws-local-'));
    try {
      const lines = local.stderr().split('\n').filter((line) => line.includes('AIGW_STATE_FILE'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/state\/\.vibecoding-state\.md\) is a local path.*workspace path/);
    } finally {
      await stop(local);
    }
    expect(app.stderr()).not.toMatch(/AIGW_STATE_FILE/);
  });
});
