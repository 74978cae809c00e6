/**
 * `ai-gateway-mcp doctor` as a user runs it: the built CLI (dist/cli.cjs) as a child process against the sandbox
 * workspace, reached through the same settings as the server; and the same checks as the MCP resource
 * `doctor://workspace`. Each broken setting must fail its own check, with the fix that repairs it.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox-contract.js';
import { startSandbox } from '../../src/sandbox/start-sandbox.js';
import { startHarness } from '../sandbox/support.js';
import { CLI, connect, REPO } from '../support/mcp.js';
import { LLAMA, OPUS, SONNET, tempDir, writeYamlState } from '../support/states.js';

interface Check {
  check: string;
  status: 'pass' | 'fail' | 'unknown';
  evidence: string;
  fix: string;
}

const STATE = path.join(REPO, 'examples', 'state.yaml');
const probe = { short_chat_ok: true, streaming_ok: true, streaming_arg_accepted: true, long_context_ok: true, audited_at: '2026-11-20T09:00:00Z' };
/** Audits only endpoints whose registered model the sandbox lists (it deliberately lists none for Opus 4.5). */
const RESOLVABLE = writeYamlState(tempDir('aigw-doctor-'), 'resolvable', {
  uc_catalog_schema: 'workshop.agent_ops',
  llm_role_endpoints: { agent_chat: { endpoint: SONNET, candidates: [SONNET], selected_after_probe: true }, summarizer: { endpoint: LLAMA, candidates: [LLAMA], selected_after_probe: true } },
  endpoint_guardrail_audit: { [SONNET]: probe, [LLAMA]: probe },
});

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
}, 60_000);
afterAll(async () => {
  await sandbox?.close();
});

const envFor = (target: { url: string; token: string; caCertPath: string; warehouseId: string }, overrides: Record<string, string> = {}) => ({
  DATABRICKS_HOST: target.url,
  DATABRICKS_TOKEN: target.token,
  DATABRICKS_WAREHOUSE_ID: target.warehouseId,
  NODE_EXTRA_CA_CERTS: target.caCertPath,
  ...overrides,
});

/** Runs the built CLI with only these settings (never the developer's), and collects its output and exit code. */
function doctor(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'doctor', ...args], { cwd: REPO, env: { PATH: process.env.PATH ?? '', HOME: REPO, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function doctorJson(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; checks: Check[]; stderr: string }> {
  const run = await doctor(['--json', ...args], env);
  let checks: Check[];
  try {
    checks = JSON.parse(run.stdout) as Check[];
  } catch {
    throw new Error(`doctor --json printed no JSON (exit ${run.code}); stdout: ${run.stdout}; stderr: ${run.stderr}`);
  }
  return { code: run.code, checks, stderr: run.stderr };
}

const byName = (checks: Check[], name: string): Check => {
  const found = checks.find((c) => c.check === name);
  if (!found) throw new Error(`no check ${name} in ${checks.map((c) => c.check).join(', ')}`);
  return found;
};

describe('ai-gateway-mcp doctor', () => {
  it('passes on the sandbox (--sandbox) when every audited endpoint resolves: every check passes or is unknown, exit 0', async () => {
    const { code, checks, stderr } = await doctorJson(['--sandbox', '--state', RESOLVABLE]);
    const failed = checks.filter((c) => c.status === 'fail');
    expect(failed, JSON.stringify(failed, null, 2)).toEqual([]);
    expect(code, stderr).toBe(0);
    for (const check of checks) expect(Object.keys(check).sort()).toEqual(['check', 'evidence', 'fix', 'status']);
    for (const name of ['auth', 'state_file', 'warehouse', 'system_tables.serving', 'system_tables.ai_gateway', 'unity_ai_gateway', 'secrets', 'alerts_v2', 'uc_permissions', 'known_limit:provisioned_throughput']) {
      expect(byName(checks, name).status, name).toBe('pass');
    }
    expect(byName(checks, 'auth').evidence).toMatch(/admin@example\.com/);
    // Resolved from the workspace, never by a string edit: Llama's registered model has an irregular name.
    expect(byName(checks, `audited_endpoint:${SONNET}`).evidence).toMatch(/registered model system\.ai\.databricks-claude-sonnet-4-6, named by GET \/api\/2\.0\/serving-endpoints\//);
    expect(byName(checks, `audited_endpoint:${LLAMA}`).evidence).toMatch(/registered model system\.ai\.llama_v3_3_70b_instruct/);
  }, 60_000);

  it('fails an audited endpoint whose registered model system.ai does not list, with the call that settles it', async () => {
    const { code, checks } = await doctorJson(['--state', STATE], envFor(sandbox));
    expect(code).toBe(1);
    const opus = byName(checks, `audited_endpoint:${OPUS}`);
    expect(opus.status).toBe('fail');
    expect(opus.evidence).toMatch(/names system\.ai\.databricks-claude-opus-4-5, but the workspace does not list/);
    expect(opus.fix).toMatch(/GET \/api\/2\.1\/unity-catalog\/models\?catalog_name=system&schema_name=ai/);
    expect(checks.filter((c) => c.status === 'fail').map((c) => c.check)).toEqual([`audited_endpoint:${OPUS}`]);
  }, 60_000);

  it('prints one line per check with its status, and the counts, in text', async () => {
    const { code, stdout } = await doctor(['--state', STATE], envFor(sandbox));
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^pass\s+auth\s+https:\/\/127\.0\.0\.1:\d+ answered GET \/api\/2\.0\/preview\/scim\/v2\/Me: admin@example\.com/);
    expect(lines.at(-1)).toMatch(/^\d+ pass, \d+ fail, \d+ unknown\. Paste this output/);
    expect(lines.slice(0, -1).every((line) => /^(pass|fail|unknown)\s/.test(line))).toBe(true);
    expect(code).toBe(lines.some((line) => line.startsWith('fail')) ? 1 : 0);
  }, 60_000);

  it('fails the warehouse check for a wrong warehouse id, naming the setting to fix', async () => {
    const { code, checks } = await doctorJson(['--state', STATE], envFor(sandbox, { DATABRICKS_WAREHOUSE_ID: '0123456789abcdef' }));
    expect(code).toBe(1);
    const warehouse = byName(checks, 'warehouse');
    expect(warehouse.status).toBe('fail');
    expect(warehouse.evidence).toMatch(/no warehouse has this id/);
    expect(warehouse.fix).toMatch(/DATABRICKS_WAREHOUSE_ID/);
    // The system tables cannot be asked without a warehouse: unknown, not a second failure.
    expect(byName(checks, 'system_tables.serving').status).toBe('unknown');
    expect(byName(checks, 'auth').status).toBe('pass');
  }, 60_000);

  it('fails the Unity AI Gateway check on a workspace without it, naming the preview and the other target', async () => {
    const off = await startSandbox({ unityGateway: false });
    try {
      const { code, checks } = await doctorJson(['--state', STATE], envFor(off));
      expect(code).toBe(1);
      const gateway = byName(checks, 'unity_ai_gateway');
      expect(gateway.status).toBe('fail');
      expect(gateway.evidence).toMatch(/model-services\?parent=schemas\/workshop\.agent_ops answered that there is no such API/);
      expect(gateway.fix).toMatch(/enable the Unity AI Gateway preview.*target "serving_endpoint"/);
    } finally {
      await off.close();
    }
  }, 60_000);

  it('fails both system-table checks for a principal without grants, with the GRANTs that open them', async () => {
    const token = sandbox.addToken('no-grants@example.com');
    const { code, checks } = await doctorJson(['--state', STATE], envFor(sandbox, { DATABRICKS_TOKEN: token }));
    expect(code).toBe(1);
    expect(byName(checks, 'auth').evidence).toMatch(/no-grants@example\.com/);
    for (const schema of ['serving', 'ai_gateway']) {
      const check = byName(checks, `system_tables.${schema}`);
      expect(check.status).toBe('fail');
      expect(check.evidence).toMatch(/not readable by no-grants@example\.com/);
      expect(check.fix).toBe(`An account admin or metastore admin runs GRANT USE SCHEMA ON SCHEMA system.${schema} TO \`no-grants@example.com\` and GRANT SELECT ON SCHEMA system.${schema} TO \`no-grants@example.com\``);
    }
    expect(JSON.stringify(checks)).not.toContain(token);
  }, 60_000);

  it('fails auth with the fix for a revoked token, and runs nothing else', async () => {
    const { code, checks } = await doctorJson(['--state', STATE], envFor(sandbox, { DATABRICKS_TOKEN: 'dapi00000000000000000000000000000000' }));
    expect(code).toBe(1);
    expect(byName(checks, 'auth').status).toBe('fail');
    expect(checks.slice(1).every((c) => c.status === 'unknown')).toBe(true);
    expect(JSON.stringify(checks)).not.toContain('dapi00000000000000000000000000000000');
  }, 60_000);

  it('never ends quietly with exit 0 when an answer never comes (a warehouse that does not speak Thrift)', async () => {
    // The REST-only harness answers the SQL path with JSON: the driver's promise is left pending with nothing open.
    const harness = await startHarness();
    try {
      const run = await doctor(['--json', '--state', STATE], envFor(harness.sandbox));
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/a check never got an answer/);
    } finally {
      await harness.close();
    }
  }, 60_000);

  it('refuses an unknown flag with exit code 2 and the usage', async () => {
    const run = await doctor(['--jsn']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/Usage: ai-gateway-mcp doctor \[--json\]/);
  });

  it('serves the same checks as the MCP resource doctor://workspace', async () => {
    const server = await connect({ env: { ...envFor(sandbox), AIGW_STATE_FILE: STATE } });
    try {
      const { contents } = await server.client.readResource({ uri: 'doctor://workspace' });
      const checks = JSON.parse(String((contents[0] as { text: string }).text)) as Check[];
      expect(byName(checks, 'auth').status).toBe('pass');
      expect(byName(checks, 'warehouse').status).toBe('pass');
      expect(checks.map((c) => c.check)).toEqual((await doctorJson(['--state', STATE], envFor(sandbox))).checks.map((c) => c.check));
    } finally {
      await server.close();
    }
  }, 60_000);
});
