/**
 * The Databricks client layer against the sandbox, through real undici: retries honouring Retry-After, the
 * retry budget, a refused create mapped to an actionable error, and an M2M token refreshed after a 401.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenProvider } from '../../src/databricks/workspace-auth.js';
import { DatabricksError } from '../../src/databricks/databricks-errors.js';
import { GrantsApi } from '../../src/databricks/grants.api.js';
import { RestClient } from '../../src/databricks/rest-client.js';
import { ServingEndpointsApi } from '../../src/databricks/serving-endpoints.api.js';
import { Transport, type TransportRequest, type TransportResponse } from '../../src/databricks/rest-transport.js';
import { GRANTS_PAGE_LENGTH } from '../../src/sandbox/rest/grants.routes.js';
import { startHarness, type Harness } from '../sandbox/support.js';
import { manualClock } from '../support/timers.js';

/** The real transport, counting what went over it. */
class CountingTransport extends Transport {
  readonly sent: string[] = [];
  override async send(request: TransportRequest): Promise<TransportResponse> {
    this.sent.push(`${request.method} ${new URL(request.url).pathname}`);
    return super.send(request);
  }
}

let h: Harness;
/** The workspace's clock: tokens expire when a test moves it. */
const clock = manualClock();
beforeAll(async () => {
  h = await startHarness({ configUpdateMs: 100, tokenTtlSeconds: 60, now: clock.now });
});
afterAll(async () => h?.close());

function patClient(token: string, options: { retryBudgetMs?: number } = {}) {
  const transport = new Transport({ caCert: h.sandbox.caCert, ...options });
  const tokens = createTokenProvider({ host: h.sandbox.url, authType: 'pat', token }, { transport });
  return { transport, rest: new RestClient(h.sandbox.url, transport, tokens, 'test') };
}

describe('REST client', () => {
  it('retries 429 and 503 on a read, honouring Retry-After', async () => {
    const { transport, rest } = patClient(h.sandbox.token);
    h.sandbox.faults.add({ kind: 'status', status: 429, retryAfterSeconds: 1, times: 1, match: { method: 'GET' } });
    h.sandbox.faults.add({ kind: 'status', status: 503, times: 1, match: { method: 'GET' } });
    const response = await rest.call({ method: 'GET', path: '/api/2.0/serving-endpoints', operation: 'Listing' });
    expect(response.attempts).toBe(3);
    await transport.close();
  });

  it('gives up when Retry-After exceeds the budget, with an error saying when to retry', async () => {
    const { transport, rest } = patClient(h.sandbox.token, { retryBudgetMs: 500 });
    h.sandbox.faults.add({ kind: 'status', status: 429, retryAfterSeconds: 30, times: 1, match: { method: 'GET' } });
    const error = await rest.call({ method: 'GET', path: '/api/2.0/serving-endpoints', operation: 'Listing' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabricksError);
    expect((error as DatabricksError).message).toMatch(/HTTP 429 \(REQUEST_LIMIT_EXCEEDED.*wait 30 seconds/);
    await transport.close();
  });

  it('holds no request past the default budget: a Retry-After beyond it ends the call at once, saying when to retry', async () => {
    // 26 s is past the default budget (25 s, so that a tool call ends within ~30 s): the request is not held for it.
    const { transport, rest } = patClient(h.sandbox.token);
    h.sandbox.faults.add({ kind: 'status', status: 429, retryAfterSeconds: 26, times: 1, match: { method: 'GET' } });
    const error = await rest.call({ method: 'GET', path: '/api/2.0/serving-endpoints', operation: 'Listing' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabricksError);
    expect((error as DatabricksError).message).toMatch(/HTTP 429 \(REQUEST_LIMIT_EXCEEDED.*wait 26 seconds/);
    await transport.close();
  });

  it('maps a refused create to who can grant the permission', async () => {
    const { transport, rest } = patClient(h.sandbox.addToken('alice@example.com'));
    const api = new ServingEndpointsApi(rest);
    const error = await api.create({ name: 'not-allowed', config: { served_entities: [{ name: 'x', entity_name: 'databricks-claude-opus-4-5', entity_version: '1' }] } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabricksError);
    expect((error as DatabricksError).status).toBe(403);
    expect((error as DatabricksError).message).toMatch(/Creating serving endpoint not-allowed failed.*PERMISSION_DENIED.*CAN_MANAGE on the serving endpoint/s);
    await transport.close();
  });
});

describe('grants', () => {
  it('reads no grants on a schema that does not exist yet, instead of failing', async () => {
    const { rest } = patClient(h.sandbox.token);
    await expect(new GrantsApi(rest).get('schema', 'main.not_created_yet')).resolves.toEqual([]);
  });

  it('follows next_page_token: a securable with more principals than one page holds is read whole', async () => {
    const { rest, transport } = patClient(h.sandbox.token);
    const grants = new GrantsApi(rest);
    const principals = Array.from({ length: GRANTS_PAGE_LENGTH * 2 + 3 }, (_, i) => `reader${String(i).padStart(2, '0')}@example.com`);
    for (const principal of principals) h.sandbox.addToken(principal);
    await grants.update('schema', 'ml.gateway', principals.map((principal) => ({ principal, add: ['USE_SCHEMA'] })));
    const read = await grants.get('schema', 'ml.gateway');
    expect(read.map((a) => a.principal)).toEqual(expect.arrayContaining(principals));
    expect(new Set(read.map((a) => a.principal)).size).toBe(read.length);
    await transport.close();
  });
});

describe('OAuth M2M', () => {
  it('fetches a fresh token after the workspace refuses an expired one (401), once for concurrent callers', async () => {
    const transport = new CountingTransport({ caCert: h.sandbox.caCert });
    // A clock that never moves: the provider believes its token is fresh, so only the 401 can trigger a refresh.
    const tokens = createTokenProvider({ host: h.sandbox.url, authType: 'oauth-m2m', ...h.sandbox.oauth }, { transport, now: () => 0 });
    const rest = new RestClient(h.sandbox.url, transport, tokens, 'test');
    const list = () => rest.call({ method: 'GET', path: '/api/2.0/serving-endpoints', operation: 'Listing' });
    await Promise.all([list(), list(), list()]);
    const tokenRequests = () => transport.sent.filter((s) => s.endsWith('/oidc/v1/token')).length;
    expect(tokenRequests()).toBe(1);
    clock.advance(61_000);
    await list();
    expect(tokenRequests()).toBe(2);
    expect(transport.sent.filter((s) => s === 'GET /api/2.0/serving-endpoints')).toHaveLength(5);
    await transport.close();
  });

  it('refreshes before expiry by its own clock', async () => {
    const transport = new CountingTransport({ caCert: h.sandbox.caCert });
    let now = 0;
    const tokens = createTokenProvider({ host: h.sandbox.url, authType: 'oauth-m2m', ...h.sandbox.oauth }, { transport, now: () => now });
    const first = await tokens.token();
    now += 60_000;
    expect(await tokens.token()).not.toBe(first);
    expect(transport.sent.filter((s) => s.endsWith('/oidc/v1/token'))).toHaveLength(2);
    await transport.close();
  });
});
