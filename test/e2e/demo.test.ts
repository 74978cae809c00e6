/** `ai-gateway-mcp demo`, the README's run command: the whole F4 walk completes on the sandbox. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLI } from '../support/mcp.js';

describe('demo command', () => {
  it('walks audit, validation, plan, apply, verify, usage and tail, every step completing', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'demo'], { env: { PATH: process.env.PATH ?? '' }, timeout: 60_000 });
    expect(stdout).toMatch(/status: HALTED/);
    expect(stdout).toMatch(/status: OK/);
    expect(stdout).toMatch(/config: INVALID — 4 error\(s\)/);
    expect(stdout).toMatch(/create_gateway: PLANNED/);
    expect(stdout).toMatch(/create_gateway: APPLIED/);
    expect(stdout).toMatch(/live endpoint demo-ai-gateway: VALID/);
    expect(stdout).toMatch(/^demo: all 13 steps completed$/m);
  });

  it('shows the model service by its full name and its own URLs, in the plan and after apply', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'demo', '--max-lines', '80'], { env: { PATH: process.env.PATH ?? '' }, timeout: 60_000 });
    const service = 'workshop.demo_team.demo_agents';
    const plan = stdout.slice(stdout.indexOf('Plan the same gateway on Unity AI Gateway'), stdout.indexOf('Apply the model-service plan'));
    expect(plan).not.toContain('? / ?');
    expect(plan).toMatch(new RegExp(`model service ${service} — https://[^ ]+/ai-gateway/mlflow/v1`));
    expect(plan).toContain(`model "${service}"`);
    const applied = stdout.slice(stdout.indexOf('Apply the model-service plan'), stdout.indexOf('Usage of the last 7 days'));
    expect(applied).toMatch(new RegExp(`consumers: base URL https://[^ ]+/ai-gateway/mlflow/v1 with model "${service}" \\(Anthropic: https://[^ ]+/ai-gateway/anthropic\\)`));
    expect(applied).not.toContain('/serving-endpoints');
  });
});
