/** The checklist items the gateway's config answers: the exact evidence and fix each status carries. */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../rules/rule-types.js';
import { CHECKLIST, configItems, entry, inStepOrder, type ConfigEvidence } from './checklist-items.js';

const entryState = { short_chat_ok: true, streaming_ok: true, audited_at: new Date().toISOString() };
const passing = { llm_role_endpoints: { agent_chat: { endpoint: 'ep-a', candidates: ['ep-a'], selected_after_probe: true } }, endpoint_guardrail_audit: { 'ep-a': entryState } };
const failing = {
  llm_role_endpoints: { agent_chat: { endpoint: 'ep-a', candidates: ['ep-a'], selected_after_probe: true }, tools: { endpoint: '<pending>', candidates: [] } },
  endpoint_guardrail_audit: { 'ep-a': { ...entryState, short_chat_ok: false, streaming_ok: false } },
};
const aiGateway = {
  inference_table_config: { enabled: true, catalog_name: 'cat', schema_name: 'ops', table_name_prefix: 'gw' },
  rate_limits: [{ key: 'endpoint', calls: 120, renewal_period: 'minute' }, { key: 'user', tokens: 5000, renewal_period: 'minute' }, { key: 'user_group' }, 'junk'],
};
const evidence = (overrides: Partial<ConfigEvidence> = {}): ConfigEvidence => ({ endpoint: 'gw', aiGateway, findings: [], state: passing, ...overrides });
const finding = (rule: string, severity: Finding['severity'], message: string, fix = `fix ${rule}`): Finding => ({ rule, severity, path: '/x', message, fix });
const byItem = (e: ConfigEvidence) => Object.fromEntries(configItems(e).map(({ item, status, evidence: ev, fix }) => [item, { status, evidence: ev, fix }]));

describe('configItems', () => {
  it('passes every config item of a compliant gateway, with the evidence that decided it', () => {
    expect(byItem(evidence())).toEqual({
      'gateway-created': { status: 'pass', evidence: 'gw has usage tracking and inference tables enabled (inference tables in cat.ops)', fix: 'Nothing to do' },
      'audited-entities': { status: 'pass', evidence: 'every served entity of gw is a bound endpoint that passed its role probe (or a passing fallback at 0 %)', fix: 'Nothing to do' },
      'table-prefix': { status: 'pass', evidence: 'table_name_prefix "gw" has no trailing "_": the payload table is gw_payload', fix: 'Nothing to do' },
      'rate-limits': { status: 'pass', evidence: 'rate limits: endpoint 120/minute, user 5000/minute, user_group ?/undefined', fix: 'Nothing to do' },
      guardrails: { status: 'pass', evidence: 'PII (BLOCK or MASK) and safety guardrails are on for input and output', fix: 'Nothing to do' },
      'ops-grants': { status: 'pass', evidence: 'a principal holds USE_CATALOG on cat and USE_SCHEMA, SELECT on cat.ops', fix: 'Nothing to do' },
      'halt-rule': { status: 'pass', evidence: 'every bound role passed its probe: no halt was needed', fix: 'Nothing to do' },
    });
  });

  it('says when no prefix is set', () => {
    const noPrefix = { ...aiGateway, inference_table_config: { enabled: true, catalog_name: 'cat', schema_name: 'ops' } };
    expect(byItem(evidence({ aiGateway: noPrefix }))['table-prefix']?.evidence).toBe('no table_name_prefix is set: Databricks names the table after the endpoint');
  });

  it('fails an item on its error findings, joining their messages and taking the first fix, and keeps warnings as notes on a pass', () => {
    const items = byItem(
      evidence({
        findings: [
          finding('f4.usage-tracking', 'error', 'usage tracking is not enabled'),
          finding('live.config-update', 'error', 'the last config update failed', 'second fix'),
          finding('live.explicit-grants', 'warning', 'admins holds ALL_PRIVILEGES on cat'),
          finding('f4.rate-limits', 'info', 'limits noted'),
          finding('api.name', 'error', 'not an item of the checklist'),
        ],
      }),
    );
    expect(items['gateway-created']).toEqual({ status: 'fail', evidence: 'usage tracking is not enabled; the last config update failed', fix: 'fix f4.usage-tracking' });
    expect(items['ops-grants']).toEqual({ status: 'pass', evidence: 'a principal holds USE_CATALOG on cat and USE_SCHEMA, SELECT on cat.ops; note: admins holds ALL_PRIVILEGES on cat', fix: 'Nothing to do' });
    expect(items['rate-limits']?.evidence).toBe('rate limits: endpoint 120/minute, user 5000/minute, user_group ?/undefined; note: limits noted');
  });

  it('cannot judge the audited entities or the halt without a state file', () => {
    const items = byItem(evidence({ state: undefined }));
    expect(items['audited-entities']).toEqual({
      status: 'unknown',
      evidence: 'no state file was given, so the served entities could not be checked against endpoint_guardrail_audit',
      fix: 'Pass state_file (the workshop state with endpoint_guardrail_audit and llm_role_endpoints)',
    });
    expect(items['halt-rule']).toEqual({
      status: 'unknown',
      evidence: 'no state file was given, so the role bindings the halt rule reads could not be seen',
      fix: 'Pass state_file (the workshop state with endpoint_guardrail_audit and llm_role_endpoints)',
    });
  });

  it('fails the ops item when there is no payload table to read, and cannot judge it when grants are unreadable', () => {
    const off = { ...aiGateway, inference_table_config: { enabled: false } };
    expect(byItem(evidence({ aiGateway: off }))['ops-grants']).toEqual({
      status: 'fail',
      evidence: 'inference tables are not enabled on gw, so there is no payload table for the ops team to read',
      fix: 'Enable ai_gateway.inference_table_config, then grant the ops group USE_CATALOG, USE_SCHEMA and SELECT on its catalog and schema',
    });
    expect(byItem(evidence({ aiGateway: undefined }))['ops-grants']?.status).toBe('fail');
    expect(byItem(evidence({ grantsProblem: 'PERMISSION_DENIED' }))['ops-grants']).toEqual({
      status: 'unknown',
      evidence: "the grants on the inference tables' catalog and schema could not be read: PERMISSION_DENIED",
      fix: 'Ask the schema owner or a metastore admin for BROWSE (or MANAGE) on the catalog and schema so their grants can be read, then check again',
    });
    // An error found anyway decides the item even when the grants could only partly be read.
    expect(byItem(evidence({ grantsProblem: 'x', findings: [finding('live.ops-grants', 'error', 'ops lacks SELECT')] }))['ops-grants']?.status).toBe('fail');
  });

  it('says the halt held when the failing roles serve nothing, and failed when the gateway serves unaudited entities', () => {
    expect(byItem(evidence({ state: failing }))['halt-rule']).toEqual({
      status: 'pass',
      evidence: 'roles without a passing endpoint: agent_chat (fail: short_chat_ok, streaming_ok), tools (unbound: endpoint, selected_after_probe); the gateway serves none of them (the halt held)',
      fix: 'Nothing to do for this gateway; to serve those roles, ask the operator for a workspace-specific candidate list',
    });
    const served = [finding('f4.audited-entities', 'error', '"ep-a" is not a bound endpoint that passed its role probe'), finding('f4.audited-entities', 'warning', 'ignored')];
    expect(byItem(evidence({ state: failing, findings: served }))['halt-rule']).toEqual({
      status: 'fail',
      evidence: 'roles without a passing endpoint: agent_chat (fail: short_chat_ok, streaming_ok), tools (unbound: endpoint, selected_after_probe); yet the gateway serves "ep-a" is not a bound endpoint that passed its role probe',
      fix: 'Remove the unaudited served entities; ask the operator for a workspace-specific candidate list and re-run the role probe (no admin-ticket path)',
    });
  });

  it('reads a prefix that is not a string as no prefix', () => {
    const nullPrefix = { ...aiGateway, inference_table_config: { enabled: true, catalog_name: 'cat', schema_name: 'ops', table_name_prefix: null } };
    expect(byItem(evidence({ aiGateway: nullPrefix }))['table-prefix']?.evidence).toBe('no table_name_prefix is set: Databricks names the table after the endpoint');
  });

  it('unreadable grants leave every item but the ops one to its own findings', () => {
    const items = byItem(evidence({ grantsProblem: 'PERMISSION_DENIED' }));
    expect(Object.entries(items).filter(([, e]) => e.status !== 'pass').map(([item]) => item)).toEqual(['ops-grants']);
  });

  it('counts only error findings of the audited-entities rule as unaudited entities served, and names each', () => {
    const other = [finding('f4.rate-limits', 'error', 'no rate limit is configured')];
    expect(byItem(evidence({ state: failing, findings: other }))['halt-rule']?.status).toBe('pass');
    const two = [finding('f4.audited-entities', 'error', '"ep-a" is unaudited'), finding('f4.audited-entities', 'error', '"ep-b" is unaudited')];
    expect(byItem(evidence({ state: failing, findings: two }))['halt-rule']?.evidence).toBe(
      'roles without a passing endpoint: agent_chat (fail: short_chat_ok, streaming_ok), tools (unbound: endpoint, selected_after_probe); yet the gateway serves "ep-a" is unaudited; "ep-b" is unaudited',
    );
  });

  it('lists a role without failed checks by its status alone', () => {
    const noEntry = { llm_role_endpoints: { agent_chat: { endpoint: 'ep-a', candidates: ['ep-a'], selected_after_probe: true } }, endpoint_guardrail_audit: { other: entryState } };
    expect(byItem(evidence({ state: noEntry }))['halt-rule']?.evidence).toBe('roles without a passing endpoint: agent_chat (fail: audit_entry); the gateway serves none of them (the halt held)');
  });
});

describe('entries', () => {
  it('carry the item title and details only when given', () => {
    expect(entry('rate-limits', 'pass', 'e', 'f')).toEqual({ item: 'rate-limits', title: 'At least one rate limit is configured (endpoint or user)', status: 'pass', evidence: 'e', fix: 'f' });
    expect(entry('error-alert', 'fail', 'e', 'f', { n: 1 }).details).toEqual({ n: 1 });
  });

  it('are put in the order of the step, whatever order they came in', () => {
    const shuffled = [entry('error-alert', 'pass', '', ''), entry('gateway-created', 'pass', '', ''), entry('guardrails', 'pass', '', '')];
    expect(inStepOrder(shuffled).map((e) => e.item)).toEqual(['gateway-created', 'guardrails', 'error-alert']);
    expect(CHECKLIST.map((c) => c.item).indexOf('halt-rule')).toBe(2);
  });
});
