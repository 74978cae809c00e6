import { describe, expect, it } from 'vitest';
import { checkLiveGateway, type LiveGateway } from '../live-gateway-rules.js';
import { validateCreateBody } from '../validate-body.js';
import { catalog } from './rule-catalog.js';
import { liveRules } from './live.rules.js';

const live: LiveGateway = {
  name: 'gw',
  state: { config_update: 'UPDATE_FAILED' },
  config: { served_entities: [{ name: 'a', entity_name: 'ep-a', entity_version: '1' }] },
  ai_gateway: { inference_table_config: { enabled: true, catalog_name: 'c', schema_name: 's', table_name_prefix: 'gw' } },
};
const state = { Foundation: { f4_gateway: { endpoint_name: 'gw', inference_table_prefix: 'other' } } };
const grants = { catalog: { admins: ['ALL_PRIVILEGES'] }, schema: {} };

describe('the rule catalog', () => {
  it('names every rule a live check or a body check can report, each once', () => {
    const ids = catalog().map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const reported = [...checkLiveGateway(live, { state, grants }).findings, ...validateCreateBody([1]).findings].map((f) => f.rule);
    expect(reported).toEqual(expect.arrayContaining([...liveRules.map((r) => r.id), 'api.body']));
    expect(reported.filter((id) => !ids.includes(id))).toEqual([]);
  });
});
