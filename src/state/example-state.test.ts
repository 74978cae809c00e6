import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateAudit } from '../governance/role-probe.js';
import { Runtime } from '../runtime/process-runtime.js';
import { FMAPI_ENDPOINTS } from '../sandbox/seed/seed-catalog.js';
import { REPO } from '../../test/support/mcp.js';
import { tempDir } from '../../test/support/states.js';
import { EXAMPLE_AUDITED_AT, EXAMPLE_ENDPOINTS, exampleStateMarkdown, exampleStateYaml } from './example-state.js';
import { resolveStatePath } from './locate-state.js';
import { parseStateText } from './parse-state.js';
import { loadState } from './read-state.js';

const FILES = { 'state.yaml': exampleStateYaml(), 'vibecoding-state.md': exampleStateMarkdown() };
const dayAfterAudit = new Date(Date.parse(EXAMPLE_AUDITED_AT) + 86_400_000);

describe('the example state files', () => {
  it.each(Object.entries(FILES))('examples/%s is the rendering (UPDATE_EXAMPLES=1 rewrites it)', (name, text) => {
    const file = path.join(REPO, 'examples', name);
    if (process.env.UPDATE_EXAMPLES) writeFileSync(file, text);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('hold the same state in both formats, and it passes the halt rule for both roles', () => {
    const yaml = parseStateText('state.yaml', FILES['state.yaml']);
    const markdown = parseStateText('vibecoding-state.md', FILES['vibecoding-state.md']);
    expect(markdown).toMatchObject({ format: 'markdown', data: yaml.data });
    const report = evaluateAudit(yaml.data, { roles: ['agent_chat', 'summarizer'], now: dayAfterAudit });
    expect(report.status).toBe('ok');
    expect(report.roles).toEqual([
      expect.objectContaining({ role: 'agent_chat', endpoint: EXAMPLE_ENDPOINTS.agentChat, status: 'pass', warnings: [], fallback_candidates: [EXAMPLE_ENDPOINTS.agentChatFallback] }),
      expect.objectContaining({ role: 'summarizer', endpoint: EXAMPLE_ENDPOINTS.summarizer, status: 'pass', warnings: [] }),
    ]);
  });

  it('audit endpoints the sandbox seeds, so --sandbox can serve them', () => {
    const seeded = FMAPI_ENDPOINTS.map((e) => e.name);
    expect(seeded).toEqual(expect.arrayContaining(Object.values(EXAMPLE_ENDPOINTS)));
  });
});

describe('the state file a runtime falls back to', () => {
  it('is a fresh copy of the example only where the runtime asks for it, removed when it closes', async () => {
    const cwd = tempDir();
    expect(() => resolveStatePath(new Runtime({ cwd, env: {} }))).toThrow(expect.objectContaining({ code: 'STATE_FILE_NOT_FOUND' }));
    const runtime = new Runtime({ cwd, env: {}, exampleStateFallback: true });
    const state = await loadState(runtime);
    expect(path.dirname(state.path)).not.toBe(cwd);
    expect(evaluateAudit(state.data, { roles: ['agent_chat', 'summarizer'] })).toMatchObject({ status: 'ok', roles: [{ warnings: [] }, { warnings: [] }] });
    expect(resolveStatePath(runtime)).toBe(state.path);
    // A state file named by the caller or found in the working folder still comes first.
    expect(resolveStatePath(runtime, 'mine.yaml')).toBe(path.join(cwd, 'mine.yaml'));
    writeFileSync(path.join(cwd, 'state.yaml'), FILES['state.yaml']);
    expect(resolveStatePath(runtime)).toBe(path.join(cwd, 'state.yaml'));
    await runtime.close();
    expect(existsSync(state.path)).toBe(false);
  });
});
