/**
 * Workshop state files for tests, written in both formats the product reads: plain YAML, and the Markdown
 * state file (prose around fenced yaml blocks; one block carries its top-level key, another holds bare keys
 * under a heading naming the key).
 */
import { dump } from 'js-yaml';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const SONNET = 'databricks-claude-sonnet-4-6';
export const OPUS = 'databricks-claude-opus-4-5';
export const LLAMA = 'databricks-meta-llama-3-3-70b-instruct';

const recent = new Date(Date.now() - 2 * 86_400_000).toISOString();
const pass = { short_chat_ok: true, streaming_ok: true, streaming_arg_accepted: true, long_context_ok: true, accepted_min_context_chars: 200_000, audited_at: recent };

export type State = Record<string, unknown>;

const role = (endpoint: string, candidates: string[], extra: Record<string, unknown> = {}) => ({ endpoint, candidates, selected_after_probe: true, ...extra });

/** Every scenario the halt rule distinguishes. */
export const SCENARIOS = {
  passing: {
    llm_role_endpoints: { agent_chat: role(SONNET, [SONNET, OPUS]), summarizer: role(LLAMA, [LLAMA], { min_context_chars: 100_000 }) },
    endpoint_guardrail_audit: { [SONNET]: pass, [OPUS]: pass, [LLAMA]: { ...pass, streaming_ok: false } },
    Foundation: { f2_otel: { otel_table_prefix: 'agent_otel' } },
  },
  /** agent_chat passes; summarizer's bound endpoint failed its long-context probe. */
  oneRoleFails: {
    llm_role_endpoints: { agent_chat: role(SONNET, [SONNET, OPUS]), summarizer: role(LLAMA, [LLAMA], { min_context_chars: 100_000 }) },
    endpoint_guardrail_audit: { [SONNET]: pass, [OPUS]: pass, [LLAMA]: { ...pass, long_context_ok: false, accepted_min_context_chars: 8_000 } },
  },
  streamingOnly: {
    llm_role_endpoints: { agent_chat: role(SONNET, [SONNET]) },
    endpoint_guardrail_audit: { [SONNET]: { ...pass, streaming_ok: false, streaming_arg_accepted: true } },
  },
  noPassing: {
    llm_role_endpoints: { agent_chat: role(SONNET, [SONNET, OPUS]) },
    endpoint_guardrail_audit: { [SONNET]: { ...pass, short_chat_ok: false }, [OPUS]: { ...pass, streaming_ok: false } },
  },
  otherPasses: {
    llm_role_endpoints: { agent_chat: role(SONNET, [SONNET, OPUS]) },
    endpoint_guardrail_audit: { [SONNET]: { ...pass, streaming_ok: false }, [OPUS]: pass },
  },
  pending: {
    llm_role_endpoints: { agent_chat: { endpoint: '<pending>', candidates: [SONNET], selected_after_probe: false } },
    endpoint_guardrail_audit: { [SONNET]: pass },
  },
} satisfies Record<string, State>;

export function tempDir(prefix = 'aigw-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export function writeYamlState(dir: string, name: string, state: State): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, dump(state));
  return file;
}

export function writeMarkdownState(dir: string, name: string, state: State): string {
  const { endpoint_guardrail_audit: audit, ...rest } = state;
  const parts = [
    '# Vibecoding state',
    '',
    'Written by the workshop steps. Prose between blocks is kept as it is.',
    '',
    '## Phase 1.2 role bindings',
    '',
    '```yaml',
    dump(rest).trimEnd(),
    '```',
    '',
  ];
  if (audit !== undefined) parts.push('## endpoint_guardrail_audit', '', '```yaml', dump(audit).trimEnd(), '```', '');
  const file = path.join(dir, `${name}.md`);
  writeFileSync(file, parts.join('\n'));
  return file;
}
