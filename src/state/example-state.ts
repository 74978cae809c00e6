/**
 * The example state file, in both formats the product reads: plain YAML (examples/state.yaml) and the
 * workshop's Markdown (examples/vibecoding-state.md). `--sandbox` uses a fresh copy of the YAML one when no
 * state file is named or found, so every tool works from the first call. Its endpoints are Foundation Model
 * API endpoints the sandbox seeds: read_audit passes and create_gateway can serve them.
 *
 * The files in examples/ are rendered from here and pinned by example.test.ts: change the endpoints below,
 * then run `UPDATE_EXAMPLES=1 npx vitest run src/state/example-state.test.ts` to rewrite them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Runtime } from '../runtime/process-runtime.js';

/** The one place the example names endpoints. */
export const EXAMPLE_ENDPOINTS = {
  /** agent_chat's bound endpoint: passes the agent_chat probe (short chat and streaming). */
  agentChat: 'databricks-claude-sonnet-4-6',
  /** agent_chat's other candidate, which also passes: the gateway's fallback. */
  agentChatFallback: 'databricks-claude-opus-4-5',
  /** summarizer's bound endpoint: passes on long context; it never streamed, which this role does not need. */
  summarizer: 'databricks-meta-llama-3-3-70b-instruct',
} as const;

/** Where the example's gateway puts its inference tables. */
const EXAMPLE_UC_SCHEMA = 'workshop.agent_ops';

/** The audit time written into examples/ (the sandbox's copy is audited "now", so it never reads as stale). */
export const EXAMPLE_AUDITED_AT = '2026-11-20T09:00:00Z';

const { agentChat, agentChatFallback, summarizer } = EXAMPLE_ENDPOINTS;

function roleBindings(): string {
  return `uc_catalog_schema: ${EXAMPLE_UC_SCHEMA}    # catalog.schema of the gateway's inference tables
llm_role_endpoints:
  agent_chat:
    endpoint: ${agentChat}    # bound by the role endpoint probe
    candidates:
      - ${agentChat}
      - ${agentChatFallback}
    selected_after_probe: true
  summarizer:
    endpoint: ${summarizer}
    candidates:
      - ${summarizer}
    selected_after_probe: true
    min_context_chars: 100000    # the probe must have accepted at least this much context
`;
}

/** The audit's entries, keyed by endpoint (bare: the YAML file nests them under endpoint_guardrail_audit). */
function auditEntries(auditedAt: string): string {
  const entry = (endpoint: string, streaming: string, contextChars: number) => `${endpoint}:
  short_chat_ok: true
  streaming_ok: ${streaming}
  streaming_arg_accepted: true
  long_context_ok: true
  accepted_min_context_chars: ${contextChars}
  audited_at: '${auditedAt}'
`;
  return (
    entry(agentChat, 'true', 200000) +
    entry(agentChatFallback, 'true', 200000) +
    entry(summarizer, 'false    # no tokens streamed back (the accepted argument is no proof); summarizer does not stream', 128000)
  );
}

function foundation(): string {
  return `Foundation:
  f2_otel:
    otel_table_prefix: agent_otel    # F2's prefix; create_gateway records F4 as Foundation.f4_gateway
`;
}

export function exampleStateYaml(auditedAt = EXAMPLE_AUDITED_AT): string {
  const indented = auditEntries(auditedAt).replace(/^(?=.)/gm, '  ');
  return `# Workshop state (the vibecoding-state steps write it; ai-gateway-mcp reads it, and records F4 in it).
# Phase 1.2: each role is bound to a candidate endpoint that passed its role probe.
${roleBindings()}
# What each candidate endpoint did when probed (vibecoding-state.endpoint_guardrail_audit).
endpoint_guardrail_audit:
${indented}
${foundation()}`;
}

export function exampleStateMarkdown(auditedAt = EXAMPLE_AUDITED_AT): string {
  const block = (yaml: string) => `\`\`\`yaml\n${yaml}\`\`\`\n`;
  return `# Vibecoding state

The workshop's steps keep their state in this file, each in a fenced \`yaml\` block; the prose is for people
and stays as it is. ai-gateway-mcp merges the blocks: a block holds its top-level keys, or holds bare keys
under a heading that names the key (as \`endpoint_guardrail_audit\` below).

## Phase 1.2: role endpoints

Bound by \`vibecoding-state.llm_role_endpoint_probe\`: each role's endpoint is a candidate that passed its probe.

${block(roleBindings())}
## endpoint_guardrail_audit

Written by \`vibecoding-state.endpoint_guardrail_audit\`: what each candidate endpoint did when probed.

${block(auditEntries(auditedAt))}
## Foundation

The foundation steps' records. F4 (create_gateway) adds \`f4_gateway\` here.

${block(foundation())}`;
}

/**
 * This process's copy of the example state, written on first use and removed when the runtime closes: the
 * sandbox's workspace lives as long as the process, and so does the state that describes it.
 */
export function exampleStateFile(runtime: Runtime): string {
  return runtime.service('state.example-file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'aigw-example-state-'));
    const file = path.join(dir, 'state.yaml');
    writeFileSync(file, exampleStateYaml(new Date().toISOString()));
    runtime.onClose(() => rmSync(dir, { recursive: true, force: true }));
    return file;
  });
}
