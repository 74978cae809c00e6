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
});
