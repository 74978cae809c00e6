/**
 * External models (PY `ServedEntityInput.external_model`, `DatabricksModelServingConfig`) and fallbacks: the
 * dedicated-gateway form of reference §1, with every rule the sandbox must hold a body to.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, waitForUpdate, type Harness } from './support.js';

const EP = '/api/2.0/serving-endpoints';

let h: Harness;
let created = 0;

beforeAll(async () => {
  h = await startHarness({ configUpdateMs: 100 });
});
afterAll(async () => {
  await h.close();
});

const serving = (overrides: Record<string, unknown> = {}) => ({
  databricks_workspace_url: 'https://dbc-1234.cloud.databricks.com',
  databricks_api_token: '{{secrets/ai-gateway/fmapi-token}}',
  ...overrides,
});

/** An external model wrapping a pay-per-token endpoint of the sandbox. */
const wrap = (endpoint: string, extra: { name?: string; task?: string; config?: Record<string, unknown>; external?: Record<string, unknown> } = {}) => ({
  ...(extra.name ? { name: extra.name } : {}),
  external_model: {
    name: endpoint,
    provider: 'databricks-model-serving',
    task: extra.task ?? 'llm/v1/chat',
    databricks_model_serving_config: extra.config ?? serving(),
    ...extra.external,
  },
});

const routes = (...percentages: [string, number][]) => ({
  routes: percentages.map(([served_entity_name, traffic_percentage]) => ({ served_entity_name, traffic_percentage })),
});

/** The dedicated gateway of the F4 step: primary at 100 %, a fallback at 0 %, fallback enabled. */
const dedicated = (name: string) => ({
  name,
  config: {
    served_entities: [wrap('databricks-claude-sonnet-4-6', { name: 'primary' }), wrap('databricks-claude-opus-4-5', { name: 'fallback' })],
    traffic_config: routes(['primary', 100], ['fallback', 0]),
  },
  ai_gateway: { fallback_config: { enabled: true } },
});

const create = (body: Record<string, unknown>) => h.call('POST', EP, { body });
const createServing = (...entities: Record<string, unknown>[]) =>
  create({ name: `external-${(created += 1)}`, config: { served_entities: entities } });

const refusal = async (response: Promise<{ status: number; body: any }>) => {
  const { status, body } = await response;
  expect(status).toBe(400);
  expect(body.error_code).toBe('INVALID_PARAMETER_VALUE');
  return body.message as string;
};

describe('external models wrapping serving endpoints', () => {
  it('accepts the dedicated gateway: external models over pay-per-token endpoints, a 0 % fallback, a secret reference', async () => {
    const { status, body } = await create(dedicated('dedicated-gw'));
    expect(status).toBe(200);
    expect(body.pending_config.served_entities.map((e: { external_model: { name: string } }) => e.external_model.name)).toEqual([
      'databricks-claude-sonnet-4-6',
      'databricks-claude-opus-4-5',
    ]);
    const ready = await waitForUpdate(h, 'dedicated-gw');
    expect(ready.config.served_entities[0].external_model.databricks_model_serving_config.databricks_api_token).toBe(
      '{{secrets/ai-gateway/fmapi-token}}',
    );
    expect(ready.ai_gateway.fallback_config).toEqual({ enabled: true });
  });

  it('names a served entity after the wrapped endpoint when no name is given', async () => {
    const { body } = await createServing(wrap('databricks-gpt-oss-120b'));
    expect(body.pending_config.served_entities[0].name).toBe('databricks-gpt-oss-120b');
  });

  it.each([
    ['external_model beside entity_name', { ...wrap('databricks-claude-sonnet-4-6'), entity_name: 'system.ai.gpt-oss-120b', entity_version: '1' }, /exactly one of 'entity_name'/],
    ['workload_size beside external_model', { ...wrap('databricks-claude-sonnet-4-6'), workload_size: 'Small' }, /workload_size cannot be set together with external_model/],
    ['a task that is not an LLM task', wrap('databricks-claude-sonnet-4-6', { task: 'llm/v2/chat' }), /external_model\.task 'llm\/v2\/chat': must be one of llm\/v1\/chat/],
    ['a task other than the wrapped endpoint serves', wrap('databricks-claude-sonnet-4-6', { task: 'llm/v1/embeddings' }), /serving endpoint 'databricks-claude-sonnet-4-6' serves 'llm\/v1\/chat'/],
    ['a wrapped endpoint that does not exist', wrap('databricks-claude-9'), /external_model\.name: serving endpoint 'databricks-claude-9' does not exist/],
    ['no databricks_model_serving_config', wrap('databricks-claude-sonnet-4-6', { external: { databricks_model_serving_config: undefined } }), /Missing required field .*databricks_model_serving_config/],
    ['another provider\'s config', wrap('databricks-claude-sonnet-4-6', { external: { openai_config: { openai_api_key: '{{secrets/a/b}}' } } }), /takes databricks_model_serving_config, not openai_config/],
    ['no workspace URL', wrap('databricks-claude-sonnet-4-6', { config: serving({ databricks_workspace_url: undefined }) }), /Missing required field .*databricks_workspace_url/],
    ['both the secret reference and a plaintext token', wrap('databricks-claude-sonnet-4-6', { config: serving({ databricks_api_token_plaintext: 'dapi123' }) }), /exactly one of databricks_api_token .* or databricks_api_token_plaintext/],
    ['neither token field', wrap('databricks-claude-sonnet-4-6', { config: serving({ databricks_api_token: undefined }) }), /exactly one of databricks_api_token/],
    ['a token that is not a secret reference', wrap('databricks-claude-sonnet-4-6', { config: serving({ databricks_api_token: 'secrets/ai-gateway/fmapi-token' }) }), /expected a secret reference \{\{secrets\/<scope>\/<key>\}\}/],
    ['a secret scope that does not exist', wrap('databricks-claude-sonnet-4-6', { config: serving({ databricks_api_token: '{{secrets/nowhere/fmapi-token}}' }) }), /databricks_api_token: secret scope 'nowhere' does not exist/],
    ['a secret key that does not exist', wrap('databricks-claude-sonnet-4-6', { config: serving({ databricks_api_token: '{{secrets/ai-gateway/other}}' }) }), /secret scope 'ai-gateway' has no key 'other'.*put-secret ai-gateway other/],
  ])('refuses %s', async (_label, entity, message) => {
    const text = await refusal(createServing(JSON.parse(JSON.stringify(entity))));
    expect(text).toMatch(message);
    expect(text).toContain('served_entities[0]');
  });

  it('refuses external models of different tasks, and external models beside registered models', async () => {
    expect(await refusal(createServing(wrap('databricks-claude-sonnet-4-6'), wrap('databricks-gte-large-en', { task: 'llm/v1/embeddings' })))).toMatch(
      /all external models of an endpoint must share one task/,
    );
    expect(await refusal(createServing(wrap('databricks-claude-sonnet-4-6'), { entity_name: 'system.ai.gpt-oss-120b', entity_version: '1', provisioned_model_units: 50 }))).toMatch(
      /either external models or registered models, not both/,
    );
  });

  it('follows a secret created after a refusal: the check reads the Secrets API at request time', async () => {
    const entity = wrap('databricks-claude-sonnet-4-6', { config: serving({ databricks_api_token: '{{secrets/late-scope/token}}' }) });
    await refusal(createServing(entity));
    h.sandbox.secrets.put('late-scope', 'token');
    expect((await createServing(entity)).status).toBe(200);
  });

  it('accepts a plaintext token but never returns it, from GET, list or the create answer', async () => {
    const plaintext = 'dapi-plaintext-never-echoed-42';
    const body = { name: 'plaintext-gw', config: { served_entities: [wrap('databricks-claude-sonnet-4-6', { config: serving({ databricks_api_token: undefined, databricks_api_token_plaintext: plaintext }) })] } };
    const createdAnswer = await create(JSON.parse(JSON.stringify(body)));
    expect(createdAnswer.status).toBe(200);
    expect(JSON.stringify(createdAnswer.body)).not.toContain(plaintext);
    expect(JSON.stringify((await h.call('GET', `${EP}/plaintext-gw`)).body)).not.toContain(plaintext);
    await waitForUpdate(h, 'plaintext-gw');
    const got = (await h.call('GET', `${EP}/plaintext-gw`)).body;
    expect(got.config.served_entities[0].external_model.databricks_model_serving_config).toEqual({ databricks_workspace_url: 'https://dbc-1234.cloud.databricks.com' });
    expect(JSON.stringify((await h.call('GET', EP)).body)).not.toContain(plaintext);
  });
});

describe('an endpoint keeps its kind across config updates', () => {
  it('an endpoint of external models cannot drop them, and one without cannot add them', async () => {
    await create(dedicated('keeps-external'));
    await waitForUpdate(h, 'keeps-external');
    const drop = await refusal(
      h.call('PUT', `${EP}/keeps-external/config`, { body: { served_entities: [{ entity_name: 'system.ai.gpt-oss-120b', entity_version: '1', provisioned_model_units: 50 }] } }),
    );
    expect(drop).toMatch(/created with external models/);

    await createServing({ entity_name: 'system.ai.gpt-oss-120b', entity_version: '1', provisioned_model_units: 50 });
    const name = `external-${created}`;
    await waitForUpdate(h, name);
    expect(await refusal(h.call('PUT', `${EP}/${name}/config`, { body: { served_entities: [wrap('databricks-claude-sonnet-4-6')] } }))).toMatch(
      /created without external models/,
    );
  });
});

describe('fallbacks', () => {
  it('refuses fallback_config on an endpoint of registered models, at create and by PUT /ai-gateway', async () => {
    const body = {
      name: 'no-external-fallback',
      config: { served_entities: [{ entity_name: 'system.ai.gpt-oss-120b', entity_version: '1', provisioned_model_units: 50 }] },
      ai_gateway: { fallback_config: { enabled: true } },
    };
    expect(await refusal(create(body))).toMatch(/^Invalid ai_gateway\.fallback_config: fallbacks need an endpoint of external models/);
    for (const endpoint of ['support-bot-gateway', 'databricks-claude-sonnet-4-6']) {
      expect(await refusal(h.call('PUT', `${EP}/${endpoint}/ai-gateway`, { body: { fallback_config: { enabled: true } } }))).toMatch(/external models/);
    }
  });

  it('allows at most two entities at 0 % traffic when fallback is enabled', async () => {
    const threeFallbacks = {
      name: 'three-fallbacks',
      config: {
        served_entities: [
          wrap('databricks-claude-sonnet-4-6', { name: 'a' }),
          wrap('databricks-claude-opus-4-5', { name: 'b' }),
          wrap('databricks-gpt-oss-120b', { name: 'c' }),
          wrap('databricks-meta-llama-3-3-70b-instruct', { name: 'd' }),
        ],
        traffic_config: routes(['a', 100], ['b', 0], ['c', 0], ['d', 0]),
      },
      ai_gateway: { fallback_config: { enabled: true } },
    };
    expect(await refusal(create(threeFallbacks))).toMatch(/3 served entities are at 0 % traffic \(b, c, d\); at most 2 fallbacks/);
    // Above 0 % an entity is served, not a fallback: the same four entities with a split are accepted.
    const split = structuredClone(threeFallbacks);
    split.name = 'split-with-fallbacks';
    split.config.traffic_config = routes(['a', 50], ['b', 50], ['c', 0], ['d', 0]);
    expect((await create(split)).status).toBe(200);
    await waitForUpdate(h, 'split-with-fallbacks');
    // A config update that would leave three fallbacks while fallback is enabled is refused too.
    expect(await refusal(h.call('PUT', `${EP}/split-with-fallbacks/config`, { body: threeFallbacks.config }))).toMatch(/at most 2 fallbacks/);
  });
});
