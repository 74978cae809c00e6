import { describe, expect, it } from 'vitest';
import { isBundleFile, lintBundle } from './bundle-lint.js';
import { validateCreateBody } from './validate-body.js';

const endpoint = {
  name: 'gw',
  config: { served_entities: [{ name: 'a', external_model: { name: 'databricks-claude-sonnet-4-6', provider: 'databricks-model-serving', task: 'llm/v1/chat', databricks_model_serving_config: { databricks_workspace_url: 'https://x', databricks_api_token: '{{secrets/s/k}}' } } }] },
  ai_gateway: { usage_tracking_config: { enabled: true }, inference_table_config: { enabled: true, catalog_name: 'c', schema_name: 's', table_name_prefix: 'gw_' } },
};
const lint = (bundle: Record<string, unknown>) => lintBundle(bundle, (body) => validateCreateBody(body));

describe('lintBundle', () => {
  it('tells a bundle file from a create body', () => {
    expect(isBundleFile({ resources: {} })).toBe(true);
    expect(isBundleFile(endpoint)).toBe(false);
    expect(isBundleFile({ resources: {}, config: {} })).toBe(false);
  });

  it('lints each endpoint as its create body, paths pointing into the file, bundle-only fields set aside', () => {
    const result = lint({ resources: { model_serving_endpoints: { gw: { ...endpoint, permissions: [{ level: 'CAN_QUERY', group_name: 'users' }] } } } });
    const direct = validateCreateBody(endpoint).findings.map((f) => `/resources/model_serving_endpoints/gw${f.path}`);
    expect(result.findings.map((f) => f.path).sort()).toEqual(direct.sort());
    expect(result.findings.map((f) => f.rule)).toContain('f4.table-prefix');
  });

  it('refuses by name what it cannot judge: other keys, other resources, variables, no endpoint', () => {
    const result = lint({ bundle: { name: 'x' }, resources: { jobs: {}, model_serving_endpoints: { gw: { ...endpoint, name: '${var.name}' } } } });
    expect(result.valid).toBe(false);
    expect(result.findings.filter((f) => f.rule === 'bundle.scope').map((f) => f.path).sort()).toEqual(['/bundle', '/resources/jobs', '/resources/model_serving_endpoints/gw/name']);
    expect(lint({ resources: {} }).findings.map((f) => f.path)).toEqual(['/resources']);
    expect(lint({ resources: { model_serving_endpoints: { gw: endpoint }, alerts: { gw_errors: {} } } }).findings.some((f) => f.rule === 'bundle.scope')).toBe(false);
  });
});
