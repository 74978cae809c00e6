/**
 * The workspace's Foundation Model API pay-per-token endpoints as the REST API serves them, and permission
 * levels as each caller sees them: the facts the `attach` form (PUT …/ai-gateway on the endpoint itself)
 * and the dedicated form (wrapping these endpoints) are built on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support.js';

const EP = '/api/2.0/serving-endpoints';

let h: Harness;
let alice: string;

beforeAll(async () => {
  h = await startHarness({ configUpdateMs: 100 });
  alice = h.sandbox.addToken('alice@example.com');
});
afterAll(async () => {
  await h.close();
});

describe('pay-per-token endpoints', () => {
  it('GET serves one with its task, type, foundation model and state', async () => {
    const { status, body } = await h.call('GET', `${EP}/databricks-claude-sonnet-4-6`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      name: 'databricks-claude-sonnet-4-6',
      task: 'llm/v1/chat',
      endpoint_type: 'FOUNDATION_MODEL_API',
      state: { ready: 'READY', config_update: 'NOT_UPDATING' },
      permission_level: 'CAN_MANAGE',
    });
    expect(body.config.served_entities).toHaveLength(1);
    expect(body.config.served_entities[0]).toMatchObject({
      name: 'databricks-claude-sonnet-4-6',
      foundation_model: { name: 'system.ai.databricks-claude-sonnet-4-6', display_name: 'Claude Sonnet 4.6' },
    });
    expect(body.config.served_entities[0].entity_name).toBeUndefined();
  });

  it('lists chat and embeddings endpoints with their task; an ordinary user holds CAN_QUERY', async () => {
    const { status, body } = await h.call('GET', EP, { token: alice });
    expect(status).toBe(200);
    const byName = new Map(body.endpoints.map((e: { name: string }) => [e.name, e]));
    expect(byName.get('databricks-gte-large-en')).toMatchObject({ task: 'llm/v1/embeddings', endpoint_type: 'FOUNDATION_MODEL_API' });
    for (const name of ['databricks-claude-sonnet-4-6', 'databricks-claude-opus-4-5', 'databricks-meta-llama-3-3-70b-instruct', 'databricks-gpt-oss-120b']) {
      expect(byName.get(name), name).toMatchObject({ task: 'llm/v1/chat', endpoint_type: 'FOUNDATION_MODEL_API' });
    }
    const one = await h.call('GET', `${EP}/databricks-gpt-oss-120b`, { token: alice });
    expect(one.body.permission_level).toBe('CAN_QUERY');
  });

  it('takes an AI gateway config from a workspace admin, and refuses it from a user who may only query', async () => {
    const gateway = { usage_tracking_config: { enabled: true }, rate_limits: [{ key: 'user', renewal_period: 'minute', calls: 10 }] };
    const refused = await h.call('PUT', `${EP}/databricks-claude-opus-4-5/ai-gateway`, { token: alice, body: gateway });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error_code: 'PERMISSION_DENIED', message: expect.stringMatching(/holds CAN_QUERY.*needs CAN_MANAGE/) });
    const put = await h.call('PUT', `${EP}/databricks-claude-opus-4-5/ai-gateway`, { body: gateway });
    expect(put.status).toBe(200);
    expect((await h.call('GET', `${EP}/databricks-claude-opus-4-5`, { token: alice })).body.ai_gateway).toEqual(gateway);
  });
});

describe('permission levels', () => {
  it('an endpoint nobody shared is invisible to other users: absent from the list, 403 on GET', async () => {
    const created = await h.call('POST', EP, {
      body: { name: 'admins-only', config: { served_entities: [{ entity_name: 'system.ai.gpt-oss-120b', entity_version: '1', provisioned_model_units: 50 }] } },
    });
    expect(created.body.permission_level).toBe('CAN_MANAGE');
    const listed = await h.call('GET', EP, { token: alice });
    expect(listed.body.endpoints.map((e: { name: string }) => e.name)).not.toContain('admins-only');
    const got = await h.call('GET', `${EP}/admins-only`, { token: alice });
    expect(got.status).toBe(403);
    expect(got.body.error_code).toBe('PERMISSION_DENIED');
  });

  it('the seeded gateways are shared for querying, not managing', async () => {
    const { body } = await h.call('GET', `${EP}/skyloyalty-ai-gateway`, { token: alice });
    expect(body.permission_level).toBe('CAN_QUERY');
    expect((await h.call('GET', `${EP}/skyloyalty-ai-gateway`)).body.permission_level).toBe('CAN_MANAGE');
  });
});
