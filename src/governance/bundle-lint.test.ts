import { describe, expect, it } from 'vitest';
import { isBundleFile, lintBundle } from './bundle-lint.js';
import type { Finding } from './rules/rule-types.js';
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

describe('lintBundle, finding by finding', () => {
  /** A linter that records the bodies it is given and answers with the findings it is told to. */
  const recording = (answer: Finding[] = []) => {
    const bodies: Record<string, unknown>[] = [];
    const lintEndpoint = (body: Record<string, unknown>) => {
      bodies.push(body);
      return { valid: !answer.some((f) => f.severity === 'error'), findings: answer };
    };
    return { bodies, lintEndpoint };
  };
  const finding = (severity: Finding['severity'], path: string): Finding => ({ rule: `r.${severity}`, severity, path, message: `m ${severity}`, fix: `f ${severity}` });

  it('tells a bundle file only by a top-level resources beside no create-body field', () => {
    expect(isBundleFile({ name: 'gw' })).toBe(false);
    expect(isBundleFile({ resources: {}, ai_gateway: {} })).toBe(false);
    expect(isBundleFile('resources')).toBe(false);
  });

  it('names each key it does not read, and why', () => {
    const { findings } = lintBundle({ targets: { dev: {} }, bundle: { name: 'x' }, resources: { model_serving_endpoints: { gw: {} } } }, recording().lintEndpoint);
    const fix = 'Lint the resource file itself (resources/*.yml, which databricks.yml includes), or run `databricks bundle validate -o json` and lint its resources';
    expect(findings).toEqual([
      { rule: 'bundle.scope', severity: 'error', path: '/targets', message: 'top-level key "targets" is outside what this lint reads (a target may override the resources)', fix },
      { rule: 'bundle.scope', severity: 'error', path: '/bundle', message: 'top-level key "bundle" is outside what this lint reads (only resources are checked)', fix },
    ]);
  });

  it('names a resource kind that is not the gateway, and a file with no endpoint', () => {
    expect(lintBundle({ resources: { jobs: { j: {} } } }, recording().lintEndpoint).findings).toEqual([
      { rule: 'bundle.scope', severity: 'error', path: '/resources/jobs', message: 'resources.jobs is not a gateway resource', fix: "Keep the gateway's endpoint (and its alert) in a file of their own, and jobs in another: bundles merge every included file" },
      { rule: 'bundle.scope', severity: 'error', path: '/resources', message: 'the file has no resources.model_serving_endpoints to check', fix: 'Pass the bundle file that declares the gateway endpoint (create_gateway mode "export" writes one)' },
    ]);
  });

  it('points at every variable reference, in lists and under escaped keys, and lints no endpoint that holds one', () => {
    const { bodies, lintEndpoint } = recording([finding('error', '/name')]);
    const resource = { name: 'gw', config: { served_entities: [{ name: 'a' }, { name: '${var.entity}' }] }, tags: [{ key: 'a/b~c', value: '${bundle.target}' }] };
    const result = lintBundle({ resources: { model_serving_endpoints: { 'team/gw~1': resource } } }, lintEndpoint);
    const base = '/resources/model_serving_endpoints/team~1gw~01';
    const fix = 'Write the literal value here (create_gateway mode "export" writes literals), or lint the output of `databricks bundle validate -o json`';
    expect(result.findings).toEqual([
      { rule: 'bundle.scope', severity: 'error', path: `${base}/config/served_entities/1/name`, message: 'the value is a bundle variable reference, known only at deploy time', fix },
      { rule: 'bundle.scope', severity: 'error', path: `${base}/tags/0/value`, message: 'the value is a bundle variable reference, known only at deploy time', fix },
    ]);
    expect(bodies).toEqual([]);
  });

  it('lints each endpoint object without its bundle-only fields, and nothing that is not an object', () => {
    const { bodies, lintEndpoint } = recording();
    const result = lintBundle({ resources: { model_serving_endpoints: { gw: { name: 'gw', description: null, permissions: [{ level: 'CAN_QUERY' }], lifecycle: { prevent_destroy: true } }, odd: 'gw' } } }, lintEndpoint);
    expect(bodies).toEqual([{ name: 'gw', description: null }]);
    expect(result).toEqual({ valid: true, findings: [] });
  });

  it('puts errors first, then warnings, then notes, and is valid only without errors', () => {
    const bundle = { resources: { model_serving_endpoints: { gw: { name: 'gw' } } } };
    const mixed = lintBundle(bundle, recording([finding('info', '/a'), finding('warning', '/b'), finding('error', '/c')]).lintEndpoint);
    expect(mixed.valid).toBe(false);
    expect(mixed.findings.map((f) => [f.severity, f.path])).toEqual([
      ['error', '/resources/model_serving_endpoints/gw/c'],
      ['warning', '/resources/model_serving_endpoints/gw/b'],
      ['info', '/resources/model_serving_endpoints/gw/a'],
    ]);
    expect(lintBundle(bundle, recording([finding('warning', '/b')]).lintEndpoint).valid).toBe(true);
    expect(lintBundle(bundle, recording([finding('error', '/c'), finding('warning', '/b')]).lintEndpoint).valid).toBe(false);
  });
});
