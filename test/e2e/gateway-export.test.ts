/**
 * Gateways as code: create_gateway `mode: "export"` returns the plan as files (a bundle resource file for the
 * serving endpoint, the grants as SQL) and applies nothing; validate_config and `ai-gateway-mcp validate` pass the
 * bundle file; applying the export's plan_id sends exactly the endpoint body the file holds; a hand-broken copy
 * fails with a SARIF result on the YAML line to change; bundle files the lint cannot judge are refused by key.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_SP, OPS_GROUP } from '../../src/sandbox/seed/seed-catalog.js';
import { createSchemas, startHarness, type Harness } from '../sandbox/support.js';
import { CLI, connect, textOf, type Connected } from '../support/mcp.js';
import { SCENARIOS, tempDir, writeYamlState } from '../support/states.js';

const dir = tempDir('aigw-export-');
let h: Harness;
let server: Connected;
const args = (stateFile: string, extra: Record<string, unknown> = {}) => ({
  name: 'gw-export',
  catalog: 'workshop',
  schema: 'gw_export',
  token_secret: 'ai-gateway/fmapi-token',
  grants: { agent_service_principal: AGENT_SP, ops_group: OPS_GROUP },
  state_file: stateFile,
  ...extra,
});

async function tool(name: string, toolArgs: Record<string, unknown>): Promise<{ text: string; structured: Record<string, any>; isError: boolean }> {
  const result = await server.client.callTool({ name, arguments: toolArgs });
  return { text: textOf(result), structured: (result.structuredContent ?? {}) as Record<string, any>, isError: Boolean(result.isError) };
}

function validateCli(file: string): { status: number | null; sarif: any } {
  const run = spawnSync(process.execPath, [CLI, 'validate', file, '--format', 'sarif'], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: dir } });
  return { status: run.status, sarif: JSON.parse(run.stdout) };
}

beforeAll(async () => {
  h = await startHarness({ configUpdateMs: 200 });
  await createSchemas(h, 'workshop', ['gw_export']);
  server = await connect({ cwd: dir, env: { DATABRICKS_HOST: h.sandbox.url, DATABRICKS_TOKEN: h.sandbox.addToken('admin@example.com'), NODE_EXTRA_CA_CERTS: h.sandbox.caCertPath, AIGW_PLAN_SECRET: 'export-plan-secret-0123456789abcdef0123' } });
});

afterAll(async () => {
  await server?.close();
  await h?.close();
});

describe('create_gateway mode "export"', () => {
  let bundleFile = '';
  let bundleText = '';
  let planId = '';

  it('returns the default form as a bundle resource file and a grants script, shown in the text copy, and applies nothing', async () => {
    const stateFile = writeYamlState(dir, 'state', SCENARIOS.passing);
    const before = h.sandbox.requests.length;
    const exported = await tool('create_gateway', args(stateFile, { mode: 'export' }));
    expect(exported.structured.status, exported.text).toBe('exported');
    const files = exported.structured.files as Array<{ path: string; content: string }>;
    expect(files.map((f) => f.path)).toEqual(['resources/gw_export.gateway.yml', 'grants/gw_export.sql']);
    for (const file of files) expect(exported.text).toContain(`--- ${file.path}\n${file.content.trimEnd()}`);
    expect(h.sandbox.requests.slice(before).filter((r) => r.method !== 'GET')).toEqual([]);
    bundleText = files[0]!.content;
    const bundle = load(bundleText) as Record<string, any>;
    expect(Object.keys(bundle.resources)).toEqual(['model_serving_endpoints']);
    expect(bundle.resources.model_serving_endpoints.gw_export).toMatchObject({ name: 'gw-export', config: { served_entities: expect.any(Array) }, ai_gateway: { usage_tracking_config: { enabled: true } } });
    expect(files[1]!.content).toMatch(/^GRANT USE CATALOG ON CATALOG `workshop` TO `gateway-ops`;$/m);
    expect(files[1]!.content.split('\n').filter((line) => line.startsWith('GRANT') && line.includes('ALL PRIVILEGES'))).toEqual([]);
    planId = exported.structured.plan_id;
    expect(planId).toBeTruthy();
    bundleFile = path.join(dir, 'gw_export.gateway.yml');
    writeFileSync(bundleFile, bundleText);
  });

  it('validate_config and the validate command pass the exported bundle file', async () => {
    const validated = await tool('validate_config', { config_file: path.basename(bundleFile) });
    expect(validated.structured.valid, validated.text).toBe(true);
    expect(validated.structured.findings.filter((f: { severity: string }) => f.severity === 'error')).toEqual([]);
    const cli = validateCli(bundleFile);
    expect(cli.status).toBe(0);
    expect(cli.sarif.runs[0].results.filter((r: { level: string }) => r.level === 'error')).toEqual([]);
  });

  it("applying the export's plan_id sends exactly the endpoint body the bundle file holds", async () => {
    const before = h.sandbox.requests.length;
    const applied = await tool('create_gateway', args(path.join(dir, 'state.yaml'), { mode: 'apply', plan_id: planId }));
    expect(applied.structured.status, applied.text).toBe('applied');
    const create = h.sandbox.requests.slice(before).find((r) => r.method === 'POST' && r.path === '/api/2.0/serving-endpoints');
    expect(create?.body).toBeDefined();
    const resource = (load(bundleText) as Record<string, any>).resources.model_serving_endpoints.gw_export;
    expect(JSON.parse(create!.body!)).toEqual(resource);
  });

  it('a hand-broken copy (prefix gw_) fails, with a SARIF result on the YAML line of the prefix', () => {
    const broken = bundleText.replace(/table_name_prefix: gw$/m, 'table_name_prefix: gw_');
    expect(broken).not.toBe(bundleText);
    const file = path.join(dir, 'broken.gateway.yml');
    writeFileSync(file, broken);
    const cli = validateCli(file);
    expect(cli.status).toBe(1);
    const result = cli.sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'f4.table-prefix');
    expect(result).toBeDefined();
    const line = broken.split('\n').findIndex((l) => l.includes('table_name_prefix: gw_')) + 1;
    expect(result.locations[0].physicalLocation.region.startLine).toBe(line);
    expect(result.locations[0].logicalLocations[0].fullyQualifiedName).toBe('/resources/model_serving_endpoints/gw_export/ai_gateway/inference_table_config/table_name_prefix');
  });

  it('refuses what it cannot judge, naming the key and the fix: other resources, ${var} references, other top-level keys', async () => {
    const bundle = load(bundleText) as Record<string, any>;
    bundle.resources.jobs = { nightly: { name: 'nightly' } };
    bundle.resources.model_serving_endpoints.gw_export.ai_gateway.inference_table_config.schema_name = '${var.schema}';
    bundle.targets = { prod: {} };
    const validated = await tool('validate_config', { config: bundle });
    expect(validated.structured.valid).toBe(false);
    const paths = validated.structured.findings.filter((f: { rule: string }) => f.rule === 'bundle.scope').map((f: { path: string }) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['/targets', '/resources/jobs', '/resources/model_serving_endpoints/gw_export/ai_gateway/inference_table_config/schema_name']));
    expect(validated.text).toMatch(/bundle validate -o json/);
  });

  it("with alert, the bundle file also holds the 429/5xx alert, and applying sends that very alert body", async () => {
    const stateFile = writeYamlState(dir, 'alerting', SCENARIOS.passing);
    const withAlert = args(stateFile, { name: 'gw-alerting', schema: 'gw_export', table_name_prefix: 'gwa', alert: { subscribers: ['alice@example.com'], warehouse_id: h.sandbox.warehouseId } });
    const exported = await tool('create_gateway', { ...withAlert, mode: 'export' });
    expect(exported.structured.status, exported.text).toBe('exported');
    const bundle = load(exported.structured.files[0].content) as Record<string, any>;
    const alert = bundle.resources.alerts.gw_alerting_errors;
    expect(alert).toMatchObject({ display_name: expect.stringContaining('gw-alerting'), query_text: expect.any(String), warehouse_id: h.sandbox.warehouseId, evaluation: expect.any(Object), schedule: expect.any(Object) });
    const before = h.sandbox.requests.length;
    const applied = await tool('create_gateway', { ...withAlert, mode: 'apply', plan_id: exported.structured.plan_id });
    expect(applied.structured.status, applied.text).toBe('applied');
    const created = h.sandbox.requests.slice(before).find((r) => r.method === 'POST' && r.path === '/api/2.0/alerts');
    expect(JSON.parse(created!.body!)).toEqual(alert);
  });

  it('a model service exports its REST body and the databricks CLI command that creates it (bundles have no such resource)', async () => {
    const stateFile = writeYamlState(dir, 'service', SCENARIOS.passing);
    const exported = await tool('create_gateway', { name: 'agents', target: 'model_service', catalog: 'workshop', schema: 'gw_export', grants: { agent_service_principal: AGENT_SP, ops_group: OPS_GROUP }, state_file: stateFile, mode: 'export' });
    expect(exported.structured.status, exported.text).toBe('exported');
    const files = exported.structured.files as Array<{ path: string; content: string }>;
    expect(exported.structured.plan.warnings[0]).toMatch(/Bundles have no model-service resource yet/);
    const script = files.find((f) => f.path.endsWith('.sh'));
    expect(script?.content).toMatch(/databricks ai-gateway create-model-service schemas\/workshop\.gw_export agents --json @gateway\/.*\.model-service\.json/);
    const body = files.find((f) => f.path.endsWith('.model-service.json'));
    expect(JSON.parse(body!.content)).toMatchObject({ config: { routing: expect.any(Object), inference_table: { parent: 'schemas/workshop.gw_export' } } });
  });

  it('a halt exports nothing', async () => {
    const stateFile = writeYamlState(dir, 'halted', SCENARIOS.noPassing);
    const halted = await tool('create_gateway', args(stateFile, { mode: 'export' }));
    expect(halted.structured.status).toBe('halted');
    expect(halted.structured.files).toBeUndefined();
  });
});
