/**
 * What GET returns beyond what was sent (defaults Databricks fills) and the deprecated create fields a workspace
 * still accepts: a plan that diffs desired against live config must meet the same shapes as on a workspace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, waitForUpdate, type Harness } from './support.js';

const EP = '/api/2.0/serving-endpoints';
const CHURN = 'workshop.skyloyalty_ops.loyalty_churn_classifier';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ configUpdateMs: 100 });
});
afterAll(async () => {
  await h.close();
});

describe('defaults GET fills', () => {
  it('a custom model runs on CPU and does not scale to zero unless told; given values stay', async () => {
    const body = {
      name: 'defaults',
      config: {
        served_entities: [
          { name: 'plain', entity_name: CHURN, entity_version: '1', workload_size: 'Small' },
          { name: 'tuned', entity_name: CHURN, entity_version: '2', workload_size: 'Medium', workload_type: 'GPU_SMALL', scale_to_zero_enabled: true },
        ],
      },
    };
    expect((await h.call('POST', EP, { body })).status).toBe(200);
    const ready = await waitForUpdate(h, 'defaults');
    const [plain, tuned] = ready.config.served_entities;
    expect(plain).toMatchObject({ workload_type: 'CPU', scale_to_zero_enabled: false, workload_size: 'Small' });
    expect(tuned).toMatchObject({ workload_type: 'GPU_SMALL', scale_to_zero_enabled: true, workload_size: 'Medium' });
  });

  it('a foundation model under Provisioned Throughput gets no CPU workload', async () => {
    const body = { name: 'pt-defaults', config: { served_entities: [{ entity_name: 'system.ai.gpt-oss-120b', entity_version: '1', provisioned_model_units: 50 }] } };
    const { body: created } = await h.call('POST', EP, { body });
    expect(created.pending_config.served_entities[0].workload_type).toBeUndefined();
  });
});

describe('deprecated create fields are accepted as a workspace accepts them', () => {
  it('served_models become served entities', async () => {
    const body = {
      name: 'served-models',
      config: {
        served_models: [{ name: 'churn', model_name: CHURN, model_version: '2', workload_size: 'Small', scale_to_zero_enabled: true }],
        traffic_config: { routes: [{ served_model_name: 'churn', traffic_percentage: 100 }] },
      },
    };
    const created = await h.call('POST', EP, { body });
    expect(created.status).toBe(200);
    const ready = await waitForUpdate(h, 'served-models');
    expect(ready.config.served_entities).toEqual([expect.objectContaining({ name: 'churn', entity_name: CHURN, entity_version: '2', scale_to_zero_enabled: true })]);
    expect(ready.config.traffic_config.routes).toEqual([{ served_entity_name: 'churn', traffic_percentage: 100 }]);
  });

  it('served_models are held to the same rules as served entities, and to their own required fields', async () => {
    const cases: [unknown, RegExp][] = [
      [{ served_models: [{ model_name: 'databricks-claude-sonnet-4-6', model_version: '1', scale_to_zero_enabled: false }] }, /served_models\[0\]\.entity_name: 'databricks-claude-sonnet-4-6' is a serving endpoint/],
      [{ served_models: [{ model_name: CHURN, model_version: '1' }] }, /Missing required field config\.served_models\[0\]\.scale_to_zero_enabled/],
      [{ served_models: [{ model_name: CHURN, model_version: '1', scale_to_zero_enabled: false }], served_entities: [] }, /served_entities or the deprecated served_models, not both/],
    ];
    for (const [config, message] of cases) {
      const { status, body } = await h.call('POST', EP, { body: { name: 'old-style', config } });
      expect(status).toBe(400);
      expect(body.message).toMatch(message);
    }
  });

  it('top-level rate_limits become AI gateway rate limits', async () => {
    const body = {
      name: 'legacy-limits',
      config: { served_entities: [{ entity_name: 'system.ai.gpt-oss-120b', entity_version: '1', provisioned_model_units: 50 }] },
      rate_limits: [{ calls: 30, key: 'user', renewal_period: 'minute' }, { calls: 100, renewal_period: 'minute' }],
    };
    const { status, body: created } = await h.call('POST', EP, { body });
    expect(status).toBe(200);
    expect(created.ai_gateway.rate_limits).toEqual([
      { key: 'user', renewal_period: 'minute', calls: 30 },
      { key: 'endpoint', renewal_period: 'minute', calls: 100 },
    ]);
    const both = await h.call('POST', EP, { body: { ...body, name: 'both-limits', ai_gateway: { rate_limits: [{ key: 'user', renewal_period: 'minute', calls: 1 }] } } });
    expect(both.status).toBe(400);
    expect(both.body.message).toMatch(/not also in the deprecated top-level rate_limits/);
    const wrong = await h.call('POST', EP, { body: { ...body, name: 'wrong-limits', rate_limits: [{ calls: 5, key: 'user_group', renewal_period: 'minute' }] } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toMatch(/rate_limits\[0\]\.key 'user_group'/);
  });

  it('telemetry_config is kept and returned', async () => {
    const telemetry = { enabled_telemetry_features: ['LOGS'], table_names: { logs: 'workshop.skyloyalty_ops.gw_logs' } };
    const body = {
      name: 'telemetry',
      config: { served_entities: [{ entity_name: 'system.ai.gpt-oss-120b', entity_version: '1', provisioned_model_units: 50 }] },
      telemetry_config: telemetry,
    };
    expect((await h.call('POST', EP, { body })).status).toBe(200);
    expect((await h.call('GET', `${EP}/telemetry`)).body.telemetry_config).toEqual(telemetry);
  });
});
