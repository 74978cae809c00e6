/**
 * What the halt rule tells the operator and the agent: the exact prompt for each kind of halt, each warning on a
 * role, and how the audit and the bindings are read in the shapes workshop state files use.
 */
import { describe, expect, it } from 'vitest';
import { OPUS, SONNET } from '../../test/support/states.js';
import { boundPassingEndpoints, evaluateAudit } from './role-probe.js';

const now = new Date('2026-11-27T00:00:00Z');
const entry = { short_chat_ok: true, streaming_ok: true, audited_at: '2026-11-20T00:00:00Z' };
const bind = (endpoint: string, candidates: unknown[], extra: Record<string, unknown> = {}) => ({ endpoint, candidates, selected_after_probe: true, ...extra });
const audit = (state: Record<string, unknown>, roles = ['agent_chat'], extra: { maxAuditAgeDays?: number } = {}) => evaluateAudit(state, { roles, now, ...extra });
const TAIL = ' The workshop deliberately has no admin-ticket pathway — gateway creation does not silently downgrade or pick "any healthy" endpoint.';

describe('the operator prompt', () => {
  it('asks for a candidate list when no candidate passes, naming what each failed', () => {
    const state = { llm_role_endpoints: { agent_chat: bind(SONNET, [SONNET, OPUS]) }, endpoint_guardrail_audit: { [SONNET]: { ...entry, short_chat_ok: false, streaming_ok: false } } };
    const report = audit(state);
    expect(report.status).toBe('halted');
    expect(report.operator_prompt).toEqual({
      message:
        `F4 halted: No FMAPI endpoint passed the role probe for agent_chat. Candidates that failed: ${SONNET} (short_chat_ok, streaming_ok); ${OPUS} (audit_entry). ` +
        'Provide a workspace-specific candidate list (workspace name + endpoint names) so vibecoding-state.llm_role_endpoint_probe can re-bind.' +
        TAIL,
      roles: [
        {
          role: 'agent_chat',
          endpoint: SONNET,
          reason: 'failed_probe',
          candidates: [
            { endpoint: SONNET, passes: false, failed_checks: ['short_chat_ok', 'streaming_ok'] },
            { endpoint: OPUS, passes: false, failed_checks: ['audit_entry'] },
          ],
          ask: 'candidate_list',
          passing_candidates: [],
        },
      ],
    });
  });

  it('asks for a probe re-run when the bound endpoint fails but another candidate passes', () => {
    const state = { llm_role_endpoints: { agent_chat: bind(SONNET, [SONNET, OPUS]) }, endpoint_guardrail_audit: { [SONNET]: { ...entry, streaming_ok: false }, [OPUS]: entry } };
    expect(audit(state).operator_prompt?.message).toBe(
      `F4 halted: The bound endpoint for agent_chat (${SONNET}) did not pass its role probe, but ${OPUS} passed it. ` +
        `Re-run vibecoding-state.llm_role_endpoint_probe so it binds agent_chat to a passing candidate, then call again. Candidates that failed: ${SONNET} (streaming_ok).` +
        TAIL,
    );
  });

  it('says a pending role has no candidates when it lists none', () => {
    const state = { llm_role_endpoints: { agent_chat: { endpoint: '<pending>', candidates: [], selected_after_probe: false } }, endpoint_guardrail_audit: {} };
    const report = audit(state);
    expect(report.operator_prompt?.message).toBe(
      'F4 halted: No FMAPI endpoint passed the role probe for agent_chat. It has no candidates. Provide a workspace-specific candidate list (workspace name + endpoint names) so vibecoding-state.llm_role_endpoint_probe can re-bind.' +
        TAIL,
    );
    expect(report.operator_prompt?.roles[0]).toMatchObject({ endpoint: null, reason: 'unbound', ask: 'candidate_list' });
  });

  it('shows <pending> for an unbound role whose candidate passes', () => {
    const state = { llm_role_endpoints: { agent_chat: { endpoint: '<pending>', candidates: [SONNET], selected_after_probe: false } }, endpoint_guardrail_audit: { [SONNET]: entry } };
    expect(audit(state).operator_prompt?.message).toBe(
      `F4 halted: agent_chat has no endpoint bound by the role probe (<pending>), but among its candidates ${SONNET} passed it. ` +
        'Re-run vibecoding-state.llm_role_endpoint_probe so it binds agent_chat to a passing candidate, then call again.' +
        TAIL,
    );
  });

  it('joins the halts of several roles into one prompt, and halts a served role that has no binding', () => {
    const state = { llm_role_endpoints: { agent_chat: bind(SONNET, [SONNET]) }, endpoint_guardrail_audit: { [SONNET]: { ...entry, short_chat_ok: false } } };
    const report = audit(state, ['agent_chat', 'summarizer']);
    expect(report.roles.find((r) => r.role === 'summarizer')).toEqual({
      role: 'summarizer',
      endpoint: null,
      status: 'unbound',
      failed_checks: ['role_binding'],
      warnings: ['llm_role_endpoints has no entry for role summarizer'],
      fallback_candidates: [],
    });
    expect(report.operator_prompt?.message).toBe(
      `F4 halted: No FMAPI endpoint passed the role probe for agent_chat. Candidates that failed: ${SONNET} (short_chat_ok). ` +
        'Provide a workspace-specific candidate list (workspace name + endpoint names) so vibecoding-state.llm_role_endpoint_probe can re-bind. ' +
        'No FMAPI endpoint passed the role probe for summarizer. It has no candidates. Provide a workspace-specific candidate list (workspace name + endpoint names) so vibecoding-state.llm_role_endpoint_probe can re-bind.' +
        TAIL,
    );
  });

  it('reports a role that is not served without halting on it', () => {
    const state = { llm_role_endpoints: { agent_chat: bind(SONNET, [SONNET]), tools: bind(OPUS, [OPUS]) }, endpoint_guardrail_audit: { [SONNET]: entry } };
    const report = audit(state);
    expect(report).toEqual({ status: 'ok', roles: [expect.objectContaining({ role: 'agent_chat', status: 'pass' }), expect.objectContaining({ role: 'tools', status: 'fail', failed_checks: ['audit_entry'] })] });
  });
});

describe('role warnings', () => {
  const warningsOf = (binding: Record<string, unknown>, auditEntry: Record<string, unknown> | undefined, extra: { maxAuditAgeDays?: number } = {}) =>
    audit({ llm_role_endpoints: { agent_chat: binding }, endpoint_guardrail_audit: auditEntry ? { [SONNET]: auditEntry } : {} }, [], extra).roles[0]?.warnings;

  it.each<[string, Record<string, unknown>, Record<string, unknown> | undefined, string[]]>([
    ['a pending role', { endpoint: '<pending>', candidates: [SONNET], selected_after_probe: false }, entry, ['the role is still <pending>: the role endpoint probe has not bound it']],
    ['a hand-picked endpoint', bind(SONNET, [OPUS]), entry, [`the bound endpoint ${SONNET} is not among the role's candidates, so it was picked by hand`]],
    ['an unconfirmed binding', { endpoint: SONNET, candidates: [SONNET] }, entry, []],
    ['an entry without a timestamp', bind(SONNET, [SONNET]), { short_chat_ok: true, streaming_ok: true }, ['the audit entry has no timestamp (audited_at), so its age is unknown']],
    ['an entry whose timestamp is not a date', bind(SONNET, [SONNET]), { ...entry, audited_at: 'last tuesday' }, ['the audit timestamp last tuesday is not a date']],
    ['an audit exactly 30 days old', bind(SONNET, [SONNET]), { ...entry, audited_at: '2026-10-28T00:00:00Z' }, []],
    [
      'an audit just over 30 days old',
      bind(SONNET, [SONNET]),
      { ...entry, audited_at: '2026-10-27T23:00:00Z' },
      ['the audit is 30 days old (over 30); re-run vibecoding-state.endpoint_guardrail_audit before relying on it'],
    ],
    ['a probe time under another name', bind(SONNET, [SONNET]), { short_chat_ok: true, streaming_ok: true, last_probed_at: '2026-01-01T00:00:00Z' }, [
      'the audit is 330 days old (over 30); re-run vibecoding-state.endpoint_guardrail_audit before relying on it',
    ]],
    [
      'a stream argument accepted without streaming',
      bind(SONNET, [SONNET]),
      { ...entry, streaming_ok: false, streaming_arg_accepted: true },
      ['streaming_arg_accepted is true but streaming_ok is not: accepting the stream argument is not proof that the endpoint streams'],
    ],
    ['an endpoint never audited', bind(SONNET, [SONNET]), undefined, []],
  ])('%s', (_name, binding, auditEntry, warnings) => {
    expect(warningsOf(binding, auditEntry)).toEqual(warnings);
  });

  it('takes the age limit it is given', () => {
    expect(warningsOf(bind(SONNET, [SONNET]), entry, { maxAuditAgeDays: 6 })).toEqual(['the audit is 7 days old (over 6); re-run vibecoding-state.endpoint_guardrail_audit before relying on it']);
    expect(warningsOf(bind(SONNET, [SONNET]), entry, { maxAuditAgeDays: 7 })).toEqual([]);
  });

  it('warns on an accepted stream argument only for a role that must stream', () => {
    const state = { llm_role_endpoints: { tools: bind(SONNET, [SONNET]) }, endpoint_guardrail_audit: { [SONNET]: { ...entry, streaming_ok: false, streaming_arg_accepted: true } } };
    expect(audit(state, []).roles[0]).toMatchObject({ status: 'pass', warnings: [] });
  });

  it('reads the audit time the whole audit carries when an entry has none', () => {
    const state = { llm_role_endpoints: { agent_chat: bind(SONNET, [SONNET]) }, endpoint_guardrail_audit: { audited_at: '2026-09-01T00:00:00Z', endpoints: { [SONNET]: { short_chat_ok: true, streaming_ok: true } } } };
    expect(audit(state).roles[0]).toMatchObject({ status: 'pass', warnings: ['the audit is 87 days old (over 30); re-run vibecoding-state.endpoint_guardrail_audit before relying on it'] });
  });
});

describe('reading bindings and audits', () => {
  it('trims names, skips empty and non-string candidates, and reads a context minimum written as a string', () => {
    const state = {
      llm_role_endpoints: { summarizer: { endpoint: ` ${SONNET} `, candidates: [` ${SONNET}`, '', 42, { endpoint: 7 }, { name: OPUS }], selected_after_probe: true, min_context_chars: '100000' } },
      endpoint_guardrail_audit: { [SONNET]: { ...entry, long_context_ok: true, accepted_min_context_chars: '99999' }, [OPUS]: { ...entry, long_context_ok: true, accepted_min_context_chars: 100_000 } },
    };
    expect(audit(state, ['summarizer']).roles[0]).toMatchObject({ endpoint: SONNET, status: 'fail', failed_checks: ['accepted_min_context_chars'], fallback_candidates: [OPUS] });
  });

  it.each([
    ['missing', {}],
    ['not a number', { accepted_min_context_chars: 'lots' }],
    ['blank', { accepted_min_context_chars: ' ' }],
    ['infinite', { accepted_min_context_chars: Infinity }],
  ])('fails a context minimum the audit does not show (%s)', (_name, fields) => {
    const state = { llm_role_endpoints: { summarizer: bind(SONNET, [SONNET], { min_context_chars: 1000 }) }, endpoint_guardrail_audit: { [SONNET]: { ...entry, long_context_ok: true, ...fields } } };
    expect(audit(state, ['summarizer']).roles[0]?.failed_checks).toEqual(['accepted_min_context_chars']);
  });

  it('ignores a role whose binding is not a mapping, and audit entries that are not mappings', () => {
    const state = { llm_role_endpoints: { agent_chat: 'sonnet', tools: bind(SONNET, [SONNET]) }, endpoint_guardrail_audit: { [SONNET]: 'ok', [OPUS]: entry } };
    expect(audit(state, []).roles).toEqual([expect.objectContaining({ role: 'tools', status: 'fail', failed_checks: ['audit_entry'] })]);
  });

  it('reads an audit given as a top-level list of entries', () => {
    const state = { llm_role_endpoints: { agent_chat: bind(SONNET, [SONNET]) }, endpoint_guardrail_audit: [{ endpoint: SONNET, ...entry }, { name: OPUS }, 'x'] };
    expect(audit(state).roles[0]).toMatchObject({ status: 'pass', warnings: [] });
  });

  it('reads no entries from an audit that is neither a mapping nor a list', () => {
    const state = { llm_role_endpoints: { agent_chat: bind(SONNET, [SONNET]) }, endpoint_guardrail_audit: 'done' };
    expect(audit(state).roles[0]).toMatchObject({ status: 'fail', failed_checks: ['audit_entry'] });
  });

  it('lists the roles of the state first, then served roles it lacks, each once', () => {
    const state = { llm_role_endpoints: { tools: bind(SONNET, [SONNET]), agent_chat: bind(SONNET, [SONNET]) }, endpoint_guardrail_audit: { [SONNET]: entry } };
    expect(audit(state, ['agent_chat', 'summarizer', 'agent_chat']).roles.map((r) => r.role)).toEqual(['tools', 'agent_chat', 'summarizer']);
  });

  it('accepts a state that has bindings but an empty audit as a state file', () => {
    expect(() => audit({ llm_role_endpoints: {}, endpoint_guardrail_audit: {} }, ['agent_chat'])).not.toThrow();
    expect(() => audit({ endpoint_guardrail_audit: {} }, ['agent_chat'])).not.toThrow();
    expect(() => audit({ llm_role_endpoints: {} }, ['agent_chat'])).toThrow(expect.objectContaining({ code: 'STATE_FILE_NO_AUDIT' }));
    expect(() => audit({ llm_role_endpoints: null, endpoint_guardrail_audit: null }, ['agent_chat'])).toThrow(expect.objectContaining({ code: 'STATE_FILE_NOT_STATE' }));
  });
});

describe('refusing a file that cannot answer the halt rule', () => {
  it('says what the file lacks and which step writes it', () => {
    expect(() => audit({ name: 'gw' })).toThrow(
      expect.objectContaining({
        code: 'STATE_FILE_NOT_STATE',
        what: 'This is not a workshop state file',
        why: 'it has neither llm_role_endpoints nor endpoint_guardrail_audit, the two keys the F4 halt rule reads',
        next: 'Pass the workshop state file (state.yaml or .vibecoding-state.md; examples/ shows the format), or run the Phase 1.2 steps (vibecoding-state.llm_role_endpoint_probe, vibecoding-state.endpoint_guardrail_audit) that write those keys',
      }),
    );
    expect(() => audit({ llm_role_endpoints: {} })).toThrow(
      expect.objectContaining({
        code: 'STATE_FILE_NO_AUDIT',
        what: 'The state file has no endpoint_guardrail_audit',
        why: 'the endpoint guardrail audit has not run, so no role endpoint can be shown to have passed its probe',
        next: 'Run vibecoding-state.endpoint_guardrail_audit, then call again',
      }),
    );
  });

  it('names no passing endpoint, without refusing, for a state whose audit has not run', () => {
    expect(boundPassingEndpoints({ llm_role_endpoints: { agent_chat: bind(SONNET, [SONNET]) } })).toEqual(new Map());
  });
});

describe('reading bindings and audits in odd shapes', () => {
  it('lists every passing candidate when asking for a probe re-run', () => {
    const state = { llm_role_endpoints: { agent_chat: bind(SONNET, [SONNET, OPUS, 'ep-3']) }, endpoint_guardrail_audit: { [SONNET]: { ...entry, short_chat_ok: false }, [OPUS]: entry, 'ep-3': entry } };
    expect(audit(state).operator_prompt?.message).toContain(`but ${OPUS}, ep-3 passed it.`);
  });

  it('treats a binding without an endpoint as unbound', () => {
    const state = { llm_role_endpoints: { agent_chat: { candidates: [SONNET], selected_after_probe: true } }, endpoint_guardrail_audit: { [SONNET]: entry } };
    expect(audit(state, []).roles[0]).toMatchObject({ endpoint: null, status: 'unbound', failed_checks: ['endpoint'], fallback_candidates: [SONNET] });
  });

  it('reads candidates only from a list, and drops empty names', () => {
    const asText = { llm_role_endpoints: { agent_chat: bind(SONNET, SONNET as unknown as unknown[]) }, endpoint_guardrail_audit: { [SONNET]: entry } };
    expect(audit(asText, []).roles[0]).toMatchObject({ status: 'unbound', failed_checks: ['candidates'], fallback_candidates: [] });
    expect(audit(asText).operator_prompt?.roles[0]?.candidates).toEqual([]);
    const withEmpty = { llm_role_endpoints: { agent_chat: bind('ep-x', ['', 'ep-x']) }, endpoint_guardrail_audit: {} };
    expect(audit(withEmpty).operator_prompt?.roles[0]?.candidates.map((c) => c.endpoint)).toEqual(['ep-x']);
  });

  it('reads from an audit list only the entries that name their endpoint', () => {
    for (const list of [[null, 'x', { endpoint: 5, ...entry }, { endpoint: SONNET, ...entry }], { endpoints: [null, 'x', { endpoint: 5, ...entry }, { endpoint: SONNET, ...entry }] }]) {
      const state = { llm_role_endpoints: { agent_chat: bind(SONNET, [SONNET]), other: bind('5', ['5']) }, endpoint_guardrail_audit: list };
      expect(audit(state, []).roles.map((r) => [r.role, r.status, r.failed_checks])).toEqual([
        ['agent_chat', 'pass', []],
        ['other', 'fail', ['audit_entry']],
      ]);
    }
  });

  it('dates the audit by the first time field it carries that is not a mapping', () => {
    const undated = { short_chat_ok: true, streaming_ok: true };
    const state = { llm_role_endpoints: { agent_chat: bind(SONNET, [SONNET]) }, endpoint_guardrail_audit: { [SONNET]: undated, checked_at: { by: 'ops' }, updated_at: '2026-08-01T00:00:00Z' } };
    expect(audit(state).roles[0]?.warnings).toEqual(['the audit is 118 days old (over 30); re-run vibecoding-state.endpoint_guardrail_audit before relying on it']);
  });

  it('warns about the stream argument only when it was accepted and the endpoint did not stream', () => {
    const withEntry = (e: Record<string, unknown>) => audit({ llm_role_endpoints: { agent_chat: bind(SONNET, [SONNET]) }, endpoint_guardrail_audit: { [SONNET]: { ...entry, ...e } } }).roles[0]?.warnings;
    expect(withEntry({ streaming_arg_accepted: true })).toEqual([]);
    expect(withEntry({ streaming_ok: false })).toEqual([]);
    expect(withEntry({ streaming_ok: false, streaming_arg_accepted: true })).toEqual(['streaming_arg_accepted is true but streaming_ok is not: accepting the stream argument is not proof that the endpoint streams']);
  });

  it('reads a context minimum only from a number or a numeric text', () => {
    const roleWith = (min: unknown, accepted: unknown = 150_000) =>
      audit({ llm_role_endpoints: { summarizer: bind(SONNET, [SONNET], { min_context_chars: min }) }, endpoint_guardrail_audit: { [SONNET]: { ...entry, long_context_ok: true, accepted_min_context_chars: accepted } } }, []).roles[0];
    expect(roleWith(' ')).toMatchObject({ status: 'pass' });
    expect(roleWith(Number.POSITIVE_INFINITY)).toMatchObject({ status: 'pass' });
    expect(roleWith(true)).toMatchObject({ status: 'pass' });
    expect(roleWith(100_000, 'lots')).toMatchObject({ status: 'fail', failed_checks: ['accepted_min_context_chars'] });
    expect(roleWith('100000', '150000')).toMatchObject({ status: 'pass' });
    const noLongContext = audit({ llm_role_endpoints: { summarizer: bind(SONNET, [SONNET], { min_context_chars: ' ' }) }, endpoint_guardrail_audit: { [SONNET]: entry } }, []).roles[0];
    expect(noLongContext).toMatchObject({ status: 'pass', failed_checks: [] });
  });
});
