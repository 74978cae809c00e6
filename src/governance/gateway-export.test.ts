/**
 * create_gateway `mode: "export"`: the files a team reviews and commits. Each file is read by a tool (the
 * Databricks CLI, a shell, a SQL warehouse), so the exact paths, commands, quoting and statements are the contract.
 */
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import type { DesiredGateway, DesiredGrant } from './desired-endpoint.js';
import type { DesiredModelService } from './desired-model-service.js';
import type { DesiredAlert } from './error-alert.js';
import { exportModelService, exportServingEndpoint, resourceKey } from './gateway-export.js';

const aiGateway = {
  usage_tracking_config: { enabled: true },
  inference_table_config: { enabled: true, catalog_name: 'cat', schema_name: 'ops', table_name_prefix: 'gw' },
  rate_limits: [{ key: 'endpoint' as const, renewal_period: 'minute' as const, calls: 120 }],
  guardrails: {},
};
const config = {
  served_entities: [{ name: 'ep-a', external_model: { name: 'ep-a', provider: 'databricks-model-serving' as const, task: 'llm/v1/chat', databricks_model_serving_config: { databricks_workspace_url: 'https://h', databricks_api_token: '{{secrets/sc/k}}' } } }],
  traffic_config: { routes: [{ served_entity_name: 'ep-a', traffic_percentage: 100 }] },
};
const grants: DesiredGrant[] = [
  { securable: 'catalog', fullName: 'cat', principal: 'sp-1', privileges: ['USE_CATALOG'] },
  { securable: 'schema', fullName: 'cat.ops', principal: 'data `team`', privileges: ['USE_SCHEMA', 'SELECT'] },
];
const gateway = (name: string, withConfig: boolean, g: DesiredGrant[] = grants): DesiredGateway =>
  ({ name, form: withConfig ? 'dedicated' : 'attach', body: { name, ...(withConfig ? { config } : {}), ai_gateway: aiGateway }, served: [], grants: g, payloadTable: 'cat.ops.gw_payload', record: {}, warnings: [], provisionedInModelUnits: false }) as DesiredGateway;
const alert = { display_name: 'gw errors', query_text: 'SELECT 1', warehouse_id: 'wh' } as DesiredAlert;

const SCRIPT_HEAD = ['#!/bin/sh', '# Exported by ai-gateway-mcp create_gateway (mode "export"): creates what the reviewed files describe.', 'set -eu'];
const GRANTS_SQL = [
  '-- Exported by ai-gateway-mcp create_gateway: the explicit grants F4 makes (never ALL PRIVILEGES).',
  'GRANT USE CATALOG ON CATALOG `cat` TO `sp-1`;',
  'GRANT USE SCHEMA, SELECT ON SCHEMA `cat`.`ops` TO `data ``team```;',
  '',
].join('\n');

describe('resourceKey', () => {
  it('keeps letters, digits and underscores and turns everything else into _', () => {
    expect(resourceKey('Sky-loyalty.gw_2 x/é')).toBe('Sky_loyalty_gw_2_x__');
  });
});

describe('exportServingEndpoint', () => {
  it('writes a bundle resource with the endpoint, its alert, and the grants as SQL', () => {
    const files = exportServingEndpoint(gateway('sky-gw', true), alert);
    expect(files.map((f) => f.path)).toEqual(['resources/sky_gw.gateway.yml', 'grants/sky_gw.sql']);
    const yml = files[0]!.content;
    expect(yml.startsWith('# Exported by ai-gateway-mcp create_gateway (mode "export"): review, commit, deploy; check it with\n# `ai-gateway-mcp validate <this file>` in CI.\nresources:\n')).toBe(true);
    expect(load(yml)).toEqual({
      resources: {
        model_serving_endpoints: { sky_gw: { name: 'sky-gw', config, ai_gateway: aiGateway } },
        alerts: { sky_gw_errors: alert },
      },
    });
    expect(files[1]!.content).toBe(GRANTS_SQL);
  });

  it('leaves out the alert and the grants file when there are none', () => {
    const files = exportServingEndpoint(gateway('gw', true, []), undefined);
    expect(files.map((f) => f.path)).toEqual(['resources/gw.gateway.yml']);
    expect(load(files[0]!.content)).toEqual({ resources: { model_serving_endpoints: { gw: { name: 'gw', config, ai_gateway: aiGateway } } } });
  });

  it('keeps long lines whole and repeated values spelled out, so the file reads as the body apply sends', () => {
    const long = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ');
    const side = { pii: { behavior: 'BLOCK' }, safety: true };
    const shared = { ...gateway('gw', true, []), body: { name: 'gw', config, ai_gateway: { ...aiGateway, guardrails: { input: side, output: side } } } } as DesiredGateway;
    const content = exportServingEndpoint(shared, { ...alert, query_text: long })[0]!.content;
    expect(content).toContain(`query_text: ${long}\n`);
    expect(content).not.toMatch(/[&*]ref_/);
    expect(content.match(/behavior: BLOCK/g)).toHaveLength(2);
  });

  it('quotes backticks inside a securable name', () => {
    const sql = exportServingEndpoint(gateway('gw', true, [{ securable: 'schema', fullName: 'cat.my`ops', principal: 'p', privileges: ['SELECT'] }]), undefined)[1]!.content;
    expect(sql.split('\n')[1]).toBe('GRANT SELECT ON SCHEMA `cat`.`my``ops` TO `p`;');
  });

  it('turns attach into the ai_gateway body and the CLI command that sends it, quoting a name the shell would split', () => {
    const files = exportServingEndpoint(gateway("team's gw", false), alert);
    expect(files).toEqual([
      { path: 'gateway/team_s_gw.ai-gateway.json', content: `${JSON.stringify(aiGateway, null, 2)}\n` },
      { path: 'gateway/team_s_gw.sh', content: [...SCRIPT_HEAD, `databricks serving-endpoints put-ai-gateway 'team'\\''s gw' --json @gateway/team_s_gw.ai-gateway.json`, ''].join('\n') },
      { path: 'grants/team_s_gw.sql', content: GRANTS_SQL },
      { path: 'gateway/team_s_gw.alert.json', content: `${JSON.stringify(alert, null, 2)}\n` },
    ]);
  });

  it('leaves a name of shell-safe characters unquoted, and writes no alert body without an alert', () => {
    const files = exportServingEndpoint(gateway('databricks-claude_3.7@x/y:z=1', false, []), undefined);
    expect(files.map((f) => f.path)).toEqual(['gateway/databricks_claude_3_7_x_y_z_1.ai-gateway.json', 'gateway/databricks_claude_3_7_x_y_z_1.sh']);
    expect(files[1]!.content.split('\n')[3]).toBe('databricks serving-endpoints put-ai-gateway databricks-claude_3.7@x/y:z=1 --json @gateway/databricks_claude_3_7_x_y_z_1.ai-gateway.json');
  });
});

describe('exportModelService', () => {
  const service = {
    name: 'sky-svc',
    catalog: 'cat',
    schema: 'ops',
    id: 'sky svc',
    body: { config: { routing: {}, rate_limits: [], inference_table: { parent: 'catalogs/cat/schemas/ops', table_name_prefix: 'svc' } } },
    destinations: [],
    mcp: [
      { id: 'github', fullName: 'cat.ops.github', connection: 'cat.ops.gh', body: { config: { a: 1 } }, url: 'https://h/mcp' },
      { id: 'jira', fullName: 'cat.ops.jira', connection: 'cat.ops.jira', body: { config: { b: 2 } }, url: 'https://h/mcp2' },
    ],
    grants: [grants[0]!],
    payloadTable: 'cat.ops.svc_payload',
    record: {},
    warnings: [],
  } as unknown as DesiredModelService;

  it('writes each body, one script that creates the service then its MCP services under the schema, grants and alert', () => {
    const files = exportModelService(service, alert);
    expect(files).toEqual([
      { path: 'gateway/sky_svc.model-service.json', content: `${JSON.stringify(service.body, null, 2)}\n` },
      { path: 'gateway/cat_ops_github.mcp-service.json', content: `${JSON.stringify({ config: { a: 1 } }, null, 2)}\n` },
      { path: 'gateway/cat_ops_jira.mcp-service.json', content: `${JSON.stringify({ config: { b: 2 } }, null, 2)}\n` },
      {
        path: 'gateway/sky_svc.sh',
        content: [
          ...SCRIPT_HEAD,
          "databricks ai-gateway create-model-service schemas/cat.ops 'sky svc' --json @gateway/sky_svc.model-service.json",
          'databricks ai-gateway create-mcp-service schemas/cat.ops github --json @gateway/cat_ops_github.mcp-service.json',
          'databricks ai-gateway create-mcp-service schemas/cat.ops jira --json @gateway/cat_ops_jira.mcp-service.json',
          '',
        ].join('\n'),
      },
      { path: 'grants/sky_svc.sql', content: ['-- Exported by ai-gateway-mcp create_gateway: the explicit grants F4 makes (never ALL PRIVILEGES).', 'GRANT USE CATALOG ON CATALOG `cat` TO `sp-1`;', ''].join('\n') },
      { path: 'gateway/sky_svc.alert.json', content: `${JSON.stringify(alert, null, 2)}\n` },
    ]);
  });

  it('names the model-service securable in words and writes no grants or alert file when there are none', () => {
    const withServiceGrant = { ...service, mcp: [], grants: [{ securable: 'model_service', fullName: 'cat.ops.sky-svc', principal: 'sp-1', privileges: ['EXECUTE'] }] } as DesiredModelService;
    expect(exportModelService(withServiceGrant, undefined).find((f) => f.path === 'grants/sky_svc.sql')?.content.split('\n')[1]).toBe('GRANT EXECUTE ON MODEL SERVICE `cat`.`ops`.`sky-svc` TO `sp-1`;');
    expect(exportModelService({ ...service, mcp: [], grants: [] } as DesiredModelService, undefined).map((f) => f.path)).toEqual(['gateway/sky_svc.model-service.json', 'gateway/sky_svc.sh']);
  });
});
