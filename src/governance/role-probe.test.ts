import { describe, expect, it } from 'vitest';
import { LLAMA, OPUS, SCENARIOS, SONNET } from '../../test/support/states.js';
import { boundPassingEndpoints, evaluateAudit } from './role-probe.js';

const now = new Date('2026-11-27T00:00:00Z');
const entry = { short_chat_ok: true, streaming_ok: true, long_context_ok: true, accepted_min_context_chars: 150_000, audited_at: '2026-11-20T00:00:00Z' };
const bind = (endpoint: string, candidates: string[], extra: Record<string, unknown> = {}) => ({ endpoint, candidates, selected_after_probe: true, ...extra });
const roleOf = (state: Record<string, unknown>, role = 'agent_chat', roles = [role]) => evaluateAudit(state, { roles, now }).roles.find((r) => r.role === role);

describe('role probe', () => {
  it('requires streaming_ok for a role with streaming_required, not only for agent_chat', () => {
    const state = { llm_role_endpoints: { tools: bind(LLAMA, [LLAMA], { streaming_required: true }) }, endpoint_guardrail_audit: { [LLAMA]: { ...entry, streaming_ok: false } } };
    expect(roleOf(state, 'tools')).toMatchObject({ status: 'fail', failed_checks: ['streaming_ok'] });
  });

  it('checks long context against the role minimum', () => {
    const state = { llm_role_endpoints: { summarizer: bind(LLAMA, [LLAMA], { min_context_chars: 200_000 }) }, endpoint_guardrail_audit: { [LLAMA]: entry } };
    expect(roleOf(state, 'summarizer')).toMatchObject({ status: 'fail', failed_checks: ['accepted_min_context_chars'] });
    const ok = { ...state, endpoint_guardrail_audit: { [LLAMA]: { ...entry, accepted_min_context_chars: 200_000 } } };
    expect(roleOf(ok, 'summarizer')?.status).toBe('pass');
    const noLong = { ...state, endpoint_guardrail_audit: { [LLAMA]: { ...entry, long_context_ok: false, accepted_min_context_chars: 300_000 } } };
    expect(roleOf(noLong, 'summarizer')?.failed_checks).toEqual(['long_context_ok']);
  });

  it('names audit_entry when the bound endpoint was never audited', () => {
    const state = { llm_role_endpoints: { agent_chat: bind(SONNET, [SONNET]) }, endpoint_guardrail_audit: {} };
    expect(roleOf(state)).toMatchObject({ status: 'fail', failed_checks: ['audit_entry'] });
  });

  it('treats a hand-picked endpoint (not among candidates) and an unconfirmed selection as unbound', () => {
    const handPicked = { llm_role_endpoints: { agent_chat: bind(SONNET, [OPUS]) }, endpoint_guardrail_audit: { [SONNET]: entry, [OPUS]: entry } };
    expect(roleOf(handPicked)).toMatchObject({ status: 'unbound', failed_checks: ['candidates'], fallback_candidates: [OPUS] });
    const unconfirmed = { llm_role_endpoints: { agent_chat: { endpoint: SONNET, candidates: [SONNET] } }, endpoint_guardrail_audit: { [SONNET]: entry } };
    expect(roleOf(unconfirmed)).toMatchObject({ status: 'unbound', failed_checks: ['selected_after_probe'] });
  });

  it('asks for a probe re-run, not a candidate list, when an unbound role\'s own endpoint passes', () => {
    const unconfirmed = { llm_role_endpoints: { agent_chat: { endpoint: SONNET, candidates: [SONNET] } }, endpoint_guardrail_audit: { [SONNET]: entry } };
    const prompt = evaluateAudit(unconfirmed, { roles: ['agent_chat'], now }).operator_prompt;
    expect(prompt?.roles[0]).toMatchObject({ reason: 'unbound', ask: 'rerun_probe', passing_candidates: [SONNET] });
    expect(prompt?.message).toMatch(/agent_chat has no endpoint bound by the role probe .* passed it\. Re-run/);
    expect(prompt?.message).not.toMatch(/No FMAPI endpoint passed/);
  });

  it('warns, without failing, on an audit older than the limit', () => {
    const state = { llm_role_endpoints: { agent_chat: bind(SONNET, [SONNET]) }, endpoint_guardrail_audit: { [SONNET]: { ...entry, audited_at: '2026-09-01T00:00:00Z' } } };
    const role = roleOf(state);
    expect(role?.status).toBe('pass');
    expect(role?.warnings.join(' ')).toMatch(/87 days old/);
  });

  it('reads an audit given as a list of entries, and candidates given as objects', () => {
    const state = {
      llm_role_endpoints: { agent_chat: { endpoint: SONNET, candidates: [{ endpoint: SONNET }, { name: OPUS }], selected_after_probe: true } },
      endpoint_guardrail_audit: { endpoints: [{ endpoint: SONNET, ...entry }, { endpoint: OPUS, ...entry }] },
    };
    expect(roleOf(state)).toMatchObject({ status: 'pass', fallback_candidates: [OPUS] });
  });

  it('halts only on the roles the gateway serves', () => {
    const state = SCENARIOS.passing;
    expect(evaluateAudit(state, { roles: ['agent_chat'], now }).status).toBe('ok');
    const broken = { ...state, endpoint_guardrail_audit: { ...state.endpoint_guardrail_audit, [LLAMA]: { ...entry, long_context_ok: false } } };
    expect(evaluateAudit(broken, { roles: ['agent_chat'], now }).status).toBe('ok');
    expect(evaluateAudit(broken, { roles: ['agent_chat', 'summarizer'], now }).status).toBe('halted');
  });

  it('says a file is not a state file, or has no audit, instead of halting for FMAPI candidates', () => {
    const notState = { name: 'gw', config: { served_entities: [] }, ai_gateway: {} };
    expect(() => evaluateAudit(notState, { roles: ['agent_chat'], now })).toThrow(expect.objectContaining({ code: 'STATE_FILE_NOT_STATE', message: expect.stringMatching(/not a workshop state file/) }));
    const noAudit = { llm_role_endpoints: { agent_chat: bind(SONNET, [SONNET]) }, endpoint_guardrail_audit: null };
    expect(() => evaluateAudit(noAudit, { roles: ['agent_chat'], now })).toThrow(expect.objectContaining({ code: 'STATE_FILE_NO_AUDIT', message: expect.stringMatching(/Run vibecoding-state\.endpoint_guardrail_audit/) }));
    // Without served roles there is no halt to decide: the rules that only read the audit still answer.
    expect(evaluateAudit(noAudit, { roles: [], now }).status).toBe('ok');
    // An audit with no entries is an audit: every candidate fails it, and the halt asks for candidates.
    expect(evaluateAudit({ ...noAudit, endpoint_guardrail_audit: {} }, { roles: ['agent_chat'], now }).status).toBe('halted');
  });

  it('gives the bound, passing endpoint of each role', () => {
    expect([...boundPassingEndpoints(SCENARIOS.passing)]).toEqual([
      ['agent_chat', SONNET],
      ['summarizer', LLAMA],
    ]);
    expect([...boundPassingEndpoints(SCENARIOS.noPassing)]).toEqual([]);
  });
});
