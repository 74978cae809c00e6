/**
 * What a served entity may serve (reference §1): a sandbox that accepted the workshop's body would turn every
 * create_gateway test into a false green. Each case is a create through undici, as the product sends it.
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

/** Creates an endpoint of a fresh name serving `entities`. */
const create = (...entities: Record<string, unknown>[]) =>
  h.call('POST', EP, { body: { name: `entities-${(created += 1)}`, config: { served_entities: entities } } });

const refusal = async (response: Promise<{ status: number; body: any }>) => {
  const { status, body } = await response;
  expect(status).toBe(400);
  expect(body.error_code).toBe('INVALID_PARAMETER_VALUE');
  return body.message as string;
};

describe('entity_name names a registered model', () => {
  it("refuses the workshop's literal body: an endpoint name is not a model", async () => {
    const workshop = {
      name: 'x',
      config: { served_entities: [{ entity_name: 'databricks-claude-sonnet-4-6', entity_version: '1', workload_size: 'Small' }] },
    };
    const message = await refusal(h.call('POST', EP, { body: workshop }));
    expect(message).toContain('served_entities[0].entity_name');
    expect(message).toMatch(/'databricks-claude-sonnet-4-6' is a serving endpoint, not a registered model/);
    expect(message).toMatch(/ai-gateway|external_model/);
    expect((await h.call('GET', `${EP}/x`)).status).toBe(404);
  });

  it.each([
    ['a name without dots that is no endpoint either', { entity_name: 'gpt-9', entity_version: '1' }, /served_entities\[0\]\.entity_name: 'gpt-9' is not a registered model/],
    ['a Unity Catalog model that does not exist', { entity_name: 'workshop.skyloyalty_ops.nothing', entity_version: '1' }, /entity_name: no registered model .*'workshop\.skyloyalty_ops\.nothing'/],
    ['a version the model does not have', { entity_name: 'workshop.skyloyalty_ops.loyalty_churn_classifier', entity_version: '9', workload_size: 'Small' }, /entity_version: model .* has no version '9'/],
    ['a model without entity_version', { entity_name: 'workshop.skyloyalty_ops.loyalty_churn_classifier', workload_size: 'Small' }, /Missing required field .*served_entities\[0\]\.entity_version/],
  ])('refuses %s', async (_label, entity, message) => {
    expect(await refusal(create(entity))).toMatch(message);
  });

  it('accepts a registered custom model and a FEATURE_SPEC function', async () => {
    const custom = await create({ entity_name: 'workshop.skyloyalty_ops.loyalty_churn_classifier', entity_version: '2', workload_size: 'Small' });
    expect(custom.status).toBe(200);
    expect(custom.body.pending_config.served_entities[0].name).toBe('loyalty_churn_classifier-2');
    const features = await create({ entity_name: 'workshop.skyloyalty_ops.member_features', workload_size: 'Small' });
    expect(features.status).toBe(200);
  });

  it('applies the same rules to PUT /config', async () => {
    const { body } = await create({ entity_name: 'workshop.skyloyalty_ops.loyalty_churn_classifier', entity_version: '1', workload_size: 'Small' });
    await waitForUpdate(h, body.name);
    const message = await refusal(
      h.call('PUT', `${EP}/${body.name}/config`, { body: { served_entities: [{ entity_name: 'databricks-gpt-oss-120b', entity_version: '1' }] } }),
    );
    expect(message).toMatch(/^Invalid served_entities\[0\]\.entity_name: 'databricks-gpt-oss-120b' is a serving endpoint/);
  });
});

describe('system.ai foundation models under Provisioned Throughput', () => {
  it('accepts an eligible model-unit model with provisioned_model_units', async () => {
    const { status, body } = await create({ entity_name: 'system.ai.gpt-oss-120b', entity_version: '2', provisioned_model_units: 50 });
    expect(status).toBe(200);
    expect(body.pending_config.served_entities[0]).toMatchObject({ name: 'gpt-oss-120b-2', provisioned_model_units: 50 });
  });

  it('accepts a throughput-band model with a band in multiples of its chunk size', async () => {
    const entity = { entity_name: 'system.ai.llama_v3_3_70b_instruct', entity_version: '1', min_provisioned_throughput: 0, max_provisioned_throughput: 19000 };
    expect((await create(entity)).status).toBe(200);
  });

  it.each([
    ['a listed model that is not eligible', { entity_name: 'system.ai.databricks-claude-sonnet-4-6', entity_version: '1', provisioned_model_units: 50 }, /^Served entity system\.ai\.databricks-claude-sonnet-4-6 \(version 1\) is not eligible for Provisioned Throughput/],
    ['a version that is not eligible', { entity_name: 'system.ai.llama-4-maverick', entity_version: '2', provisioned_model_units: 50 }, /system\.ai\.llama-4-maverick \(version 2\) is not eligible/],
    ['a model that is not in system.ai', { entity_name: 'system.ai.gpt-9', entity_version: '1', provisioned_model_units: 50 }, /no registered model .*system\.ai\.gpt-9/],
    ['throughput fields on a model-unit model', { entity_name: 'system.ai.gpt-oss-120b', entity_version: '1', min_provisioned_throughput: 0, max_provisioned_throughput: 9500 }, /^Served entity system\.ai\.gpt-oss-120b \(version 1\) is not eligible for Provisioned Throughput with min_provisioned_throughput and max_provisioned_throughput.*provisioned_model_units/],
    ['model units on a throughput-band model', { entity_name: 'system.ai.llama_v3_3_70b_instruct', entity_version: '1', provisioned_model_units: 50 }, /not eligible for Provisioned Throughput in model units.*multiples of 9500/],
    ['a band that is not a multiple of the chunk size', { entity_name: 'system.ai.llama_v3_3_70b_instruct', entity_version: '1', min_provisioned_throughput: 0, max_provisioned_throughput: 10000 }, /max_provisioned_throughput 10000: it must be a multiple of the throughput chunk size 9500/],
    ['a band whose minimum exceeds its maximum', { entity_name: 'system.ai.llama_v3_3_70b_instruct', entity_version: '1', min_provisioned_throughput: 19000, max_provisioned_throughput: 9500 }, /must not exceed/],
    ['a model-unit model without model units', { entity_name: 'system.ai.gpt-oss-120b', entity_version: '1' }, /Missing required field .*provisioned_model_units/],
    ['workload_size on a foundation model', { entity_name: 'system.ai.gpt-oss-120b', entity_version: '1', provisioned_model_units: 50, workload_size: 'Small' }, /served_entities\[0\]\.workload_size: workload_size sizes CPU\/GPU compute for custom models/],
    ['model units that are not a multiple of model_unit_chunk_size', { entity_name: 'system.ai.gpt-oss-120b', entity_version: '1', provisioned_model_units: 60 }, /provisioned_model_units 60: it must be a multiple of the model unit chunk size 50/],
  ])('refuses %s', async (_label, entity, message) => {
    expect(await refusal(create(entity))).toMatch(message);
  });
});

describe('POST /api/2.0/serving-endpoints/pt (PY create_provisioned_throughput_endpoint)', () => {
  const createPt = (entity: Record<string, unknown>, name = `pt-${(created += 1)}`) => h.call('POST', `${EP}/pt`, { body: { name, config: { served_entities: [entity] } } });

  it('creates a model-unit endpoint, and its config is replaced through PUT /pt/{name}/config', async () => {
    const made = await createPt({ entity_name: 'system.ai.gpt-oss-120b', entity_version: '1', provisioned_model_units: 50 }, 'pt-units');
    expect(made.status).toBe(200);
    await waitForUpdate(h, 'pt-units');
    const updated = await h.call('PUT', `${EP}/pt/pt-units/config`, { body: { config: { served_entities: [{ entity_name: 'system.ai.gpt-oss-120b', entity_version: '1', provisioned_model_units: 100 }] } } });
    expect(updated.status).toBe(200);
  });

  it.each([
    ['a throughput-band model', { entity_name: 'system.ai.llama_v3_3_70b_instruct', entity_version: '1', provisioned_model_units: 50 }, /not served in model units.*POST \/api\/2\.0\/serving-endpoints with min_provisioned_throughput/],
    ['an entity without model units', { entity_name: 'system.ai.gpt-oss-120b', entity_version: '1' }, /Missing required field .*provisioned_model_units/],
    ['a throughput field', { entity_name: 'system.ai.gpt-oss-120b', entity_version: '1', provisioned_model_units: 50, max_provisioned_throughput: 9500 }, /max_provisioned_throughput/],
  ])('refuses %s', async (_label, entity, message) => {
    expect(await refusal(createPt(entity))).toMatch(message);
  });
});
