/**
 * Which state file the tools read, through the built server: the example state `--sandbox` falls back to,
 * the shipped examples, files that are not state files, and the defaults validate_config and the validate
 * command share with the other tools (AIGW_STATE_FILE, ./state.yaml).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { dump, load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AGENT_SP, OPS_GROUP } from '../../src/sandbox/seed/seed-catalog.js';
import { EXAMPLE_ENDPOINTS } from '../../src/state/example-state.js';
import { bodyWith, goodBody } from '../support/bodies.js';
import { callError, callOk, CLI, connect, REPO, type Connected } from '../support/mcp.js';
import { SCENARIOS, tempDir, writeYamlState } from '../support/states.js';

interface Audit {
  state_file: string;
  status: string;
  roles: Array<{ role: string; endpoint: string | null; status: string; warnings: string[] }>;
}
interface Validation {
  valid: boolean;
  findings: Array<{ rule: string; severity: string; path: string; message: string }>;
  state_file?: string;
}

describe('--sandbox with no state file named or found', () => {
  let server: Connected;
  beforeAll(async () => {
    server = await connect({ args: ['--sandbox'], cwd: tempDir('aigw-no-state-') });
  });
  afterAll(async () => server?.close());

  it('reads a copy of the example state: the audit passes from the first call, and create_gateway records into the copy', async () => {
    const audit = await callOk<Audit>(server.client, 'read_audit', {});
    expect(audit.status).toBe('ok');
    expect(audit.roles.find((r) => r.role === 'agent_chat')).toMatchObject({ endpoint: EXAMPLE_ENDPOINTS.agentChat, status: 'pass', warnings: [] });

    const args = { name: 'example-ai-gateway', fallback: true, token_secret: 'ai-gateway/fmapi-token', grants: { agent_service_principal: AGENT_SP, ops_group: OPS_GROUP } };
    const planned = await callOk<{ status: string; plan_id: string }>(server.client, 'create_gateway', args);
    expect(planned.status).toBe('planned');
    const applied = await callOk<{ status: string; state_updates: { state_file: string; changed: boolean } }>(server.client, 'create_gateway', { ...args, mode: 'apply', plan_id: planned.plan_id });
    expect(applied).toMatchObject({ status: 'applied', state_updates: { state_file: audit.state_file, changed: true } });
    const recorded = load(readFileSync(audit.state_file, 'utf8')) as { Foundation: { f4_gateway: Record<string, unknown> } };
    expect(recorded.Foundation.f4_gateway).toMatchObject({ endpoint_name: 'example-ai-gateway', payload_table: 'workshop.agent_ops.gw_payload' });

    await server.close();
    await vi.waitFor(() => expect(existsSync(audit.state_file)).toBe(false), { timeout: 20_000, interval: 50 });
  });
});

describe('state files that say what they are', () => {
  const dir = tempDir('aigw-state-kinds-');
  let server: Connected;
  beforeAll(async () => {
    server = await connect({ cwd: dir });
  });
  afterAll(async () => server?.close());

  it.each(['state.yaml', 'vibecoding-state.md'])('the shipped examples/%s passes read_audit', async (name) => {
    const audit = await callOk<Audit>(server.client, 'read_audit', { state_file: path.join(REPO, 'examples', name), roles: ['agent_chat', 'summarizer'] });
    expect(audit.status).toBe('ok');
    expect(audit.roles.map((r) => r.status)).toEqual(['pass', 'pass']);
  });

  it('a YAML file that is not a state file says so, instead of halting for FMAPI candidates', async () => {
    const config = path.join(dir, 'gateway.yaml');
    writeFileSync(config, dump(goodBody()));
    for (const tool of ['read_audit', 'create_gateway'] as const) {
      const text = await callError(server.client, tool, { state_file: config, ...(tool === 'create_gateway' ? { name: 'gw', catalog: 'c', schema: 's' } : {}) });
      expect(text).toMatch(/not a workshop state file.*neither llm_role_endpoints nor endpoint_guardrail_audit/);
      expect(text).not.toMatch(/FMAPI/);
    }
  });

  it('a state file without endpoint_guardrail_audit says the audit has not run', async () => {
    const { endpoint_guardrail_audit: _audit, ...unaudited } = SCENARIOS.passing;
    const text = await callError(server.client, 'read_audit', { state_file: writeYamlState(dir, 'unaudited', unaudited) });
    expect(text).toMatch(/no endpoint_guardrail_audit.*Run vibecoding-state\.endpoint_guardrail_audit/);
  });
});

describe('validate_config and the validate command read the default state file like the other tools', () => {
  const dir = tempDir('aigw-validate-defaults-');
  const stateFile = writeYamlState(dir, 'state', SCENARIOS.passing);
  let server: Connected;
  beforeAll(async () => {
    server = await connect({ args: ['--sandbox'], cwd: dir });
  });
  afterAll(async () => server?.close());

  it('validate_config with endpoint reads ./state.yaml', async () => {
    const result = await callOk<Validation>(server.client, 'validate_config', { endpoint: 'skyloyalty-ai-gateway' });
    expect(result.state_file).toBe(stateFile);
  });

  it('refuses the values the API refuses, as findings with rule ids', async () => {
    const body = bodyWith((b) => {
      b.config.served_entities[0].workload_size = 'small';
      b.config.served_entities[1].scale_to_zero_enabled = 'yes';
    });
    const result = await callOk<Validation>(server.client, 'validate_config', { config: body });
    expect(result.valid).toBe(false);
    expect(result.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rule: 'api.workload-size', severity: 'error', path: '/config/served_entities/0/workload_size', message: expect.stringMatching(/write "Small"/) }),
        expect.objectContaining({ rule: 'api.scale-to-zero-boolean', severity: 'error', path: '/config/served_entities/1/scale_to_zero_enabled' }),
      ]),
    );
  });

  it('rules://catalog lists every rule a finding can name, the live checks included', async () => {
    const catalog = JSON.parse((await server.client.readResource({ uri: 'rules://catalog' })).contents[0]?.text as string) as { rules: Array<{ id: string }> };
    expect(catalog.rules.map((r) => r.id)).toEqual(expect.arrayContaining(['api.body', 'api.workload-size', 'live.config-update', 'live.ops-grants', 'live.explicit-grants', 'live.state-record']));
  });

  it('the validate command reads AIGW_STATE_FILE, then ./state.yaml', async () => {
    const unaudited = path.join(dir, 'unaudited.json');
    writeFileSync(unaudited, JSON.stringify(bodyWith((b) => (b.config.served_entities[0].external_model.name = 'my-handpicked-llm'))));
    const otherDir = tempDir('aigw-validate-env-');
    const fromEnv = await runValidate(otherDir, { AIGW_STATE_FILE: stateFile }, unaudited, '--format', 'json');
    expect(fromEnv.code).toBe(1);
    expect(JSON.parse(fromEnv.stdout)).toMatchObject({ state_file: stateFile, findings: [expect.objectContaining({ rule: 'f4.audited-entities', severity: 'error' })] });
    const fromCwd = await runValidate(dir, {}, unaudited);
    expect(fromCwd.code).toBe(1);
    expect(fromCwd.stdout).toContain(`(audit: ${stateFile})`);
  });
});

async function runValidate(cwd: string, env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, 'validate', ...args], { cwd, env: { PATH: process.env.PATH ?? '', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
